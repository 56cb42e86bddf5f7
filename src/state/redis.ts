/**
 * The one place an ioredis client is built. Commands fail fast while disconnected
 * (no offline queue growing without bound) and reconnects back off up to 2 s. Credentials
 * come in the URL (`redis://user:password@…`), TLS with `rediss://` and an optional CA.
 */
import { Redis } from 'ioredis';
import { type RedisTls, redactRedisUrl } from '../config/security.ts';
import { ERROR_CODES, HoldfastError } from '../contract/errors.ts';

export interface RedisClientOptions {
  url: string;
  /** Name shown by `CLIENT LIST`, for operators. */
  name: string;
  /** The CA of a `rediss://` server; absent means the system trust store. */
  tls?: RedisTls | undefined;
  /** Keep commands queued while reconnecting (the Socket.IO adapter needs it). @defaultValue false */
  offlineQueue?: boolean;
  /** Send commands issued in the same tick as one pipeline (the worker's partitions write together). @defaultValue false */
  autoPipelining?: boolean;
}

export function createRedis(options: RedisClientOptions): Redis {
  return new Redis(options.url, {
    connectionName: options.name,
    ...(options.tls?.ca !== undefined && { tls: { ca: options.tls.ca } }),
    enableOfflineQueue: options.offlineQueue ?? false,
    enableAutoPipelining: options.autoPipelining ?? false,
    maxRetriesPerRequest: 2,
    lazyConnect: false,
    retryStrategy: (attempt) => Math.min(100 * 2 ** attempt, 2000),
  });
}

/**
 * Resolves once `client` is connected, logged in and past its ready check. A refused
 * login or a failed TLS handshake rejects at once (ioredis would retry it forever); a
 * Redis that does not answer rejects after `timeoutMs`.
 */
export function redisReady(client: Redis, url: string, timeoutMs = 15_000): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    let lastError: Error | undefined;
    const done = (error?: HoldfastError) => {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('error', onError);
      if (error) reject(error);
      else resolve();
    };
    const onReady = () => done();
    const onError = (error: Error) => {
      lastError = error;
      const denied = redisAccessError(error, url);
      if (denied) done(denied);
    };
    const timer = setTimeout(() => {
      const why = lastError ? ` (last error: ${lastError.message})` : '';
      done(
        new HoldfastError(
          ERROR_CODES.INFRA_NOT_READY,
          `Redis at ${redactRedisUrl(url)} not ready within ${timeoutMs} ms${why}: check REDIS_URL (host, port; rediss:// if it serves TLS)`,
          { retriable: true, cause: lastError },
        ),
      );
    }, timeoutMs);
    client.on('ready', onReady);
    client.on('error', onError);
  });
}

/** A coded error when `error` says Redis refused the login or TLS failed; else undefined. */
export function redisAccessError(error: Error, url: string): HoldfastError | undefined {
  const where = `Redis at ${redactRedisUrl(url)}`;
  const denied = (message: string) =>
    new HoldfastError(ERROR_CODES.INFRA_AUTH_FAILED, message, { cause: error });
  const text = error.message;
  if (/NOAUTH|NOPERM/.test(text)) {
    return denied(
      `${where} requires a login (${text}): put the user and password in REDIS_URL as redis://user:password@host:port (or redis://:password@host:port for requirepass)`,
    );
  }
  if (/WRONGPASS|invalid password|invalid username-password/i.test(text)) {
    return denied(
      `${where} refused the user and password in REDIS_URL (${text}): check the credentials in REDIS_URL`,
    );
  }
  if (
    /certificate|self[- ]signed|before secure TLS connection|wrong version number|SSL/i.test(text)
  ) {
    return denied(
      `TLS with ${where} failed (${text}): check HOLDFAST_REDIS_TLS_CA_FILE (the CA that signed Redis's certificate) and that Redis serves TLS on that port (else use redis://)`,
    );
  }
  return undefined;
}
