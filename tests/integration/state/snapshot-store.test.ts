/** The fenced snapshot scripts against a real Redis (docs/design.md §3.6–§3.8). */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ERROR_CODES } from '../../../src/contract/errors.ts';
import { createRedis } from '../../../src/state/redis.ts';
import { type PartitionClaim, RedisSnapshotStore } from '../../../src/state/snapshot-store.ts';

let redis: Redis;
let store: RedisSnapshotStore;
const prefix = `test:${randomUUID().slice(0, 8)}`;
const LOG = 'cluster-a|1700000000000';

beforeAll(() => {
  redis = createRedis({ url: inject('redisUrl'), name: 'snapshot-store-test', offlineQueue: true });
  store = new RedisSnapshotStore(redis, prefix, 'seat-commands');
});

afterAll(async () => {
  const keys = await redis.keys(`*${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

const seats = (entries: Record<string, string>) => new Map(Object.entries(entries));
const claim = (token: string, end = 100n, more: Partial<PartitionClaim> = {}): PartitionClaim => ({
  token,
  generation: 0,
  logEndOffset: end,
  fingerprint: LOG,
  ...more,
});

/** A copy of a partition's two keys, as a backup or a lagging replica holds them. */
async function copyOf(partition: number): Promise<() => Promise<void>> {
  const { meta, seats: seatsKey } = store.keys(partition);
  const [metaDump, seatsDump] = await Promise.all([
    redis.dumpBuffer(meta),
    redis.dumpBuffer(seatsKey),
  ]);
  return async () => {
    await redis.del(meta, seatsKey);
    if (metaDump) await redis.restore(meta, 0, metaDump);
    if (seatsDump) await redis.restore(seatsKey, 0, seatsDump);
  };
}

describe('snapshot store', () => {
  it('loads nothing for a partition never written: replay from the start', async () => {
    const snapshot = await store.claimAndLoad(0, claim('owner-a', 10n));
    expect(snapshot).toEqual({ offset: undefined, seats: new Map(), discarded: false });
  });

  it('writes increments under the claim and loads them back', async () => {
    await store.claimAndLoad(1, claim('owner-a'));
    expect(await store.write(1, 'owner-a', 5n, seats({ 's/A1': 'one', 's/A2': 'two' }))).toBe('OK');
    expect(await store.write(1, 'owner-a', 7n, seats({ 's/A2': 'two-b', 's/A1': '' }))).toBe('OK');
    const loaded = await store.claimAndLoad(1, claim('owner-b'));
    expect(loaded.offset).toBe(7n);
    expect(loaded.seats).toEqual(seats({ 's/A2': 'two-b' }));
  });

  it("refuses the previous owner's write once another claimed the partition", async () => {
    const other = new RedisSnapshotStore(redis, prefix, 'seat-commands');
    await other.claimAndLoad(2, claim('old-owner'));
    expect(await other.write(2, 'old-owner', 1n, seats({ 's/A1': 'x' }))).toBe('OK');
    await store.claimAndLoad(2, claim('new-owner'));
    expect(await other.write(2, 'old-owner', 2n, seats({ 's/A1': 'zombie' }))).toBe('FENCED');
    expect((await store.claimAndLoad(2, claim('third'))).seats.get('s/A1')).toBe('x');
  });

  it('refuses every write when the claim is missing (Redis restarted empty)', async () => {
    await store.claimAndLoad(3, claim('owner'));
    await redis.del(store.keys(3).meta);
    expect(await store.write(3, 'owner', 1n, seats({ 's/A1': 'x' }))).toBe('FENCED');
  });

  it('refuses an offset below the stored one and accepts a re-sent copy of the last write', async () => {
    await store.claimAndLoad(4, claim('owner'));
    expect(await store.write(4, 'owner', 10n, seats({ 's/A1': 'ten' }))).toBe('OK');
    expect(await store.write(4, 'owner', 10n, seats({ 's/A1': 'ten' }))).toBe('OK');
    expect(await store.write(4, 'owner', 9n, seats({ 's/A1': 'nine' }))).toBe('STALE');
    expect((await store.claimAndLoad(4, claim('owner-2'))).seats.get('s/A1')).toBe('ten');
  });

  it('discards a snapshot at or past the end of the log: it belongs to another log', async () => {
    await store.claimAndLoad(5, claim('owner'));
    expect(await store.write(5, 'owner', 50n, seats({ 's/A1': 'x' }))).toBe('OK');
    const loaded = await store.claimAndLoad(5, claim('owner-2', 50n));
    expect(loaded).toEqual({ offset: undefined, seats: new Map(), discarded: 'past-log-end' });
  });

  it('discards a snapshot written from another log (another fingerprint)', async () => {
    await store.claimAndLoad(6, claim('owner'));
    expect(await store.write(6, 'owner', 3n, seats({ 's/A1': 'x' }))).toBe('OK');
    const loaded = await store.claimAndLoad(
      6,
      claim('owner-2', 100n, { fingerprint: 'cluster-b|1' }),
    );
    expect(loaded).toEqual({ offset: undefined, seats: new Map(), discarded: 'other-log' });
    // A partition empty when first claimed has no first record time: same cluster, same log.
    await store.claimAndLoad(7, claim('owner', 0n, { fingerprint: 'cluster-a|' }));
    expect(await store.write(7, 'owner', 3n, seats({ 's/A1': 'x' }))).toBe('OK');
    expect((await store.claimAndLoad(7, claim('owner-2'))).offset).toBe(3n);
  });

  it('refuses a write on top of a Redis that came back behind, and loads what it holds', async () => {
    await store.claimAndLoad(8, claim('owner'));
    expect(await store.write(8, 'owner', 5n, seats({ 's/A1': 'held' }))).toBe('OK');
    const restore = await copyOf(8);
    expect(await store.write(8, 'owner', 7n, seats({ 's/A1': 'reserved' }))).toBe('OK');
    // Failover to a replica that had only the first write, token and all.
    await restore();
    expect(await store.write(8, 'owner', 9n, seats({ 's/A2': 'held' }))).toBe('STALE');
    const reloaded = await store.claimAndLoad(8, claim('owner-2'));
    expect(reloaded.offset).toBe(5n);
    expect(reloaded.seats).toEqual(seats({ 's/A1': 'held' }));
  });

  it('notices the seats hash lost while the meta survives (and the reverse)', async () => {
    await store.claimAndLoad(9, claim('owner'));
    expect(await store.write(9, 'owner', 5n, seats({ 's/A1': 'held' }))).toBe('OK');
    await redis.del(store.keys(9).seats);
    expect(await store.write(9, 'owner', 6n, seats({ 's/A2': 'held' }))).toBe('STALE');
    expect(await store.claimAndLoad(9, claim('owner-2'))).toEqual({
      offset: undefined,
      seats: new Map(),
      discarded: 'diverged',
    });

    expect(await store.write(9, 'owner-2', 8n, seats({ 's/A1': 'x' }))).toBe('OK');
    await redis.hdel(store.keys(9).meta, 'offset');
    expect(await store.claimAndLoad(9, claim('owner-3'))).toEqual({
      offset: undefined,
      seats: new Map(),
      discarded: 'diverged',
    });
  });

  it("never lets an older group generation's claim replace a newer one", async () => {
    const newer = new RedisSnapshotStore(redis, prefix, 'seat-commands');
    await newer.claimAndLoad(10, claim('gen-7', 100n, { generation: 7 }));
    await expect(
      store.claimAndLoad(10, claim('gen-6', 100n, { generation: 6 })),
    ).rejects.toMatchObject({ code: ERROR_CODES.SNAPSHOT_FENCED });
    expect(await newer.write(10, 'gen-7', 1n, seats({ 's/A1': 'x' }))).toBe('OK');
    await store.claimAndLoad(10, claim('gen-8', 100n, { generation: 8 }));
    expect(await newer.write(10, 'gen-7', 2n, seats({ 's/A1': 'y' }))).toBe('FENCED');
  });

  it('lets any generation claim once the newer claim is older than its precedence', async () => {
    const lenient = new RedisSnapshotStore(redis, prefix, 'seat-commands', {
      claimPrecedenceMs: 0,
    });
    await lenient.claimAndLoad(11, claim('gen-9', 100n, { generation: 9 }));
    const loaded = await lenient.claimAndLoad(11, claim('gen-1', 100n, { generation: 1 }));
    expect(loaded.offset).toBeUndefined();
  });
});

/** A client whose first seat scan lets `during` run first: a fault in the middle of a load. */
function redisWithScanHook(during: () => Promise<void>): Redis {
  const client = new Redis(inject('redisUrl'));
  const scan = client.hscan.bind(client) as (...args: unknown[]) => Promise<unknown>;
  let fired = false;
  Object.assign(client, {
    hscan: async (...args: unknown[]) => {
      if (!fired) {
        fired = true;
        await during();
      }
      return scan(...args);
    },
  });
  return client;
}

describe('snapshot store: a consistent load', () => {
  it('loads again when Redis restarts empty during the seat scan (no torn load)', async () => {
    const partition = 20;
    await store.claimAndLoad(partition, claim('first'));
    expect(await store.write(partition, 'first', 5n, seats({ 's/A1': 'held' }))).toBe('OK');
    const hooked = redisWithScanHook(async () => {
      await redis.del(store.keys(partition).meta, store.keys(partition).seats);
    });
    try {
      const loader = new RedisSnapshotStore(hooked, prefix, 'seat-commands');
      const loaded = await loader.claimAndLoad(partition, claim('second'));
      // Offset 5 with no seats would be a torn load: state the log never implied.
      expect(loaded).toEqual({ offset: undefined, seats: new Map(), discarded: false });
      expect(await loader.write(partition, 'second', 6n, seats({ 's/A2': 'x' }))).toBe('OK');
    } finally {
      hooked.disconnect();
    }
  });

  it('fails the load when another owner claims the partition during the seat scan', async () => {
    const partition = 21;
    await store.claimAndLoad(partition, claim('first'));
    expect(await store.write(partition, 'first', 5n, seats({ 's/A1': 'held' }))).toBe('OK');
    const hooked = redisWithScanHook(async () => {
      await store.claimAndLoad(partition, claim('intruder'));
    });
    try {
      const loader = new RedisSnapshotStore(hooked, prefix, 'seat-commands');
      await expect(loader.claimAndLoad(partition, claim('second'))).rejects.toMatchObject({
        code: ERROR_CODES.SNAPSHOT_FENCED,
      });
    } finally {
      hooked.disconnect();
    }
  });
});
