/**
 * The k6 kit's Socket.IO helper, run through a `ws` adapter that offers k6's WebSocket
 * API: against a real Holdfast gateway (auth, join, hold/confirm acks, broadcasts,
 * refusals, a refused handshake) and against a Socket.IO server with a fast ping (Engine.IO
 * heartbeats answered, the connection kept).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectError, SocketIOClient } from '../../../benchmarks/k6/lib/socketio.ts';
import type { ShowDefinition } from '../../../src/contract/shows.ts';
import type { GatewayHandle } from '../../../src/gateway/gateway.ts';
import { waitFor } from '../../support/wait.ts';
import { GatewayTestbed } from '../gateway/gateway-testbed.ts';
import { K6WebSocketAdapter } from './k6-websocket-adapter.ts';

function k6Client(url: string, token: string | undefined) {
  const sockets: K6WebSocketAdapter[] = [];
  const client = new SocketIOClient({
    url,
    token,
    ackTimeoutMs: 30_000,
    open: (wsUrl) => {
      const socket = new K6WebSocketAdapter(wsUrl);
      sockets.push(socket);
      return socket;
    },
  });
  return { client, sockets };
}

describe('k6 Socket.IO helper against a real gateway', () => {
  let tb: GatewayTestbed;
  let gw: GatewayHandle;
  let show: ShowDefinition;
  const open: SocketIOClient[] = [];

  beforeAll(async () => {
    tb = await GatewayTestbed.create(2);
    await tb.bed.startWorker();
    show = await tb.bed.createShow({ rows: 2, seatsPerRow: 5 });
    gw = await tb.startGateway();
    await tb.settled([gw], 2);
  });
  afterAll(async () => {
    for (const client of open) client.close();
    await tb?.close();
  });

  it('joins, holds and confirms with acks, and a watcher gets the broadcasts', async () => {
    const alice = k6Client(gw.url, await tb.token('alice'));
    const watcher = k6Client(gw.url, await tb.token('watcher'));
    open.push(alice.client, watcher.client);
    const { sid } = await alice.client.connect();
    expect(sid).not.toBe('');
    await watcher.client.connect();
    // Engine.IO v4 over the websocket transport; auth travels in the CONNECT packet.
    expect(alice.sockets[0]?.sent[0]).toMatch(/^40\{"token":"/);

    const changes: { seatId: string; status: string; version: number }[] = [];
    watcher.client.on('seat:changed', (change) => changes.push(change as (typeof changes)[number]));
    const joined = (await watcher.client.emitWithAck('show:join', { showId: show.showId })) as {
      ok: boolean;
      show: { seats: unknown[] };
    };
    expect(joined.ok).toBe(true);
    expect(joined.show.seats).toHaveLength(10);

    const held = (await alice.client.emitWithAck('seat:hold', {
      showId: show.showId,
      seatId: 'A1',
    })) as {
      ok: boolean;
      holdId: string;
      seat: { status: string };
    };
    expect(held).toMatchObject({ ok: true, seat: { status: 'held' } });
    const confirmed = (await alice.client.emitWithAck('seat:confirm', {
      showId: show.showId,
      seatId: 'A1',
      holdId: held.holdId,
    })) as { ok: boolean; seat: { status: string } };
    expect(confirmed).toMatchObject({ ok: true, seat: { status: 'reserved' } });

    await waitFor(() => changes.some((c) => c.seatId === 'A1' && c.status === 'reserved'), {
      what: 'the watcher sees the reservation',
      timeoutMs: 20_000,
    });
    expect(changes.filter((c) => c.seatId === 'A1').map((c) => c.status)).toEqual([
      'held',
      'reserved',
    ]);
  });

  it('passes refusals and validation errors through as acks', async () => {
    const bob = k6Client(gw.url, await tb.token('bob'));
    open.push(bob.client);
    await bob.client.connect();
    const taken = (await bob.client.emitWithAck('seat:hold', {
      showId: show.showId,
      seatId: 'A1',
    })) as {
      ok: boolean;
      error: { code: string };
    };
    expect(taken).toMatchObject({ ok: false, error: { code: 'SEAT_TAKEN' } });
    const invalid = (await bob.client.emitWithAck('seat:hold', {
      showId: show.showId,
      seatId: 'not a seat',
    })) as {
      ok: boolean;
      error: { code: string };
    };
    expect(invalid).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
  });

  it('rejects a bad token with the handshake error code', async () => {
    const mallory = k6Client(gw.url, 'not-a-jwt');
    await expect(mallory.client.connect()).rejects.toMatchObject({
      name: 'ConnectError',
      code: 'UNAUTHENTICATED',
    });
    const anonymous = k6Client(gw.url, undefined);
    const error = await anonymous.client.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).code).toBe('UNAUTHENTICATED');
  });
});

describe('k6 Socket.IO helper heartbeats', () => {
  it('answers Engine.IO pings, so a server with a short ping timeout keeps the connection', async () => {
    const http = createServer();
    const io = new Server(http, { pingInterval: 100, pingTimeout: 200 });
    io.on('connection', (socket) => {
      socket.on('echo', (payload: unknown, ack: (value: unknown) => void) =>
        ack({ ok: true, payload }),
      );
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
    const { port } = http.address() as AddressInfo;
    const { client, sockets } = k6Client(`http://127.0.0.1:${port}`, undefined);
    try {
      await client.connect();
      // Several ping intervals, well past one ping timeout.
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect(client.pongs).toBeGreaterThanOrEqual(3);
      expect(sockets[0]?.sent).toContain('3');
      expect(client.connected).toBe(true);
      await expect(client.emitWithAck('echo', { n: 1 })).resolves.toEqual({
        ok: true,
        payload: { n: 1 },
      });
    } finally {
      client.close();
      await io.close();
    }
  });
});
