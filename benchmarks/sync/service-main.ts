/**
 * Process entry of the `sync` baseline's reservation service (a composition root: reads
 * the environment). KAFKA_BROKERS, REDIS_URL, HOLDFAST_KAFKA_PREFIX, HOLDFAST_REDIS_PREFIX
 * as for a gateway; PORT for its HTTP. Shows come from the `shows` topic.
 */
import { z } from 'zod';
import { runUntilSignal } from '../../src/cli/signals.ts';
import { connectionShape, intVar, parseEnv } from '../../src/config/env.ts';
import { createKafka } from '../../src/kafka/client.ts';
import { ShowCatalog } from '../../src/kafka/show-catalog.ts';
import { topicNames } from '../../src/kafka/topics.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { createRedis } from '../../src/state/redis.ts';
import { SyncReservationService, serveSyncService } from './reservation-service.ts';

const env = parseEnv(
  { ...connectionShape, PORT: intVar(0, 65535), HOLDFAST_HOST: z.string().default('127.0.0.1') },
  process.env,
);
const logger = createLogger({ level: env.HOLDFAST_LOG_LEVEL, destinationFd: 2 }).child({
  component: 'sync-service',
});
const topics = topicNames(env.HOLDFAST_KAFKA_PREFIX);
const kafka = createKafka({
  brokers: env.KAFKA_BROKERS,
  clientId: 'holdfast-sync-service',
  logger,
});
const catalog = await ShowCatalog.start({
  kafka,
  topic: topics.shows,
  groupPrefix: env.HOLDFAST_KAFKA_PREFIX,
  logger,
});
const redis = createRedis({ url: env.REDIS_URL, name: 'sync-service' });
redis.on('error', (error: Error) => logger.warn({ err: error }, 'Redis error'));
// No offline queue: the first command must wait for the connection.
if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
const service = new SyncReservationService({
  redis,
  redisPrefix: env.HOLDFAST_REDIS_PREFIX,
  eventsTopic: topics.events,
  shows: (showId) => catalog.get(showId),
  logger,
});
await service.start();
const { server, port } = await serveSyncService(service, {
  port: env.PORT,
  host: env.HOLDFAST_HOST,
  ready: () => redis.status === 'ready',
  logger,
});
process.stderr.write(`sync reservation service listening on http://${env.HOLDFAST_HOST}:${port}\n`);
await runUntilSignal(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await catalog.stop();
  await redis.quit();
});
