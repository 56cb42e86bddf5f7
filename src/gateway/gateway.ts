/**
 * `startGateway`: the gateway's composition root. Wires Kafka (topics, show catalog,
 * command producer, seat-events consumer), Redis (read model, Socket.IO adapter), the
 * Socket.IO server and the HTTP routes on one port, and returns a handle to stop it.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import { Server } from 'socket.io';
import type { GatewayConfig } from '../config/gateway.ts';
import { ERROR_CODES, HoldfastError } from '../contract/errors.ts';
import type { SeatCommand, SeatEvent } from '../contract/kafka-records.ts';
import {
  type InterServerEvents,
  MAX_MESSAGE_BYTES,
  type ServerToClientEvents,
} from '../contract/socket-events.ts';
import { ensureTopics, partitionIds, waitForTopicOffsets, withAdmin } from '../kafka/admin.ts';
import { createKafka } from '../kafka/client.ts';
import { LogFingerprints } from '../kafka/log-fingerprint.ts';
import { ShowCatalog } from '../kafka/show-catalog.ts';
import { groupNames, topicNames, topicSpecs } from '../kafka/topics.ts';
import { createLogger, type Logger } from '../observability/logger.ts';
import { RedisReadModel } from '../state/read-model-redis.ts';
import { createRedis } from '../state/redis.ts';
import { loadWebAssets } from '../web/assets.ts';
import { secretKey, UnauthenticatedError, verifyToken } from './auth.ts';
import { CommandProducer } from './command-producer.ts';
import { attachConnection, type RawClientEvents, type SocketData, showRoom } from './connection.ts';
import { type EventSink, EventsConsumer } from './events-consumer.ts';
import { handleHttp } from './http-routes.ts';
import { createGatewayMetrics } from './metrics.ts';
import { PendingAcks } from './pending-acks.ts';
import { StatsCoalescer } from './stats-coalescer.ts';

export type GatewayState = 'STARTING' | 'RUNNING' | 'DRAINING' | 'STOPPED';

export interface GatewayHandle {
  readonly gatewayId: string;
  /** The bound port (the real one when configured with 0). */
  readonly port: number;
  readonly url: string;
  readonly state: GatewayState;
  /** What `/readyz` answers. */
  ready(): boolean;
  /** The `seat-events` partitions this gateway consumes right now. */
  assignedPartitions(): number[];
  /** Graceful stop: readiness off, no new commands, close sockets, leave the group. */
  stop(): Promise<void>;
}

export interface GatewayDeps {
  logger?: Logger;
  /** How often partitions are checked for a lost read model. @defaultValue 1000 */
  readModelCheckMs?: number;
  /** How long a stop waits for in-flight acks. @defaultValue min(ackTimeoutMs, 5000) */
  drainMs?: number;
  /**
   * Replaces the path commands take to their decision (the `sync` benchmark baseline
   * decides over HTTP). Its decisions come back through `sink` exactly like consumed
   * `seat-events` records: broadcast, stats, reply. @defaultValue Kafka `seat-commands`
   */
  commandPath?: (sink: EventSink) => CommandPath;
}

/** Where a gateway sends commands: Kafka's `seat-commands` unless injected. */
export interface CommandPath {
  readonly connected: boolean;
  connect(): Promise<void>;
  /** Resolves once the command is accepted; rejects if it could not be (→ `UNAVAILABLE`). */
  send(command: SeatCommand): Promise<void>;
  stop(): Promise<void>;
}

/** Extra bytes allowed over the 64 KiB message cap for Socket.IO's own packet framing. */
const FRAMING_BYTES = 1024;

export async function startGateway(
  config: GatewayConfig,
  deps: GatewayDeps = {},
): Promise<GatewayHandle> {
  const logger = (deps.logger ?? createLogger({ level: config.logLevel })).child({
    component: 'gateway',
    gatewayId: config.gatewayId,
  });
  const topics = topicNames(config.kafkaPrefix);
  const groups = groupNames(config.kafkaPrefix);
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) {
      await close().catch((error: unknown) => logger.warn({ err: error }, 'close failed'));
    }
  };
  let state: GatewayState = 'STARTING';
  // Before anything connects: a gateway without its page's bundle (or with a stale one) refuses.
  const assets = await loadWebAssets();

  try {
    const kafka = createKafka({
      brokers: config.kafkaBrokers,
      clientId: `holdfast-gateway-${config.gatewayId}`,
      logger,
    });
    await ensureTopics(kafka, topicSpecs(topics, config.partitions));

    // Metadata, not offsets: right after creating a topic a broker may not lead it yet.
    const eventPartitions = await withAdmin(kafka, async (admin) => {
      await waitForTopicOffsets(admin, [topics.shows, topics.events]);
      return partitionIds(admin, topics.events);
    });

    const catalog = await ShowCatalog.start({
      kafka,
      topic: topics.shows,
      groupPrefix: config.kafkaPrefix,
      logger,
    });
    closers.push(() => catalog.stop());

    const redis: Redis = createRedis({ url: config.redisUrl, name: `${config.gatewayId}-rm` });
    closers.push(async () => void (await redis.quit()));
    const pub = createRedis({
      url: config.redisUrl,
      name: `${config.gatewayId}-pub`,
      offlineQueue: true,
    });
    closers.push(async () => void (await pub.quit()));
    const sub = pub.duplicate({ connectionName: `${config.gatewayId}-sub` });
    closers.push(async () => void (await sub.quit()));
    for (const [client, role] of [
      [redis, 'read model'],
      [pub, 'adapter pub'],
      [sub, 'adapter sub'],
    ] as const) {
      // ioredis reconnects on its own; the error is worth a line, not a crash.
      client.on('error', (error: Error) => logger.warn({ err: error, redis: role }, 'Redis error'));
    }
    const readModel = new RedisReadModel({
      redis,
      prefix: config.redisPrefix,
      eventsTopic: topics.events,
    });

    // The adapter subscribes at once: on a connection still running its ready check, a
    // SUBSCRIBE can fail ("subscriber mode") and server-to-server replies would be lost.
    await Promise.all([whenReady(pub), whenReady(sub)]);

    const pending = new PendingAcks(config.ackTimeoutMs);
    closers.push(async () =>
      pending.settleAll({
        ok: false,
        error: { code: 'UNAVAILABLE', message: 'the gateway stopped before the decision came' },
      }),
    );
    const metrics = createGatewayMetrics(config.gatewayId, () => pending.size);

    // Called only once the server below runs (io and stats exist by then).
    const sink: EventSink = {
      broadcast: (change) => io.to(showRoom(change.showId)).emit('seat:changed', change),
      statsChanged: (showId) => stats.markDirty(showId),
      reply: (event, live) => {
        if (event.replyTo === config.gatewayId) pending.resolve(event);
        else if (live && event.replyTo !== '') io.serverSideEmit('seat:decision', event);
      },
    };
    const producer: CommandPath =
      deps.commandPath?.(sink) ?? new CommandProducer(kafka, topics.commands, logger);
    await producer.connect();
    closers.push(() => producer.stop());

    const http: HttpServer = createServer();
    const io = new Server<RawClientEvents, ServerToClientEvents, InterServerEvents, SocketData>(
      http,
      {
        maxHttpBufferSize: MAX_MESSAGE_BYTES + FRAMING_BYTES,
        serveClient: false,
        adapter: createAdapter(pub, sub, { key: `${config.redisPrefix}:socket.io` }),
      },
    );

    const resolveDecision = (event: SeatEvent) => {
      if (event.replyTo === config.gatewayId) pending.resolve(event);
    };
    io.on('seat:decision', resolveDecision);

    const stats = new StatsCoalescer({
      logger,
      tryLock: async (showId, periodMs) =>
        (await redis.set(
          readModel.statsLockKey(showId),
          config.gatewayId,
          'PX',
          periodMs,
          'NX',
        )) === 'OK',
      publish: async (showId) => {
        const show = catalog.get(showId);
        if (!show) return;
        io.to(showRoom(showId)).emit('show:stats', await readModel.readStats(show));
      },
    });
    closers.push(async () => stats.stop());

    const consumer = new EventsConsumer({
      kafka,
      topic: topics.events,
      groupId: groups.gateway,
      readModel,
      fingerprints: new LogFingerprints({
        kafka,
        topic: topics.events,
        groupPrefix: config.kafkaPrefix,
      }),
      logger,
      owner: config.gatewayId,
      sessionTimeoutMs: config.sessionTimeoutMs,
      replyWindowMs: config.ackTimeoutMs * 2,
      lossCheckMs: deps.readModelCheckMs,
      commitIntervalMs: config.commitIntervalMs,
      fetch: { minBytes: config.fetchMinBytes, maxWaitTimeInMs: config.fetchMaxWaitMs },
      sink,
    });

    const key = secretKey(config.jwtSecret);
    io.use((socket, next) => {
      verifyToken(socket.handshake.auth?.token, key)
        .then((verified) => {
          if (!verified.ok) return next(new UnauthenticatedError(verified.message));
          socket.data.userId = verified.userId;
          next();
        })
        .catch(() => next(new UnauthenticatedError('token refused')));
    });
    io.on('connection', (socket) => {
      metrics.sockets.inc();
      socket.on('disconnect', () => metrics.sockets.dec());
      attachConnection(socket, {
        gatewayId: config.gatewayId,
        shows: catalog,
        readModel,
        eventPartitions,
        pending,
        produce: (command) => producer.send(command),
        accepting: () => state === 'RUNNING',
        metrics,
        logger,
        rateLimit: config.rateLimit ?? {},
      });
    });

    const adapterUp = () => pub.status === 'ready' && sub.status === 'ready';
    const health = {
      registry: metrics.registry,
      liveness: () => ({ ok: true }),
      readiness: () => {
        const checks = {
          state,
          producer: producer.connected,
          consumer: consumer.ready,
          adapter: adapterUp(),
        };
        return {
          ok: state === 'RUNNING' && checks.producer && checks.consumer && checks.adapter,
          detail: checks,
        };
      },
    };
    http.on('request', (req, res) => {
      // Socket.IO answers its own path; everything else is ours.
      if ((req.url ?? '').startsWith('/socket.io/')) return;
      handleHttp({ health, shows: catalog, readModel, eventPartitions, assets }, req, res).catch(
        (error: unknown) => {
          logger.error({ err: error, url: req.url }, 'HTTP request failed');
          if (!res.headersSent) res.writeHead(503, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ ok: false, error: { code: 'UNAVAILABLE' } }));
        },
      );
    });

    await consumer.start();
    closers.push(() => consumer.stop());

    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(config.port, config.host, () => resolve());
    });
    // Disconnects every socket and closes the HTTP server.
    let ioClosed: Promise<void> | undefined;
    const closeIo = () => {
      ioClosed ??= io.close();
      return ioClosed;
    };
    closers.push(closeIo);
    const port = (http.address() as AddressInfo).port;
    state = 'RUNNING';
    logger.info({ port, host: config.host }, 'gateway listening');

    let stopping: Promise<void> | undefined;
    const stop = async () => {
      state = 'DRAINING';
      logger.info('gateway draining: no new commands');
      const drainMs = deps.drainMs ?? Math.min(config.ackTimeoutMs, 5000);
      const until = Date.now() + drainMs;
      while (pending.size > 0 && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // Leave the group before closing the adapter: every record this gateway consumes
      // until then still gets its broadcast and reply. Then close the sockets (their
      // clients reconnect to another gateway), then everything else.
      await consumer.stop();
      await closeIo();
      await closeAll();
      state = 'STOPPED';
      logger.info('gateway stopped');
    };
    return {
      gatewayId: config.gatewayId,
      port,
      url: `http://${config.host}:${port}`,
      get state() {
        return state;
      },
      ready: () => health.readiness().ok,
      assignedPartitions: () => consumer.assignedPartitions(),
      stop: () => {
        stopping ??= stop();
        return stopping;
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
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
