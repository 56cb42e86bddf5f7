/**
 * The one place an ioredis client is built. Commands fail fast while disconnected
 * (no offline queue growing without bound) and reconnects back off up to 2 s.
 */
import { Redis } from 'ioredis';

export interface RedisClientOptions {
  url: string;
  /** Name shown by `CLIENT LIST`, for operators. */
  name: string;
  /** Keep commands queued while reconnecting (the Socket.IO adapter needs it). @defaultValue false */
  offlineQueue?: boolean;
  /** Send commands issued in the same tick as one pipeline (the worker's partitions write together). @defaultValue false */
  autoPipelining?: boolean;
}

export function createRedis(options: RedisClientOptions): Redis {
  return new Redis(options.url, {
    connectionName: options.name,
    enableOfflineQueue: options.offlineQueue ?? false,
    enableAutoPipelining: options.autoPipelining ?? false,
    maxRetriesPerRequest: 2,
    lazyConnect: false,
    retryStrategy: (attempt) => Math.min(100 * 2 ** attempt, 2000),
  });
}
