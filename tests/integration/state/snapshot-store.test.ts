/** The fenced snapshot scripts against a real Redis (DESIGN §3.7–3.9). */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRedis } from '../../../src/state/redis.ts';
import { RedisSnapshotStore } from '../../../src/state/snapshot-store.ts';

let redis: Redis;
let store: RedisSnapshotStore;
const prefix = `test:${randomUUID().slice(0, 8)}`;

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

describe('snapshot store', () => {
  it('loads nothing for a partition never written: replay from the start', async () => {
    const snapshot = await store.claimAndLoad(0, 'owner-a', 10n);
    expect(snapshot).toEqual({ offset: undefined, seats: new Map(), discarded: false });
  });

  it('writes increments under the claim and loads them back', async () => {
    await store.claimAndLoad(1, 'owner-a', 100n);
    expect(await store.write(1, 'owner-a', 5n, seats({ 's/A1': 'one', 's/A2': 'two' }))).toBe('OK');
    expect(await store.write(1, 'owner-a', 7n, seats({ 's/A2': 'two-b', 's/A1': '' }))).toBe('OK');
    const loaded = await store.claimAndLoad(1, 'owner-b', 100n);
    expect(loaded.offset).toBe(7n);
    expect(loaded.seats).toEqual(seats({ 's/A2': 'two-b' }));
  });

  it("refuses the previous owner's write once another claimed the partition", async () => {
    await store.claimAndLoad(2, 'old-owner', 100n);
    expect(await store.write(2, 'old-owner', 1n, seats({ 's/A1': 'x' }))).toBe('OK');
    await store.claimAndLoad(2, 'new-owner', 100n);
    expect(await store.write(2, 'old-owner', 2n, seats({ 's/A1': 'zombie' }))).toBe('FENCED');
    expect((await store.claimAndLoad(2, 'third', 100n)).seats.get('s/A1')).toBe('x');
  });

  it('refuses every write when the claim is missing (Redis restarted empty)', async () => {
    await store.claimAndLoad(3, 'owner', 100n);
    await redis.del(store.keys(3).meta);
    expect(await store.write(3, 'owner', 1n, seats({ 's/A1': 'x' }))).toBe('FENCED');
  });

  it('refuses an offset below the stored one and accepts a re-sent copy of the last write', async () => {
    await store.claimAndLoad(4, 'owner', 100n);
    expect(await store.write(4, 'owner', 10n, seats({ 's/A1': 'ten' }))).toBe('OK');
    expect(await store.write(4, 'owner', 10n, seats({ 's/A1': 'ten' }))).toBe('OK');
    expect(await store.write(4, 'owner', 9n, seats({ 's/A1': 'nine' }))).toBe('STALE');
    expect((await store.claimAndLoad(4, 'owner-2', 100n)).seats.get('s/A1')).toBe('ten');
  });

  it('discards a snapshot at or past the end of the log: it belongs to another log', async () => {
    await store.claimAndLoad(5, 'owner', 100n);
    expect(await store.write(5, 'owner', 50n, seats({ 's/A1': 'x' }))).toBe('OK');
    const loaded = await store.claimAndLoad(5, 'owner-2', 50n);
    expect(loaded).toEqual({ offset: undefined, seats: new Map(), discarded: true });
  });
});
