/**
 * A copy of the chaos stack's Redis taken during the run, to bring Redis back from later
 * on: behind, but not empty (as after a failover to a lagging replica or a restored
 * backup). The stack's Redis keeps nothing on disk by itself, so the copy is an explicit
 * `SAVE`, moved aside at once so that an ordinary restart still comes back empty; to roll
 * back, Redis is killed, the copy is put where Redis loads its data from at start-up, and
 * removed again once Redis has loaded it.
 */
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { LocalRedis } from '../src/infra/redis-local.ts';
import { createRedis } from '../src/state/redis.ts';

/** Runs `use` on a short-lived connection (commands wait for the connection to open). */
async function withRedis<T>(
  url: string,
  use: (redis: ReturnType<typeof createRedis>) => Promise<T>,
): Promise<T> {
  const redis = createRedis({ url, name: 'chaos-redis-copy', offlineQueue: true });
  try {
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}

async function configValue(redis: ReturnType<typeof createRedis>, name: string): Promise<string> {
  const reply = (await redis.call('CONFIG', 'GET', name)) as string[];
  const value = reply[1];
  if (value === undefined) throw new Error(`Redis has no "${name}" setting`);
  return value;
}

export class RedisCopy {
  /** Keys in Redis when the copy was taken. */
  readonly keys: number;
  readonly takenAt: number;
  readonly #copyPath: string;
  /** Where Redis loads its data from at start-up (its `dir` / `dbfilename`). */
  readonly #loadPath: string;

  private constructor(keys: number, copyPath: string, loadPath: string) {
    this.keys = keys;
    this.takenAt = Date.now();
    this.#copyPath = copyPath;
    this.#loadPath = loadPath;
  }

  static async take(redis: LocalRedis): Promise<RedisCopy> {
    return withRedis(redis.url, async (client) => {
      // An append-only file would be loaded instead of the copy: the rollback would not happen.
      if ((await configValue(client, 'appendonly')) !== 'no') {
        throw new Error('Redis runs with an append-only file: it would not load the copy');
      }
      const loadPath = join(
        await configValue(client, 'dir'),
        await configValue(client, 'dbfilename'),
      );
      const keys = await client.dbsize();
      await client.call('SAVE');
      const copyPath = `${loadPath}.rollback-${Date.now()}`;
      await rename(loadPath, copyPath);
      return new RedisCopy(keys, copyPath, loadPath);
    });
  }

  /** Kills Redis and starts it again on the copy; resolves with the keys it came back with. */
  async restoreInto(redis: LocalRedis): Promise<number> {
    await redis.kill();
    try {
      await rename(this.#copyPath, this.#loadPath);
      await redis.restart();
    } finally {
      // Loaded (or failed): later restarts must come back empty again.
      await rm(this.#loadPath, { force: true });
      await rm(this.#copyPath, { force: true });
    }
    return withRedis(redis.url, (client) => client.dbsize());
  }
}
