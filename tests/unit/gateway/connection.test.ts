/**
 * One socket's message handling with stand-ins for the socket, the read model and Kafka:
 * every message with an ack gets exactly one answer, whatever it carries.
 */
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ERROR_CODES, HoldfastError } from '../../../src/contract/errors.ts';
import type { SeatCommand, SeatEvent } from '../../../src/contract/kafka-records.ts';
import type { ShowDefinition } from '../../../src/contract/shows.ts';
import { Broadcaster } from '../../../src/gateway/broadcaster.ts';
import { CommandHandler } from '../../../src/gateway/command-handler.ts';
import {
  attachConnection,
  type ConnectionContext,
  type GatewaySocket,
} from '../../../src/gateway/connection.ts';
import { createGatewayMetrics } from '../../../src/gateway/metrics.ts';
import { RateLimiter } from '../../../src/gateway/rate-limiter.ts';
import { ReplyRouter } from '../../../src/gateway/reply-router.ts';
import { SeatMapCache } from '../../../src/gateway/seat-map-cache.ts';
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

function fakeSocket(data: { sharedBuckets?: RateLimiter[] } = {}) {
  const handlers = new Map<string, Handler>();
  let any: Handler | undefined;
  const rooms = new Set<string>();
  const socket = {
    id: 'sock-1',
    data: {
      userId: 'alice',
      frames: 'single',
      expiresAt: Date.now() + 3_600_000,
      address: '203.0.113.1',
      sharedBuckets: [],
      ...data,
    },
    connected: true,
    once: () => undefined,
    emit: () => true,
    disconnect: () => undefined,
    on: (event: string, handler: Handler) => handlers.set(event, handler),
    onAny: (handler: Handler) => {
      any = handler;
    },
    join: async (room: string) => void rooms.add(room),
    leave: async (room: string) => void rooms.delete(room),
  };
  /** Emits like a client: listeners of the event, then the catch-all. */
  const emit = (event: string | number, ...args: unknown[]): Promise<unknown> =>
    new Promise((resolve) => {
      const withAck = [...args, resolve];
      if (typeof event === 'string') handlers.get(event)?.(...withAck);
      any?.(event, ...withAck);
    });
  return { socket: socket as unknown as GatewaySocket, emit, rooms };
}

describe('attachConnection', () => {
  let produced: SeatCommand[];
  let produce: (command: SeatCommand) => Promise<void>;
  let accepting: boolean;
  let complete: boolean;
  let replies: ReplyRouter;
  let ctx: ConnectionContext;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    produced = [];
    produce = async (command) => void produced.push(command);
    accepting = true;
    complete = true;
    replies = new ReplyRouter({
      gatewayId: 'gw-1',
      ackTimeoutMs: 10_000,
      servers: { serverSideEmit: () => true, on: () => undefined },
    });
    const emptyMap = () => buildShowMap(show, new Map(), { held: 0, reserved: 0 });
    const readModel = {
      isComplete: async () => complete,
      readShow: async () => emptyMap(),
      readStats: async () => emptyMap().stats,
    } as unknown as ReadModel;
    const logger = pino({ level: 'silent' });
    const metrics = createGatewayMetrics('gw-1', () => replies.waiting);
    const handler = new CommandHandler({
      gatewayId: 'gw-1',
      shows: { get: (id: string) => (id === 'gala' ? show : undefined) },
      readModel,
      seatMaps: new SeatMapCache({ readModel }),
      eventPartitions: [0],
      broadcaster: new Broadcaster({
        rooms: { to: () => ({ emit: () => true }) },
        tryStatsLock: async () => true,
        readStats: async () => undefined,
        logger,
      }),
      replies,
      commands: { send: (command: SeatCommand) => produce(command) },
      accepting: () => accepting,
      metrics,
    });
    ctx = {
      handler,
      metrics,
      logger,
      rateLimit: {},
      verify: async () => ({ ok: true, userId: 'alice', expiresAt: Date.now() + 7_200_000 }),
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
    // Only the user's own room is left: it hears of cancelled seats wherever it is.
    expect([...rooms]).toEqual(['user:alice']);
  });

  it("routes auth:refresh to the socket's session: acked with the new expiry, no commandId", async () => {
    const { socket, emit } = fakeSocket();
    attachConnection(socket, ctx);
    expect(await emit('auth:refresh', { token: 'fresh' })).toEqual({
      ok: true,
      expiresAt: Date.now() + 7_200_000,
    });
    expect(await emit('auth:refresh', { jwt: 'fresh' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PAYLOAD' },
    });
  });

  it('answers UNAVAILABLE to a join while the read model is incomplete', async () => {
    complete = false;
    const { socket, emit, rooms } = fakeSocket();
    attachConnection(socket, ctx);
    expect(await emit('show:join', { showId: 'gala' })).toMatchObject({
      ok: false,
      error: { code: 'UNAVAILABLE' },
    });
    expect(rooms.has('show:gala')).toBe(false);
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
    replies.route(held, true);
    expect(await answer).toMatchObject({
      ok: true,
      holdId: '0-0-0',
      expiresAt: 60_005,
      commandId: command.commandId,
    });
    // A retry's correlation id differs; its commandId is the client's.
    const retry = emit('seat:hold', { showId: 'gala', seatId: 'A2', commandId: command.commandId });
    await vi.waitFor(() => expect(produced).toHaveLength(2));
    expect(produced[1]?.commandId).toBe(command.commandId);
    expect(produced[1]?.correlationId).not.toBe(command.correlationId);
    vi.advanceTimersByTime(10_000);
    expect(await retry).toMatchObject({
      ok: false,
      error: { code: 'TIMEOUT' },
      commandId: command.commandId,
    });
  });

  it('answers UNAVAILABLE only when the command was certainly not appended, else TIMEOUT', async () => {
    const { socket, emit } = fakeSocket();
    attachConnection(socket, ctx);
    produce = async () => {
      throw new HoldfastError(ERROR_CODES.PRODUCE_NOT_SENT, 'no connection');
    };
    expect(await emit('seat:hold', { showId: 'gala', seatId: 'A1' })).toMatchObject({
      ok: false,
      error: { code: 'UNAVAILABLE' },
    });
    // A request timeout or a connection lost after the send: it may be on the log.
    produce = async () => {
      throw Object.assign(new Error('Request timed out'), { name: 'KafkaJSRequestTimeoutError' });
    };
    expect(await emit('seat:hold', { showId: 'gala', seatId: 'A1', commandId: 'c-1' })).toEqual({
      ok: false,
      error: { code: 'TIMEOUT', message: expect.any(String) },
      commandId: 'c-1',
    });
    accepting = false;
    expect(await emit('seat:confirm', { showId: 'gala', seatId: 'A1', holdId: 'h' })).toMatchObject(
      { ok: false, error: { code: 'UNAVAILABLE' } },
    );
    expect(replies.waiting).toBe(0);
  });

  it('gives every seat command ack the commandId used, generated when not given', async () => {
    const { socket, emit } = fakeSocket();
    attachConnection(socket, ctx);
    const acks = (await Promise.all([
      emit('seat:hold', { showId: 'gala', seatId: 'A9', commandId: 'mine-1' }),
      emit('seat:hold', { showId: 'gala', seatId: 'A9' }),
      emit('seat:release', { showId: 'gala', seatId: 'A1', holdId: 'h', commandId: 'bad id!' }),
      emit('seat:confirm', { showId: 'gala', seatId: 'A1' }, 'extra'),
    ])) as { ok: boolean; commandId?: string }[];
    expect(acks.map((ack) => ack.ok)).toEqual([false, false, false, false]);
    expect(acks[0]?.commandId).toBe('mine-1');
    for (const ack of acks.slice(1)) {
      expect(ack.commandId).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    }
    // Joins and leaves carry none.
    expect(await emit('show:leave', { showId: 'gala' })).toEqual({ ok: true });
    // Rate-limited commands still carry theirs.
    let limited: { ok: boolean; commandId?: string; error?: { code: string } } | undefined;
    for (let i = 0; i < 50 && limited?.error?.code !== 'RATE_LIMITED'; i++) {
      limited = (await emit('seat:hold', {
        showId: 'gala',
        seatId: 'Z1',
        commandId: `r-${i}`,
      })) as {
        ok: boolean;
        commandId?: string;
        error?: { code: string };
      };
    }
    expect(limited).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    expect(limited?.commandId).toMatch(/^r-\d+$/);
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

  it('says when to retry, and charges the user’s shared bucket only for served messages', async () => {
    const shared = new RateLimiter({ perSecond: 60, burst: 45 });
    const { socket, emit } = fakeSocket({ sharedBuckets: [shared] });
    attachConnection(socket, ctx);
    for (let i = 0; i < 100; i++) await emit('show:leave', { showId: 'gala' });
    // The socket's own bucket served 40 and refused 60: the shared one paid for 40 only.
    for (let i = 0; i < 5; i++) expect(shared.tryTake()).toBe(true);
    expect(shared.tryTake()).toBe(false);
    expect(await emit('show:leave', { showId: 'gala' })).toMatchObject({
      ok: false,
      error: { code: 'RATE_LIMITED', retryAfterMs: 50 },
    });
  });

  it('refuses a message when the user’s shared bucket is empty, whatever the socket has', async () => {
    const shared = new RateLimiter({ perSecond: 1, burst: 1 });
    shared.tryTake();
    const { socket, emit } = fakeSocket({ sharedBuckets: [shared] });
    attachConnection(socket, ctx);
    expect(await emit('show:leave', { showId: 'gala' })).toMatchObject({
      ok: false,
      error: { code: 'RATE_LIMITED', retryAfterMs: 1000 },
    });
  });

  it('counts every event outside the contract as `unknown`, rate-limited ones too', async () => {
    const { socket, emit } = fakeSocket();
    attachConnection(socket, ctx);
    for (let i = 0; i < 100; i++) await emit(`x${i}`, {});
    await emit(7, {}); // Socket.IO lets numeric event names through
    const metric = await ctx.metrics.messages.get();
    const events = new Set(metric.values.map((v) => v.labels.event));
    expect([...events]).toEqual(['unknown']);
    const outcomes = new Map(metric.values.map((v) => [v.labels.outcome, v.value]));
    expect(Object.fromEntries(outcomes)).toEqual({ INVALID_PAYLOAD: 40, RATE_LIMITED: 61 });
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
