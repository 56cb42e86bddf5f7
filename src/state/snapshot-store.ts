/**
 * Partition snapshots in Redis: the seats of one `seat-commands` partition and the last
 * offset applied to them, guarded by the owner's claim. A cache of the log, never the only
 * copy: a lost or discarded snapshot means replay.
 *
 * The store remembers, per partition, the claim it made and the offset it last loaded or
 * wrote under it: a write succeeds only if Redis still holds exactly that version, so a
 * Redis that came back behind (or lost the seats while keeping the meta) is noticed.
 */
import type { Redis, Result } from 'ioredis';
import { ERROR_CODES, HoldfastError } from '../contract/errors.ts';
import { luaScript } from './lua/index.ts';

/** Why a stored snapshot was dropped rather than loaded. */
export type SnapshotDiscard =
  /** It was written from another log (another cluster, or the topic made again). */
  | 'other-log'
  /** Its offset is at or past the log's end: it cannot belong to this log. */
  | 'past-log-end'
  /** Its seats and its offset do not belong together (one of the two keys was lost). */
  | 'diverged'
  /** A seat record the codec cannot read (a rollback across a format change). */
  | 'unreadable';

export interface PartitionSnapshot {
  /** The last offset the seats reflect, or `undefined` when there is none: replay from the start. */
  offset: bigint | undefined;
  /** Seat key → the seat's serialized record. */
  seats: Map<string, string>;
  /** Why a stored snapshot was dropped (replay from the start), or false. */
  discarded: false | SnapshotDiscard;
}

/** What a new owner of a partition claims it with. */
export interface PartitionClaim {
  /** A fresh random token: the owner's, for this assignment only. */
  token: string;
  /** The Kafka group generation of the assignment: an older one never replaces a newer one. */
  generation: number;
  /** The partition's end offset (the next offset the log will write). */
  logEndOffset: bigint;
  /** The fingerprint of the partition's log (see `kafka/log-fingerprint.ts`). */
  fingerprint: string;
}

/**
 * `FENCED`: another owner claimed the partition, or Redis lost the claim. `STALE`: Redis
 * does not hold the version this owner last wrote or loaded (it came back behind, or lost
 * the seats). Either way the owner stops deciding and reloads from what Redis holds.
 */
export type SnapshotWriteResult = 'OK' | 'FENCED' | 'STALE';

/** What the partition host needs of snapshot storage: a port, so tests can observe it. */
export interface SnapshotStore {
  /**
   * Claims the partition and loads one consistent version of its snapshot. Throws
   * `HF_SNAPSHOT_FENCED` when a newer generation holds the claim or another owner claims
   * it during the load.
   */
  claimAndLoad(partition: number, claim: PartitionClaim): Promise<PartitionSnapshot>;
  /** Writes the changed seats (`''` deletes) and the offset; refused unless this claim still owns the version it last wrote. */
  write(
    partition: number,
    token: string,
    offset: bigint,
    changes: ReadonlyMap<string, string>,
  ): Promise<SnapshotWriteResult>;
  /**
   * Drops the partition's snapshot when its owner cannot read it; the owner replays from
   * the start of the log. Refused (false) unless `token` still holds the claim.
   */
  discard(partition: number, token: string): Promise<boolean>;
}

export interface RedisSnapshotStoreOptions {
  /**
   * How long a claim of a newer group generation keeps precedence over an older one; past
   * it any generation may claim (the group may have been recreated, its count restarted).
   * @defaultValue 600_000
   */
  claimPrecedenceMs?: number;
  /** Attempts at a consistent load before giving up. @defaultValue 5 */
  loadAttempts?: number;
}

type ClaimReply = ['OK', '' | SnapshotDiscard, string | null] | ['SUPERSEDED', number];

declare module 'ioredis' {
  interface RedisCommander<Context> {
    holdfastClaimPartition(
      meta: string,
      seats: string,
      token: string,
      end: string,
      generation: string,
      fingerprint: string,
      precedenceMs: string,
    ): Result<ClaimReply, Context>;
    holdfastWriteSnapshot(meta: string, seats: string, ...args: string[]): Result<string, Context>;
    holdfastDiscardSnapshot(meta: string, seats: string, token: string): Result<number, Context>;
  }
}

/** The field of the seats hash that names the offset they reflect (never a seat key: no '/'). */
const OFFSET_MARKER = '#offset';
const SCAN_COUNT = 5000;
const scriptsDefined = new WeakSet<Redis>();

export class RedisSnapshotStore implements SnapshotStore {
  readonly #redis: Redis;
  readonly #keyBase: string;
  readonly #precedenceMs: number;
  readonly #loadAttempts: number;
  /** Per partition: this store's claim and the offset it last loaded or wrote under it. */
  readonly #versions = new Map<number, { token: string; offset: bigint | undefined }>();

  /**
   * @param keyPrefix the deployment's Redis prefix.
   * @param commandsTopic the topic whose partitions the snapshots mirror (part of the key, so
   *   deployments and tests with other topic names never share snapshots).
   */
  constructor(
    redis: Redis,
    keyPrefix: string,
    commandsTopic: string,
    options: RedisSnapshotStoreOptions = {},
  ) {
    this.#redis = redis;
    this.#keyBase = `${keyPrefix}:snapshot:${commandsTopic}`;
    this.#precedenceMs = options.claimPrecedenceMs ?? 600_000;
    this.#loadAttempts = options.loadAttempts ?? 5;
    if (!scriptsDefined.has(redis)) {
      scriptsDefined.add(redis);
      redis.defineCommand('holdfastClaimPartition', {
        numberOfKeys: 2,
        lua: luaScript('claim-partition'),
      });
      redis.defineCommand('holdfastWriteSnapshot', {
        numberOfKeys: 2,
        lua: luaScript('write-snapshot'),
      });
      redis.defineCommand('holdfastDiscardSnapshot', {
        numberOfKeys: 2,
        lua: luaScript('discard-snapshot'),
      });
    }
  }

  /** Both keys of a partition share a hash tag, so the scripts also run on Redis Cluster. */
  keys(partition: number): { meta: string; seats: string } {
    const tag = `{${this.#keyBase}:${partition}}`;
    return { meta: `${tag}:meta`, seats: `${tag}:seats` };
  }

  async claimAndLoad(partition: number, claim: PartitionClaim): Promise<PartitionSnapshot> {
    this.#versions.delete(partition);
    for (let attempt = 1; ; attempt++) {
      const snapshot = await this.#claimAndScan(partition, claim);
      if (snapshot !== undefined) {
        this.#versions.set(partition, { token: claim.token, offset: snapshot.offset });
        return snapshot;
      }
      if (attempt >= this.#loadAttempts) {
        throw new HoldfastError(
          ERROR_CODES.SNAPSHOT_FENCED,
          `snapshot of partition ${partition} changed during every load attempt`,
          { retriable: true, context: { partition, attempts: attempt } },
        );
      }
    }
  }

  /** One claim and seat scan; undefined when the snapshot changed under the scan (a torn load). */
  async #claimAndScan(
    partition: number,
    claim: PartitionClaim,
  ): Promise<PartitionSnapshot | undefined> {
    const { meta, seats } = this.keys(partition);
    const reply = await this.#redis.holdfastClaimPartition(
      meta,
      seats,
      claim.token,
      claim.logEndOffset.toString(),
      String(claim.generation),
      claim.fingerprint,
      String(this.#precedenceMs),
    );
    if (reply[0] === 'SUPERSEDED') {
      throw new HoldfastError(
        ERROR_CODES.SNAPSHOT_FENCED,
        `partition ${partition} is claimed by a newer group generation (${reply[1]} > ${claim.generation})`,
        { context: { partition, generation: claim.generation, claimedBy: reply[1] } },
      );
    }
    const [, reason, stored] = reply;
    const loaded = new Map<string, string>();
    let scannedMarker: string | null = null;
    if (stored !== null) {
      let cursor = '0';
      do {
        const [next, flat] = await this.#redis.hscan(seats, cursor, 'COUNT', SCAN_COUNT);
        for (let i = 0; i + 1 < flat.length; i += 2) {
          const field = flat[i] as string;
          if (field === OFFSET_MARKER) scannedMarker = flat[i + 1] as string;
          else loaded.set(field, flat[i + 1] as string);
        }
        cursor = next;
      } while (cursor !== '0');
    }
    // The claim and the seats must be one version: nobody claimed since, nothing was lost
    // or restored under the scan.
    const [token, offsetNow, markerNow] = await this.#currentVersion(partition);
    if (token !== claim.token) {
      if (token === null) return undefined; // Redis restarted under the load: claim again.
      throw new HoldfastError(
        ERROR_CODES.SNAPSHOT_FENCED,
        `partition ${partition} was claimed by another owner during the load`,
        { context: { partition } },
      );
    }
    if (offsetNow !== stored || markerNow !== stored || scannedMarker !== stored) return undefined;
    return {
      offset: stored === null ? undefined : BigInt(stored),
      seats: loaded,
      discarded: reason === '' ? false : reason,
    };
  }

  async #currentVersion(partition: number): Promise<[string | null, string | null, string | null]> {
    const { meta, seats } = this.keys(partition);
    const replies = await this.#redis
      .multi()
      .hmget(meta, 'token', 'offset')
      .hget(seats, OFFSET_MARKER)
      .exec();
    const [metaReply, markerReply] = replies ?? [];
    if (!metaReply || !markerReply) throw new Error('snapshot version check was aborted');
    if (metaReply[0]) throw metaReply[0];
    if (markerReply[0]) throw markerReply[0];
    const [token, offset] = metaReply[1] as [string | null, string | null];
    return [token, offset, markerReply[1] as string | null];
  }

  async write(
    partition: number,
    token: string,
    offset: bigint,
    changes: ReadonlyMap<string, string>,
  ): Promise<SnapshotWriteResult> {
    const version = this.#versions.get(partition);
    if (version?.token !== token) return 'FENCED';
    const { meta, seats } = this.keys(partition);
    const args: string[] = [token, version.offset?.toString() ?? '', offset.toString()];
    for (const [seat, record] of changes) args.push(seat, record);
    const reply = await this.#redis.holdfastWriteSnapshot(meta, seats, ...args);
    if (reply !== 'OK' && reply !== 'FENCED' && reply !== 'STALE') {
      throw new Error(`unexpected reply from write-snapshot: ${reply}`);
    }
    if (reply === 'OK') version.offset = offset;
    return reply;
  }

  async discard(partition: number, token: string): Promise<boolean> {
    const version = this.#versions.get(partition);
    if (version?.token !== token) return false;
    const { meta, seats } = this.keys(partition);
    const done = (await this.#redis.holdfastDiscardSnapshot(meta, seats, token)) === 1;
    if (done) version.offset = undefined;
    return done;
  }
}
