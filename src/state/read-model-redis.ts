/**
 * The seat-map read model in Redis. Keys, under `<redisPrefix>:rm:<events topic>`:
 * `offsets` (hash partition → last applied offset), `logs` (hash partition → fingerprint of
 * the log those offsets are of), `rebuilding:<partition>` (set while a
 * gateway replays that partition), `show:<showId>:seats` (hash seatId → stored seat) and
 * `show:<showId>:counts` (hash held / reserved / versionSum). One Lua script applies a record;
 * a fetched batch's records go in one pipeline (one round trip, each script still atomic).
 */
import type { Redis } from 'ioredis';
import type { SeatEvent } from '../contract/kafka-records.ts';
import type { ShowStats } from '../contract/seat-views.ts';
import type { ShowDefinition } from '../contract/shows.ts';
import { sameLog } from './log-fingerprint.ts';
import { luaScript } from './lua/index.ts';
import {
  type AppliedRecord,
  type ApplyResult,
  buildShowMap,
  decodeStoredSeat,
  encodeStoredSeat,
  type ReadModel,
  type ShowCounts,
  type ShowMap,
  type StoredSeat,
  statsOf,
  storedSeatOf,
} from './read-model.ts';

const APPLY_SCRIPT = luaScript('apply-seat-event');

export interface RedisReadModelOptions {
  redis: Redis;
  /** The deployment's Redis key prefix (`HOLDFAST_REDIS_PREFIX`). */
  prefix: string;
  /** The `seat-events` topic name: the offsets are that topic's. */
  eventsTopic: string;
}

type ApplyReply = [string, number, string];

export class RedisReadModel implements ReadModel {
  readonly #redis: Redis;
  readonly #base: string;

  constructor(options: RedisReadModelOptions) {
    this.#redis = options.redis;
    this.#base = `${options.prefix}:rm:${options.eventsTopic}`;
    if (!('applySeatEvent' in this.#redis)) {
      this.#redis.defineCommand('applySeatEvent', { numberOfKeys: 3, lua: APPLY_SCRIPT });
    }
  }

  /** The key prefix of everything this read model stores (tests drop it to simulate loss). */
  get keyPrefix(): string {
    return this.#base;
  }

  #offsetsKey(): string {
    return `${this.#base}:offsets`;
  }
  #logsKey(): string {
    return `${this.#base}:logs`;
  }
  #rebuildingKey(partition: number): string {
    return `${this.#base}:rebuilding:${partition}`;
  }
  #seatsKey(showId: string): string {
    return `${this.#base}:show:${showId}:seats`;
  }
  #countsKey(showId: string): string {
    return `${this.#base}:show:${showId}:counts`;
  }

  /** The key a coalescer locks to publish a show's stats at most once per period. */
  statsLockKey(showId: string): string {
    return `${this.#base}:show:${showId}:stats-lock`;
  }

  async apply(
    partition: number,
    offset: bigint,
    event: SeatEvent,
    firstOffset: bigint,
  ): Promise<ApplyResult> {
    const [result] = await this.applyAll(partition, [{ offset, event }], firstOffset);
    if (!result) throw new Error('read model: no result for an applied record');
    return result;
  }

  async applyAll(
    partition: number,
    records: readonly AppliedRecord[],
    firstOffset: bigint,
  ): Promise<ApplyResult[]> {
    if (records.length === 0) return [];
    const pipeline = this.#redis.pipeline() as unknown as {
      applySeatEvent(...args: (string | number)[]): unknown;
      exec(): Promise<[Error | null, unknown][] | null>;
    };
    for (const { offset, event } of records) {
      const seat = storedSeatOf(event);
      pipeline.applySeatEvent(
        this.#offsetsKey(),
        this.#seatsKey(event.showId),
        this.#countsKey(event.showId),
        String(partition),
        offset.toString(),
        seat ? event.seatId : '',
        seat ? seat.version : 0,
        seat ? seat.status : '',
        seat ? encodeStoredSeat(seat) : '',
        firstOffset.toString(),
      );
    }
    const replies = (await pipeline.exec()) ?? [];
    return records.map((_, i): ApplyResult => {
      const [error, reply] = replies[i] ?? [new Error('read model: no reply'), undefined];
      if (error) throw error;
      const [code, changed] = reply as ApplyReply;
      if (code === 'LOST') return { kind: 'lost' };
      if (code === 'DUP') return { kind: 'duplicate' };
      return { kind: 'applied', changed: changed === 1 };
    });
  }

  async offsets(partitions: readonly number[]): Promise<Map<number, bigint | undefined>> {
    const result = new Map<number, bigint | undefined>();
    if (partitions.length === 0) return result;
    const values = await this.#redis.hmget(this.#offsetsKey(), ...partitions.map(String));
    partitions.forEach((partition, i) => {
      const value = values[i];
      result.set(partition, value === null || value === undefined ? undefined : BigInt(value));
    });
    return result;
  }

  async resetPartition(partition: number, fingerprint: string): Promise<void> {
    await this.#redis
      .multi()
      .hset(this.#logsKey(), String(partition), fingerprint)
      .hset(this.#offsetsKey(), String(partition), '-1')
      .exec();
  }

  async discardForeign(fingerprints: ReadonlyMap<number, string>): Promise<boolean> {
    const partitions = [...fingerprints.keys()];
    if (partitions.length === 0) return false;
    const fields = partitions.map(String);
    const [offsets, logs] = await Promise.all([
      this.#redis.hmget(this.#offsetsKey(), ...fields),
      this.#redis.hmget(this.#logsKey(), ...fields),
    ]);
    const foreign = partitions.some(
      (partition, i) =>
        offsets[i] != null && !sameLog(logs[i] ?? undefined, fingerprints.get(partition) as string),
    );
    if (!foreign) return false;
    await this.#dropEverything();
    return true;
  }

  /** Deletes every key of this read model, a batch at a time. */
  async #dropEverything(): Promise<void> {
    const pattern = `${this.#base.replace(/[*?[\]\\]/g, '\\$&')}:*`;
    let cursor = '0';
    do {
      const [next, keys] = await this.#redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (keys.length > 0) await this.#redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  }

  async markRebuilding(partition: number, owner: string, ttlMs: number): Promise<void> {
    await this.#redis.set(this.#rebuildingKey(partition), owner, 'PX', ttlMs);
  }

  async refreshRebuilding(partition: number, ttlMs: number): Promise<void> {
    await this.#redis.pexpire(this.#rebuildingKey(partition), ttlMs);
  }

  async isRebuilding(partition: number): Promise<boolean> {
    return (await this.#redis.exists(this.#rebuildingKey(partition))) === 1;
  }

  async clearRebuilding(partition: number): Promise<void> {
    await this.#redis.del(this.#rebuildingKey(partition));
  }

  async isComplete(partitions: readonly number[]): Promise<boolean> {
    if (partitions.length === 0) return true;
    const [offsets, rebuilding] = await Promise.all([
      this.offsets(partitions),
      this.#redis.exists(...partitions.map((p) => this.#rebuildingKey(p))),
    ]);
    return rebuilding === 0 && [...offsets.values()].every((offset) => offset !== undefined);
  }

  async readShow(show: ShowDefinition): Promise<ShowMap> {
    const [raw, [held, reserved]] = await Promise.all([
      this.#redis.hgetall(this.#seatsKey(show.showId)),
      this.#redis.hmget(this.#countsKey(show.showId), 'held', 'reserved'),
    ]);
    const stored = new Map<string, StoredSeat>();
    for (const [seatId, json] of Object.entries(raw)) {
      const seat = decodeStoredSeat(json);
      if (seat) stored.set(seatId, seat);
    }
    return buildShowMap(show, stored, { held: Number(held ?? 0), reserved: Number(reserved ?? 0) });
  }

  async readStats(show: ShowDefinition): Promise<ShowStats> {
    return statsOf(show, await this.#counts(show.showId));
  }

  async #counts(showId: string): Promise<ShowCounts> {
    const [held, reserved, versionSum] = await this.#redis.hmget(
      this.#countsKey(showId),
      'held',
      'reserved',
      'versionSum',
    );
    return {
      held: Number(held ?? 0),
      reserved: Number(reserved ?? 0),
      // Kept with every seat write since the read model has existed in this form (one
      // from before carries no log fingerprint, so `discardForeign` rebuilt it).
      versionSum: Number(versionSum ?? 0),
    };
  }
}
