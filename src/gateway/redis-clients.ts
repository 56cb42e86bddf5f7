/**
 * The gateway's Redis connections: one for the read model and the stats locks, and the
 * Socket.IO adapter's publisher and subscriber, each logging its errors (ioredis reconnects
 * on its own) instead of crashing the process.
 */
import type { Redis } from 'ioredis';
import { ERROR_CODES, HoldfastError } from '../contract/errors.ts';
import type { Logger } from '../observability/logger.ts';
import { createRedis } from '../state/redis.ts';

export interface GatewayRedis {
  /** Read model and stats locks. */
  data: Redis;
  /** The adapter's publisher and subscriber. */
  pub: Redis;
  sub: Redis;
  /** Both adapter connections are up: server-to-server messages and broadcasts flow. */
  adapterUp(): boolean;
  quit(): Promise<void>;
}

export async function connectGatewayRedis(options: {
  url: string;
  gatewayId: string;
  logger: Logger;
}): Promise<GatewayRedis> {
  const { url, gatewayId, logger } = options;
  const data = createRedis({ url, name: `${gatewayId}-rm` });
  const pub = createRedis({ url, name: `${gatewayId}-pub`, offlineQueue: true });
  const sub = pub.duplicate({ connectionName: `${gatewayId}-sub` });
  const clients = [
    [data, 'read model'],
    [pub, 'adapter pub'],
    [sub, 'adapter sub'],
  ] as const;
  for (const [client, role] of clients) {
    client.on('error', (error: Error) => logger.warn({ err: error, redis: role }, 'Redis error'));
  }
  const quit = async () => {
    for (const [client] of [...clients].reverse()) {
      await client.quit().catch((error: unknown) => logger.warn({ err: error }, 'close failed'));
    }
  };
  try {
    // The adapter subscribes at once: on a connection still running its ready check, a
    // SUBSCRIBE can fail ("subscriber mode") and server-to-server replies would be lost.
    await Promise.all([whenReady(pub), whenReady(sub)]);
  } catch (error) {
    await quit();
    throw error;
  }
  return {
    data,
    pub,
    sub,
    adapterUp: () => pub.status === 'ready' && sub.status === 'ready',
    quit,
  };
}

/** Resolves once an ioredis client is connected and past its ready check. */
function whenReady(client: Redis, timeoutMs = 15_000): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('ready', onReady);
      reject(
        new HoldfastError(ERROR_CODES.INFRA_NOT_READY, `Redis not ready within ${timeoutMs} ms`, {
          retriable: true,
        }),
      );
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    client.once('ready', onReady);
  });
}
