/**
 * The `sync` baseline's reservation service (the design ADR-001 rejected): an HTTP server
 * that decides each seat command with one atomic Redis Lua script and answers with the
 * decision as a domain event, after writing it to the same seat-map read model the
 * gateways serve. No log, no actors: the Redis seat hash is the state.
 *
 * Read-model writes are ordered by one sequence per process, taken in the same tick the
 * write is issued on one connection, so the read model's per-partition offset guard never
 * drops a change. Hold expiry is checked when a seat is next touched (no sweeper): enough
 * for a benchmark whose holds are confirmed or released well within their TTL.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import {
  type SeatCommand,
  SeatCommandSchema,
  type SeatEvent,
} from '../../src/contract/kafka-records.ts';
import type { RejectionReason } from '../../src/contract/refusals.ts';
import type { ShowDefinition } from '../../src/contract/shows.ts';
import type { Logger } from '../../src/observability/logger.ts';
import { RedisReadModel } from '../../src/state/read-model-redis.ts';

const DECIDE_SCRIPT = readFileSync(new URL('./decide-seat.lua', import.meta.url), 'utf8');

/** The read-model "partition" the sync service writes: far above any real one. */
export const SYNC_PARTITION = 1_000_000;
/** How long a commandId is remembered (the worker's window is longer; repeats here are rare). */
const DEDUPE_MS = 10 * 60_000;

interface Decided {
  t: 'held' | 'reserved' | 'released' | 'rejected';
  v: number;
  h?: string;
  e?: number;
  r?: RejectionReason;
  c: 0 | 1;
  now: number;
}

/** What the service answers: the deciding event and whether the read model changed. */
export interface SyncDecision {
  event: SeatEvent;
  changed: boolean;
}

export interface SyncServiceOptions {
  redis: Redis;
  /** The deployment's Redis prefix and events topic: the read model's keys. */
  redisPrefix: string;
  eventsTopic: string;
  /** Show definitions (hold TTL) by id. */
  shows: (showId: string) => ShowDefinition | undefined;
  logger: Logger;
}

export class SyncReservationService {
  readonly #o: SyncServiceOptions;
  readonly #readModel: RedisReadModel;
  #sequence = 0n;

  constructor(options: SyncServiceOptions) {
    this.#o = options;
    this.#readModel = new RedisReadModel({
      redis: options.redis,
      prefix: options.redisPrefix,
      eventsTopic: options.eventsTopic,
    });
    if (!('decideSeat' in options.redis)) {
      options.redis.defineCommand('decideSeat', { numberOfKeys: 2, lua: DECIDE_SCRIPT });
    }
  }

  /** Starts this process's read-model sequence over (before the first decision). */
  async start(): Promise<void> {
    // No Kafka log behind this model: its fingerprint is a name of its own.
    await this.#readModel.resetPartition(SYNC_PARTITION, 'sync-benchmark|');
  }

  async decide(command: SeatCommand): Promise<SyncDecision> {
    const show = this.#o.shows(command.showId);
    const base = {
      eventId: `sync-${randomUUID()}`,
      showId: command.showId,
      seatId: command.seatId,
      userId: command.userId,
      causationId: command.commandId,
      commandId: command.commandId,
      correlationId: command.correlationId,
      replyTo: command.replyTo,
    };
    if (!show) {
      return {
        event: {
          ...base,
          type: 'seat.rejected',
          version: 0,
          reason: 'UNKNOWN_SHOW',
          occurredAt: Date.now(),
        },
        changed: false,
      };
    }
    const kind =
      command.type === 'seat.holdRequest'
        ? 'hold'
        : command.type === 'seat.confirmationRequest'
          ? 'confirm'
          : 'release';
    const holdId = 'holdId' in command ? command.holdId : base.eventId;
    const call = this.#o.redis as unknown as {
      decideSeat(...args: (string | number)[]): Promise<string>;
    };
    const prefix = `${this.#o.redisPrefix}:sync`;
    const reply = await call.decideSeat(
      `${prefix}:seats:${command.showId}`,
      `${prefix}:dedupe:${command.userId}:${command.showId}/${command.seatId}:${command.commandId}`,
      kind,
      command.seatId,
      command.userId,
      holdId,
      show.holdTtlMs,
      DEDUPE_MS,
    );
    const d = JSON.parse(reply) as Decided;
    const event = eventOf(d, base, 'holdId' in command ? command.holdId : undefined);
    if (d.c !== 1) return { event, changed: false };
    // Sequence taken and write issued in one tick: Redis applies them in this order.
    const offset = this.#sequence++;
    const applied = await this.#readModel.apply(SYNC_PARTITION, offset, event, 0n);
    return { event, changed: applied.kind === 'applied' && applied.changed };
  }
}

function eventOf(
  d: Decided,
  base: Omit<SeatEvent, 'type' | 'version' | 'occurredAt'>,
  commandHoldId: string | undefined,
): SeatEvent {
  const common = { ...base, version: d.v, occurredAt: d.now };
  switch (d.t) {
    case 'held':
      return { ...common, type: 'seat.held', holdId: d.h ?? '', expiresAt: d.e ?? 0 };
    case 'reserved':
      return { ...common, type: 'seat.reserved', holdId: d.h ?? '' };
    case 'released':
      return { ...common, type: 'seat.released', holdId: d.h ?? '', cause: 'released' };
    case 'rejected': {
      const event: SeatEvent = { ...common, type: 'seat.rejected', reason: d.r ?? 'NOT_HOLDER' };
      if (commandHoldId !== undefined) event.holdId = commandHoldId;
      return event;
    }
  }
}

/** `POST /decide` (a SeatCommand as JSON) → a SyncDecision; `GET /readyz`. */
export async function serveSyncService(
  service: SyncReservationService,
  options: { port: number; host: string; ready: () => boolean; logger: Logger },
): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    handle(service, options, req, res).catch((error: unknown) => {
      options.logger.error({ err: error }, 'sync decision failed');
      if (!res.headersSent) res.writeHead(503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error: { code: 'UNAVAILABLE' } }));
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}

async function handle(
  service: SyncReservationService,
  options: { ready: () => boolean },
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (req.method === 'GET' && (req.url === '/readyz' || req.url === '/healthz')) {
    const ok = req.url === '/healthz' || options.ready();
    res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok }));
    return;
  }
  if (req.method !== 'POST' || req.url !== '/decide') {
    res.writeHead(404).end();
    return;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const parsed = SeatCommandSchema.safeParse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
  if (!parsed.success) {
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: false, error: { code: 'INVALID_PAYLOAD' } }));
    return;
  }
  const decision = await service.decide(parsed.data);
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(decision));
}
