/**
 * The gateway's Redis connections: one for the read model and the stats locks, and the
 * Socket.IO adapter's publisher and subscriber, each logging its errors (ioredis reconnects
 * on its own) instead of crashing the process.
 */
import type { Redis } from 'ioredis';
import type { RedisTls } from '../config/security.ts';
import type { Logger } from '../observability/logger.ts';
import { createRedis, redisReady } from '../state/redis.ts';

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

/**
 * The adapter publishes every broadcast and server-to-server message without waiting on or
 * catching the reply. A publish that fails — Redis gone past the retries, or a pipelined
 * publish that leaves after the client began to quit — would be an unhandled rejection,
 * which ends a Node process. Each publish gets a handler that logs the loss instead (the
 * clients resync through `versionSum`; a lost reply is a client's TIMEOUT).
 */
function handlePublishFailures(pub: Redis, logger: Logger): void {
  const publish = pub.publish.bind(pub) as (...args: unknown[]) => Promise<unknown>;
  (pub as unknown as { publish: (...args: unknown[]) => Promise<unknown> }).publish = (...args) => {
    const reply = publish(...args);
    reply.catch((error: unknown) =>
      logger.warn({ err: error }, 'a broadcast or server-to-server message was not published'),
    );
    return reply;
  };
}

export async function connectGatewayRedis(options: {
  url: string;
  tls: RedisTls | undefined;
  gatewayId: string;
  logger: Logger;
}): Promise<GatewayRedis> {
  const { url, tls, gatewayId, logger } = options;
  // Auto-pipelined: a fetched batch of events broadcasts dozens of changes in one turn of
  // the event loop, and the adapter publishes each on its own; pipelined, they leave in one
  // write instead of one system call each (the gateway's largest cost after its sockets).
  const data = createRedis({ url, tls, name: `${gatewayId}-rm`, autoPipelining: true });
  const pub = createRedis({
    url,
    tls,
    name: `${gatewayId}-pub`,
    offlineQueue: true,
    autoPipelining: true,
  });
  // A subscriber sends (almost) nothing: no pipelining there.
  const sub = pub.duplicate({ connectionName: `${gatewayId}-sub`, enableAutoPipelining: false });
  const clients = [
    [data, 'read model'],
    [pub, 'adapter pub'],
    [sub, 'adapter sub'],
  ] as const;
  for (const [client, role] of clients) {
    client.on('error', (error: Error) => logger.warn({ err: error, redis: role }, 'Redis error'));
  }
  handlePublishFailures(pub, logger);
  const quit = async () => {
    for (const [client] of [...clients].reverse()) {
      await client.quit().catch((error: unknown) => logger.warn({ err: error }, 'close failed'));
    }
  };
  try {
    // The adapter subscribes at once: on a connection still running its ready check, a
    // SUBSCRIBE can fail ("subscriber mode") and server-to-server replies would be lost.
    // Waiting for all three also turns a refused login into the gateway's startup error.
    await Promise.all([data, pub, sub].map((client) => redisReady(client, url)));
  } catch (error) {
    // Not `quit()`: it would wait in the offline queue for a connection that never comes.
    for (const [client] of clients) client.disconnect();
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
