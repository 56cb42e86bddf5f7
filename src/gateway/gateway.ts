/**
 * `startGateway`: the gateway's composition root. It wires the parts in the order a
 * `seat:hold` travels: socket → command handler → command producer → (Kafka) → events
 * consumer → read model → broadcaster and reply router → ack. It returns a handle to stop it.
 */
import type { AddressInfo } from 'node:net';
import type { GatewayConfig } from '../config/gateway.ts';
import type { SeatCommand } from '../contract/kafka-records.ts';
import { connectConfiguredKafka } from '../kafka/access.ts';
import { ensureTopics, partitionIds, waitForTopicOffsets, withAdmin } from '../kafka/admin.ts';
import { LogFingerprints } from '../kafka/log-fingerprint.ts';
import { ShowCatalog } from '../kafka/show-catalog.ts';
import { groupNames, topicNames, topicSpecs } from '../kafka/topics.ts';
import { startHealthServer } from '../observability/health-http.ts';
import { createLogger, type Logger } from '../observability/logger.ts';
import { RedisReadModel } from '../state/read-model-redis.ts';
import { loadWebAssets } from '../web/assets.ts';
import { createTokenVerifier } from './auth.ts';
import { Broadcaster } from './broadcaster.ts';
import { addressSet } from './client-address.ts';
import { ClientLimits } from './client-limits.ts';
import { CommandHandler } from './command-handler.ts';
import { CommandProducer } from './command-producer.ts';
import { attachConnection } from './connection.ts';
import { type EventSink, EventsConsumer } from './events-consumer.ts';
import { serveHttpRoutes } from './http-routes.ts';
import { createGatewayMetrics } from './metrics.ts';
import { connectGatewayRedis } from './redis-clients.ts';
import { ReplyRouter } from './reply-router.ts';
import { SeatMapCache } from './seat-map-cache.ts';
import { createSocketServer } from './socket-server.ts';

/** How often tallies of clients that went quiet are forgotten (`ClientLimits.sweep`). */
const LIMITS_SWEEP_MS = 10_000;

export type GatewayState = 'STARTING' | 'RUNNING' | 'DRAINING' | 'STOPPED';

export interface GatewayHandle {
  readonly gatewayId: string;
  /** The bound public port (the real one when configured with 0). */
  readonly port: number;
  readonly url: string;
  /** The private admin port's URL: `/metrics`, `/healthz`, `/readyz`. */
  readonly adminUrl: string;
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
  /**
   * Resolves once the command is accepted. Rejects with `HF_PRODUCE_NOT_SENT` when it was
   * certainly not (→ `UNAVAILABLE`); any other rejection means the outcome is unknown
   * (→ `TIMEOUT`).
   */
  send(command: SeatCommand): Promise<void>;
  stop(): Promise<void>;
}

export async function startGateway(
  config: GatewayConfig,
  deps: GatewayDeps = {},
): Promise<GatewayHandle> {
  const logger = (deps.logger ?? createLogger({ level: config.logLevel })).child({
    component: 'gateway',
    gatewayId: config.gatewayId,
  });
  const topics = topicNames(config.kafkaPrefix);
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) {
      await close().catch((error: unknown) => logger.warn({ err: error }, 'close failed'));
    }
  };
  let state: GatewayState = 'STARTING';
  const verify = createTokenVerifier(config.tokens);
  // Before anything connects: a gateway without its page's bundle (or with a stale one) refuses.
  const assets = await loadWebAssets();

  try {
    // Infrastructure: Kafka topics, the show catalog, Redis.
    const kafka = await connectConfiguredKafka(
      config,
      `holdfast-gateway-${config.gatewayId}`,
      logger,
    );
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
    const redis = await connectGatewayRedis({
      url: config.redisUrl,
      tls: config.redisTls,
      gatewayId: config.gatewayId,
      logger,
    });
    closers.push(() => redis.quit());
    const readModel = new RedisReadModel({
      redis: redis.data,
      prefix: config.redisPrefix,
      eventsTopic: topics.events,
    });

    // The servers, then what answers and broadcasts through them.
    const metrics = createGatewayMetrics(config.gatewayId, () => replies.waiting);
    const limits = new ClientLimits({
      ...config.clientLimits,
      exempt: addressSet(config.clientLimits.exempt),
    });
    const sweep = setInterval(() => limits.sweep(), LIMITS_SWEEP_MS);
    sweep.unref();
    closers.push(async () => clearInterval(sweep));
    const trustedProxies = addressSet(config.trustedProxies);
    const { http, io } = createSocketServer({
      verify,
      redisPrefix: config.redisPrefix,
      pub: redis.pub,
      sub: redis.sub,
      transports: config.transports,
      handshakeTimeoutMs: config.handshakeTimeoutMs,
      admission: { limits, trustedProxies, metrics },
    });
    const replies = new ReplyRouter({
      gatewayId: config.gatewayId,
      ackTimeoutMs: config.ackTimeoutMs,
      servers: io,
    });
    // Still waiting at the very end: produced, so the outcome is unknown.
    closers.push(async () =>
      replies.settleAll({
        ok: false,
        error: {
          code: 'TIMEOUT',
          message:
            'the gateway stopped before the decision came; the outcome is unknown: resync and retry with the same commandId',
        },
      }),
    );
    const broadcaster = new Broadcaster({
      rooms: io,
      logger,
      batchTickMs: config.batchFrameMs,
      statsPeriodMs: config.statsPeriodMs,
      statsTickMs: config.statsTickMs,
      tryStatsLock: async (showId, periodMs) =>
        (await redis.data.set(
          readModel.statsLockKey(showId),
          config.gatewayId,
          'PX',
          periodMs,
          'NX',
        )) === 'OK',
      readStats: async (showId) => {
        const show = catalog.get(showId);
        return show ? readModel.readStats(show) : undefined;
      },
    });
    closers.push(async () => broadcaster.stop());
    const seatMaps = new SeatMapCache({ readModel, onBuild: () => metrics.seatMapBuilds.inc() });

    // The way out (commands) and the way back (decisions).
    const sink: EventSink = {
      broadcast: (change) => broadcaster.seatChanged(change),
      cancelled: (ownerId, notice) => broadcaster.seatCancelled(ownerId, notice),
      statsChanged: (showId) => broadcaster.statsChanged(showId),
      reply: (event, live) => replies.route(event, live),
    };
    const producer: CommandPath =
      deps.commandPath?.(sink) ??
      new CommandProducer(kafka, topics.commands, logger, config.commandRetry);
    await producer.connect();
    closers.push(() => producer.stop());
    const consumer = new EventsConsumer({
      kafka,
      topic: topics.events,
      groupId: groupNames(config.kafkaPrefix).gateway,
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
      lossCheckMs: deps.readModelCheckMs ?? config.readModelCheckMs,
      commitIntervalMs: config.commitIntervalMs,
      fetch: { minBytes: config.fetchMinBytes, maxWaitTimeInMs: config.fetchMaxWaitMs },
      group: config.consumerGroup,
      sink,
    });

    // The way in: each socket's messages to the command handler.
    const handler = new CommandHandler({
      gatewayId: config.gatewayId,
      shows: catalog,
      readModel,
      seatMaps,
      eventPartitions,
      broadcaster,
      replies,
      commands: producer,
      accepting: () => state === 'RUNNING',
      metrics,
    });
    io.on('connection', (socket) => {
      metrics.sockets.inc();
      socket.on('disconnect', () => metrics.sockets.dec());
      attachConnection(socket, {
        handler,
        metrics,
        logger,
        rateLimit: config.rateLimit,
        verify,
      });
    });
    const health = {
      registry: metrics.registry,
      liveness: () => ({ ok: true }),
      readiness: () => {
        const checks = {
          state,
          producer: producer.connected,
          consumer: consumer.ready,
          adapter: redis.adapterUp(),
        };
        return {
          ok: state === 'RUNNING' && checks.producer && checks.consumer && checks.adapter,
          detail: checks,
        };
      },
    };
    serveHttpRoutes(
      http,
      {
        liveness: health.liveness,
        shows: catalog,
        readModel,
        seatMaps,
        limits,
        trustedProxies,
        metrics,
        eventPartitions,
        assets,
      },
      logger,
    );

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
    const admin = await startHealthServer(health, config.metricsPort, config.metricsHost);
    closers.push(admin.close);
    state = 'RUNNING';
    logger.info(
      { port, host: config.host, metricsPort: admin.port, metricsHost: config.metricsHost },
      'gateway listening',
    );

    let stopping: Promise<void> | undefined;
    const stop = async () => {
      state = 'DRAINING';
      logger.info('gateway draining: no new commands');
      const drainMs = deps.drainMs ?? config.drainMs;
      const until = Date.now() + drainMs;
      while (replies.waiting > 0 && Date.now() < until) {
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
      adminUrl: `http://${config.metricsHost}:${admin.port}`,
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
