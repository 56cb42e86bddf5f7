/** The k6 kit's Socket.IO framing, on a scripted WebSocket: no server, no services. */
import { describe, expect, it } from 'vitest';
import {
  AckTimeoutError,
  ConnectError,
  decodeSocketIOPacket,
  encodeEvent,
  SocketIOClient,
  socketIOUrl,
  type WebSocketLike,
} from '../../../benchmarks/k6/lib/socketio.ts';

class ScriptedSocket implements WebSocketLike {
  readyState = 1;
  sent: string[] = [];
  closed = false;
  #listeners = new Map<string, ((event: unknown) => void)[]>();
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.closed = true;
    for (const l of this.#listeners.get('close') ?? []) l({});
  }
  addEventListener(event: string, listener: (event: unknown) => void) {
    this.#listeners.set(event, [...(this.#listeners.get(event) ?? []), listener]);
  }
  receive(data: string) {
    for (const l of this.#listeners.get('message') ?? []) l({ type: 'message', data });
  }
}

function scripted(token?: string, ackTimeoutMs = 1000) {
  const ws = new ScriptedSocket();
  let opened = '';
  const client = new SocketIOClient({
    url: 'http://gw.example:8080/',
    token,
    ackTimeoutMs,
    open: (url) => {
      opened = url;
      return ws;
    },
  });
  return { ws, client, opened: () => opened };
}

describe('Socket.IO framing', () => {
  it('encodes events with and without ack ids', () => {
    expect(encodeEvent('seat:hold', { showId: 's' }, 12)).toBe('4212["seat:hold",{"showId":"s"}]');
    expect(encodeEvent('show:leave', { showId: 's' })).toBe('42["show:leave",{"showId":"s"}]');
  });

  it('decodes acks, events, namespaces and connect errors', () => {
    expect(decodeSocketIOPacket('37[{"ok":true}]')).toEqual({
      type: '3',
      ackId: 7,
      data: [{ ok: true }],
    });
    expect(decodeSocketIOPacket('2["seat:changed",{"v":1}]')).toEqual({
      type: '2',
      ackId: undefined,
      data: ['seat:changed', { v: 1 }],
    });
    expect(decodeSocketIOPacket('2/admin,5["x"]')).toEqual({ type: '2', ackId: 5, data: ['x'] });
    expect(decodeSocketIOPacket('0{"sid":"abc"}').data).toEqual({ sid: 'abc' });
    expect(decodeSocketIOPacket('1')).toEqual({ type: '1', ackId: undefined, data: undefined });
  });

  it('builds the websocket-transport URL', () => {
    expect(socketIOUrl('https://h:1/')).toBe('wss://h:1/socket.io/?EIO=4&transport=websocket');
    expect(socketIOUrl('http://h', '/rt/')).toBe('ws://h/rt/?EIO=4&transport=websocket');
  });
});

describe('SocketIOClient', () => {
  it('connects with auth after the Engine.IO open, answers pings, resolves acks', async () => {
    const { ws, client, opened } = scripted('tok');
    const connecting = client.connect();
    expect(opened()).toBe('ws://gw.example:8080/socket.io/?EIO=4&transport=websocket');
    ws.receive('0{"sid":"e1","pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}');
    expect(ws.sent).toEqual(['40{"token":"tok"}']);
    ws.receive('40{"sid":"s1"}');
    await expect(connecting).resolves.toEqual({ sid: 's1' });

    ws.receive('2');
    expect(ws.sent.at(-1)).toBe('3');
    expect(client.pongs).toBe(1);

    const events: unknown[] = [];
    client.on('seat:changed', (p) => events.push(p));
    ws.receive('42["seat:changed",{"seatId":"A1"}]');
    expect(events).toEqual([{ seatId: 'A1' }]);

    const ack = client.emitWithAck('seat:hold', { showId: 's', seatId: 'A1' });
    expect(ws.sent.at(-1)).toBe('420["seat:hold",{"showId":"s","seatId":"A1"}]');
    ws.receive('430[{"ok":true,"holdId":"h"}]');
    await expect(ack).resolves.toEqual({ ok: true, holdId: 'h' });
  });

  it('rejects a refused handshake with its data.code', async () => {
    const { ws, client } = scripted('bad');
    const connecting = client.connect();
    ws.receive('0{"sid":"e1"}');
    ws.receive('44{"message":"invalid token","data":{"code":"UNAUTHENTICATED"}}');
    const error = await connecting.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).code).toBe('UNAUTHENTICATED');
    expect(ws.closed).toBe(true);
  });

  it('times out an unanswered ack, and answers pending acks DISCONNECTED on close', async () => {
    const { ws, client } = scripted(undefined, 20);
    const connecting = client.connect();
    ws.receive('0{"sid":"e1"}');
    expect(ws.sent).toEqual(['40']);
    ws.receive('40{"sid":"s"}');
    await connecting;
    await expect(client.emitWithAck('echo', {})).rejects.toBeInstanceOf(AckTimeoutError);
    const pending = new SocketIOClient({ url: 'http://x', open: () => ws, ackTimeoutMs: 10_000 });
    expect(pending.connected).toBe(false);
    const waiting = client.emitWithAck('echo', {});
    ws.close();
    await expect(waiting).resolves.toMatchObject({ ok: false, error: { code: 'DISCONNECTED' } });
  });
});
