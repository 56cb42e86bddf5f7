/**
 * The `redis-rollback` fault's copy against a real redis-server: Redis comes back with the
 * data of the copy (behind, not empty: later writes gone, earlier ones there), and an
 * ordinary restart afterwards still comes back empty, as the `redis-restart` fault needs.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisCopy } from '../../chaos/redis-copy.ts';
import { type LocalRedis, startLocalRedis } from '../../src/infra/redis-local.ts';
import { createRedis } from '../../src/state/redis.ts';

describe('chaos Redis copy', () => {
  let redis: LocalRedis | undefined;
  let dir: string | undefined;

  afterEach(async () => {
    await redis?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function keysOf(local: LocalRedis): Promise<Record<string, string | null>> {
    const client = createRedis({ url: local.url, name: 'test', offlineQueue: true });
    try {
      const [a, b] = await client.mget('before', 'after');
      return { before: a ?? null, after: b ?? null };
    } finally {
      client.disconnect();
    }
  }

  it('brings Redis back as it was when copied, and leaves later restarts empty', async () => {
    dir = await mkdtemp(join(tmpdir(), 'holdfast-redis-copy-'));
    const local = await startLocalRedis({ dataDir: dir, persist: false }); // as the chaos stack runs it
    redis = local;
    const client = createRedis({ url: local.url, name: 'test', offlineQueue: true });
    await client.set('before', '1');
    const copy = await RedisCopy.take(local);
    await client.set('after', '2');
    await client.set('before', 'changed');
    client.disconnect();
    expect(copy.keys).toBe(1);

    expect(await copy.restoreInto(local)).toBe(1);
    expect(await keysOf(local)).toEqual({ before: '1', after: null });
    expect(
      (await readdir(dir)).filter((f) => f.endsWith('.rdb') || f.includes('rollback')),
    ).toEqual([]);

    await local.restart();
    expect(await keysOf(local)).toEqual({ before: null, after: null });
  });
});
