/**
 * One socket's message handling with stand-ins for the socket, the read model and Kafka:
 * every message with an ack gets exactly one answer, whatever it carries.
 */
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SeatCommand, SeatEvent } from '../../../src/contract/kafka-records.ts';
import type { ShowDefinition } from '../../../src/contract/shows.ts';
import {
  attachConnection,
  type ConnectionContext,
  type GatewaySocket,
} from '../../../src/gateway/connection.ts';
import { createGatewayMetrics } from '../../../src/gateway/metrics.ts';
import { PendingAcks } from '../../../src/gateway/pending-acks.ts';
import type { ReadModel } from '../../../src/state/read-model.ts';
import { buildShowMap } from '../../../src/state/read-model.ts';

const show: ShowDefinition = {
  showId: 'gala',
  rows: 1,
  seatsPerRow: 3,
  holdTtlMs: 60_000,
  createdAt: 0,
};

type Handler = (...args: unknown[]) => void;

function fakeSocket() {
  const handlers = new Map<string, Handler>();
  let any: Handler | undefined;
  const rooms = new Set<string>();
  const socket = {
    id: 'sock-1',
    data: { userId: 'alice' },
    on: (event: string, handler: Handler) => handlers.set(event, handler),
    onAny: (handler: Handler) => {
      any = handler;
    },
    join: async (room: string) => void rooms.add(room),
    leave: async (room: string) => void rooms.delete(room),
  };
  /** Emits like a client: listeners of the event, then the catch-all. */
  const emit = (event: string, ...args: unknown[]): Promise<unknown> =>
    new Promise((resolve) => {
      const withAck = [...args, resolve];
      handlers.get(event)?.(...withAck);
      any?.(event, ...withAck);
    });
  return { socket: socket as unknown as GatewaySocket, emit, rooms };
}

describe('attachConnection', () => {
  let produced: SeatCommand[];
  let produce: (command: SeatCommand) => Promise<void>;
  let accepting: boolean;
  let complete: boolean;
  let pending: PendingAcks;
  let ctx: ConnectionContext;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    produced = [];
    produce = async (command) => void produced.push(command);
    accepting = true;
    complete = true;
    pending = new PendingAcks(10_000);
    const readModel = {
      isComplete: async () => complete,
      readShow: async () => buildShowMap(show, new Map(), { held: 0, reserved: 0 }),
    } as unknown as ReadModel;
    ctx = {
      gatewayId: 'gw-1',
      shows: { get: (id: string) => (id === 'gala' ? show : undefined) },
      readModel,
      eventPartitions: [0],
      pending,
      produce: (command) => produce(command),
      accepting: () => accepting,
      metrics: createGatewayMetrics('gw-1', () => pending.size),
      logger: pino({ level: 'silent' }),
      rateLimit: {},
    };
  });
  afterEach(() => vi.useRealTimers());

  it('joins a show: the room, the full map and the caller’s seats', async () => {
    const { socket, emit, rooms } = fakeSocket();
    attachConnection(socket, ctx);
    const ack = await emit('show:join', { showId: 'gala' });
    expect(ack).toMatchObject({
      ok: true,
      show: { showId: 'gala', stats: { available: 3, held: 0, reserved: 0 } },
      mine: [],
    });
    expect(rooms.has('show:gala')).toBe(true);
    expect(await emit('show:leave', { showId: 'gala' })).toEqual({ ok: true });
    expect(rooms.size).toBe(0);
  });

  it('answers UNAVAILABLE to a join while the read model is incomplete', async () => {
    complete = false;
    const { socket, emit, rooms } = fakeSocket();
    attachConnection(socket, ctx);
    expect(await emit('show:join', { showId: 'gala' })).toMatchObject({
      ok: false,
      error: { code: 'UNAVAILABLE' },
    });
    expect(rooms.size).toBe(0);
  });

  it('produces a hold with the socket’s user, a fresh correlation id and this replyTo', async () => {
    const { socket, emit } = fakeSocket();
    attachConnection(socket, ctx);
    const answer = emit('seat:hold', { showId: 'gala', seatId: 'A2' });
    await vi.waitFor(() => expect(produced).toHaveLength(1));
    const command = produced[0];
    expect(command).toMatchObject({
      type: 'seat.holdRequest',
      showId: 'gala',
      seatId: 'A2',
      userId: 'alice',
      replyTo: 'gw-1',
      commandId: expect.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
    });
    if (!command) throw new Error('no command');
    const held: SeatEvent = {
      type: 'seat.held',
      eventId: '0-0-0',
      showId: 'gala',
      seatId: 'A2',
      version: 1,
      userId: 'alice',
      causationId: command.commandId,
      commandId: command.commandId,
      correlationId: command.correlationId,
      replyTo: 'gw-1',
      occurredAt: 5,
      holdId: '0-0-0',
      expiresAt: 60_005,
    };
    pending.resolve(held);
    expect(await answer).toMatchObject({ ok: true, holdId: '0-0-0', expiresAt: 60_005 });
    // A retry's correlation id differs; its commandId is the client's.
    const retry = emit('seat:hold', { showId: 'gala', seatId: 'A2', commandId: command.commandId });
    await vi.waitFor(() => expect(produced).toHaveLength(2));
    expect(produced[1]?.commandId).toBe(command.commandId);
    expect(produced[1]?.correlationId).not.toBe(command.correlationId);
    vi.advanceTimersByTime(10_000);
    expect(await retry).toMatchObject({ ok: false, error: { code: 'TIMEOUT' } });
  });

  it('answers UNAVAILABLE when Kafka refuses the command, and while draining', async () => {
    produce = async () => {
      throw new Error('broker down');
    };
    const { socket, emit } = fakeSocket();
    attachConnection(socket, ctx);
    expect(await emit('seat:hold', { showId: 'gala', seatId: 'A1' })).toMatchObject({
      ok: false,
      error: { code: 'UNAVAILABLE' },
    });
    accepting = false;
    expect(await emit('seat:confirm', { showId: 'gala', seatId: 'A1', holdId: 'h' })).toMatchObject(
      { ok: false, error: { code: 'UNAVAILABLE' } },
    );
    expect(pending.size).toBe(0);
  });

  it('rate limits a flood with RATE_LIMITED and serves the socket again', async () => {
    const { socket, emit } = fakeSocket();
    attachConnection(socket, ctx);
    const codes: string[] = [];
    for (let i = 0; i < 100; i++) {
      const ack = (await emit('show:leave', { showId: 'gala' })) as {
        ok: boolean;
        error?: { code: string };
      };
      codes.push(ack.ok ? 'ok' : (ack.error?.code ?? '?'));
    }
    expect(codes.filter((c) => c === 'ok')).toHaveLength(40);
    expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(60);
    vi.advanceTimersByTime(5000);
    expect(await emit('show:leave', { showId: 'gala' })).toEqual({ ok: true });
  });

  it('answers an unknown event and never produces a malformed command', async () => {
    const { socket, emit } = fakeSocket();
    attachConnection(socket, ctx);
    expect(await emit('seat:steal', { showId: 'gala' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PAYLOAD' },
    });
    expect(await emit('seat:hold', { showId: 'gala', seatId: 'A9' })).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_SEAT' },
    });
    expect(produced).toHaveLength(0);
  });
});
