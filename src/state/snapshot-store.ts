/**
 * Partition snapshots in Redis: the seats of one `seat-commands` partition and the last
 * offset applied to them, guarded by the owner's claim token (DESIGN §3.7–3.9). A cache of
 * the log, never the only copy: a lost or discarded snapshot means replay.
 */
import type { Redis, Result } from 'ioredis';
import { luaScript } from './lua/index.ts';

export interface PartitionSnapshot {
  /** The last offset the seats reflect, or `undefined` when there is none: replay from the start. */
  offset: bigint | undefined;
  /** Seat key → the seat's serialized record. */
  seats: Map<string, string>;
  /** True when a snapshot existed but belonged to another log (offset past its end). */
  discarded: boolean;
}

export type SnapshotWriteResult = 'OK' | 'FENCED' | 'STALE';

/** What the partition host needs of snapshot storage: a port, so tests can observe it. */
export interface SnapshotStore {
  /** Claims the partition with `token` and loads its snapshot. */
  claimAndLoad(partition: number, token: string, logEndOffset: bigint): Promise<PartitionSnapshot>;
  /** Writes the changed seats (`''` deletes) and the offset; refused unless `token` still owns it. */
  write(
    partition: number,
    token: string,
    offset: bigint,
    changes: ReadonlyMap<string, string>,
  ): Promise<SnapshotWriteResult>;
}

type ClaimReply = [number, string | null];

declare module 'ioredis' {
  interface RedisCommander<Context> {
    holdfastClaimPartition(
      meta: string,
      seats: string,
      token: string,
      end: string,
    ): Result<ClaimReply, Context>;
    holdfastWriteSnapshot(meta: string, seats: string, ...args: string[]): Result<string, Context>;
  }
}

const SCAN_COUNT = 5000;
const scriptsDefined = new WeakSet<Redis>();

export class RedisSnapshotStore implements SnapshotStore {
  readonly #redis: Redis;
  readonly #keyBase: string;

  /**
   * @param keyPrefix the deployment's Redis prefix.
   * @param commandsTopic the topic whose partitions the snapshots mirror (part of the key, so
   *   deployments and tests with other topic names never share snapshots).
   */
  constructor(redis: Redis, keyPrefix: string, commandsTopic: string) {
    this.#redis = redis;
    this.#keyBase = `${keyPrefix}:snapshot:${commandsTopic}`;
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
    }
  }

  /** Both keys of a partition share a hash tag, so the scripts also run on Redis Cluster. */
  keys(partition: number): { meta: string; seats: string } {
    const tag = `{${this.#keyBase}:${partition}}`;
    return { meta: `${tag}:meta`, seats: `${tag}:seats` };
  }

  async claimAndLoad(
    partition: number,
    token: string,
    logEndOffset: bigint,
  ): Promise<PartitionSnapshot> {
    const { meta, seats } = this.keys(partition);
    const [discarded, stored] = await this.#redis.holdfastClaimPartition(
      meta,
      seats,
      token,
      logEndOffset.toString(),
    );
    const loaded = new Map<string, string>();
    if (stored !== null) {
      let cursor = '0';
      do {
        const [next, flat] = await this.#redis.hscan(seats, cursor, 'COUNT', SCAN_COUNT);
        for (let i = 0; i + 1 < flat.length; i += 2)
          loaded.set(flat[i] as string, flat[i + 1] as string);
        cursor = next;
      } while (cursor !== '0');
    }
    return {
      offset: stored === null ? undefined : BigInt(stored),
      seats: loaded,
      discarded: discarded === 1,
    };
  }

  async write(
    partition: number,
    token: string,
    offset: bigint,
    changes: ReadonlyMap<string, string>,
  ): Promise<SnapshotWriteResult> {
    const { meta, seats } = this.keys(partition);
    const args: string[] = [token, offset.toString()];
    for (const [seat, record] of changes) args.push(seat, record);
    const reply = await this.#redis.holdfastWriteSnapshot(meta, seats, ...args);
    if (reply !== 'OK' && reply !== 'FENCED' && reply !== 'STALE') {
      throw new Error(`unexpected reply from write-snapshot: ${reply}`);
    }
    return reply;
  }
}
