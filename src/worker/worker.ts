/**
 * The reservation worker: a member of the `holdfast-reservation` group that owns partitions
 * of `seat-commands` and, for each, a `PartitionHost` of seat actors.
 *
 * kafkajs starts fetching from committed offsets as soon as an assignment arrives, and its
 * GROUP_JOIN event is not awaited. So the newly assigned partitions are paused in the
 * listener, claimed and loaded from their snapshots, sought to snapshot offset + 1 and
 * only then resumed (KAFKA-LOCAL.md).
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import type { WorkerEnvConfig } from '../config/worker.ts';
import { ensureTopics } from '../kafka/admin.ts';
import { createKafka } from '../kafka/client.ts';
import { CoalescingSender } from '../kafka/coalescing-sender.ts';
import { createProducer } from '../kafka/producer.ts';
import { ShowCatalog } from '../kafka/show-catalog.ts';
import { groupNames, topicNames, topicSpecs } from '../kafka/topics.ts';
import { startHealthServer } from '../observability/health-http.ts';
import { createLogger, type Logger } from '../observability/logger.ts';
import { createRedis } from '../state/redis.ts';
import { RedisSnapshotStore } from '../state/snapshot-store.ts';
import { createPartitionCore } from './core.ts';
import { createWorkerMetrics, type WorkerMetrics } from './metrics.ts';
import { PartitionHost } from './partition-host.ts';

export type WorkerLifecycle = 'STARTING' | 'RUNNING' | 'REJOINING' | 'DRAINING' | 'STOPPED';

export interface WorkerHandle {
  readonly id: string;
  readonly metricsPort: number;
  readonly metrics: WorkerMetrics;
  lifecycle(): WorkerLifecycle;
  /** Partitions owned and loaded (deciding) right now. */
  ownedPartitions(): number[];
  /** Readiness off, finish and commit the batch in hand, leave the group, close. */
  stop(): Promise<void>;
}

export interface WorkerDeps {
  logger?: Logger;
}

export async function startWorker(
  config: WorkerEnvConfig,
  deps: WorkerDeps = {},
): Promise<WorkerHandle> {
  const id = config.HOLDFAST_WORKER_ID ?? `worker-${randomUUID().slice(0, 8)}`;
  const logger = (deps.logger ?? createLogger({ level: config.HOLDFAST_LOG_LEVEL })).child({
    component: 'worker',
    workerId: id,
  });
  const topics = topicNames(config.HOLDFAST_KAFKA_PREFIX);
  const groups = groupNames(config.HOLDFAST_KAFKA_PREFIX);
  const metrics = createWorkerMetrics();
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: id, logger });
  const redis = createRedis({ url: config.REDIS_URL, name: id, autoPipelining: true });

  await ensureTopics(kafka, topicSpecs(topics, config.HOLDFAST_PARTITIONS));
  const shows = await ShowCatalog.start({
    kafka,
    topic: topics.shows,
    groupPrefix: config.HOLDFAST_KAFKA_PREFIX,
    logger,
  });
  const producer = createProducer(kafka);
  await producer.connect();
  const admin = kafka.admin();
  await admin.connect();

  const worker = new ReservationWorker({
    id,
    config,
    kafka,
    redis,
    producer,
    admin,
    shows,
    metrics,
    logger,
    topics,
    groups,
  });
  await worker.start();
  const health = await startHealthServer(
    {
      registry: metrics.registry,
      liveness: () => worker.liveness(),
      readiness: () => worker.readiness(),
    },
    config.HOLDFAST_METRICS_PORT,
    config.HOLDFAST_METRICS_HOST,
  );
  logger.info(
    { metricsPort: health.port, partitions: config.HOLDFAST_PARTITIONS },
    'worker started',
  );

  return {
    id,
    metricsPort: health.port,
    metrics,
    lifecycle: () => worker.lifecycle,
    ownedPartitions: () => worker.ownedPartitions(),
    stop: async () => {
      await worker.stop();
      await Promise.allSettled([
        producer.disconnect(),
        admin.disconnect(),
        shows.stop(),
        redis.quit(),
      ]);
      await health.close();
      logger.info('worker stopped');
    },
  };
}

interface ReservationWorkerParts {
  id: string;
  config: WorkerEnvConfig;
  kafka: Kafka;
  redis: Redis;
  producer: Producer;
  admin: ReturnType<Kafka['admin']>;
  shows: ShowCatalog;
  metrics: WorkerMetrics;
  logger: Logger;
  topics: ReturnType<typeof topicNames>;
  groups: ReturnType<typeof groupNames>;
}

class ReservationWorker {
  lifecycle: WorkerLifecycle = 'STARTING';
  readonly #parts: ReservationWorkerParts;
  readonly #snapshots: RedisSnapshotStore;
  readonly #hosts = new Map<number, PartitionHost>();
  readonly #sender: CoalescingSender;
  #consumer: Consumer;
  /** Bumped on every assignment and rejoin, so a slow load of an older one is dropped. */
  #generation = 0;
  #crashed: Error | undefined;
  #rejoin: Promise<void> | undefined;

  constructor(parts: ReservationWorkerParts) {
    this.#parts = parts;
    this.#snapshots = new RedisSnapshotStore(
      parts.redis,
      parts.config.HOLDFAST_REDIS_PREFIX,
      parts.topics.commands,
    );
    this.#sender = new CoalescingSender(parts.producer);
    this.#consumer = this.#createConsumer();
  }

  #createConsumer(): Consumer {
    const { kafka, config, groups, logger, metrics } = this.#parts;
    const consumer = kafka.consumer({
      groupId: groups.reservation,
      sessionTimeout: config.HOLDFAST_SESSION_TIMEOUT_MS,
      heartbeatInterval: 1000,
      rebalanceTimeout: Math.max(config.HOLDFAST_SESSION_TIMEOUT_MS, 10_000),
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 100,
      retry: {
        retries: 8,
        initialRetryTime: 100,
        maxRetryTime: 3000,
        // kafkajs restarts a crashed consumer by itself; one this worker has replaced must
        // stay down, or it rejoins the group as a second member and rebalances it forever.
        restartOnFailure: async () => consumer === this.#consumer,
      },
    });
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      if (this.#isStale(consumer)) return;
      metrics.rebalances.inc();
      const assigned = event.payload.memberAssignment[this.#parts.topics.commands] ?? [];
      this.#onAssignment(consumer, assigned);
    });
    consumer.on(consumer.events.REBALANCING, () => {
      logger.info('group is rebalancing');
    });
    consumer.on(consumer.events.CRASH, (event) => {
      if (this.#isStale(consumer)) return;
      logger.error(
        { err: event.payload.error, restart: event.payload.restart },
        'consumer crashed',
      );
      if (!event.payload.restart) this.#crashed = event.payload.error;
    });
    return consumer;
  }

  /**
   * A consumer this worker has replaced (on rejoin) can come back by itself: kafkajs
   * restarts a crashed consumer on a timer that may be set after our disconnect. Such a
   * consumer must not touch the partition hosts; it is disconnected again.
   */
  #isStale(consumer: Consumer): boolean {
    if (consumer === this.#consumer) return false;
    this.#parts.logger.warn('a replaced consumer came back; disconnecting it');
    consumer.disconnect().catch(() => {});
    return true;
  }

  async start(): Promise<void> {
    await this.#run(this.#consumer);
    this.lifecycle = 'RUNNING';
  }

  async #run(consumer: Consumer): Promise<void> {
    await consumer.connect();
    await consumer.subscribe({ topic: this.#parts.topics.commands, fromBeginning: true });
    await consumer.run({
      autoCommit: true,
      autoCommitInterval: 1000,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: Math.min(this.#parts.config.HOLDFAST_PARTITIONS, 16),
      eachBatch: async (payload) => {
        if (!this.#isStale(consumer)) await this.#eachBatch(payload);
      },
    });
  }

  async #eachBatch({
    batch,
    resolveOffset,
    heartbeat,
    commitOffsetsIfNecessary,
    uncommittedOffsets,
  }: EachBatchPayload): Promise<void> {
    const host = this.#hosts.get(batch.partition);
    if (host?.status !== 'DECIDING') return;
    const { commitOffset } = await host.processBatch(batch.messages);
    if (commitOffset !== undefined) {
      // Resolved only after the snapshot write: kafkajs commits resolved offsets every
      // second (they feed lag metrics; a partition restarts from its snapshot). A draining
      // worker commits at once, so its successor's lag reads true.
      resolveOffset((commitOffset - 1n).toString());
      if (this.lifecycle === 'DRAINING') await commitOffsetsIfNecessary(uncommittedOffsets());
      const lag = BigInt(batch.highWatermark) - commitOffset;
      this.#parts.metrics.consumerLag.set(
        { partition: String(batch.partition) },
        Number(lag < 0n ? 0n : lag),
      );
    }
    this.#updateGauges();
    await heartbeat();
  }

  #onAssignment(consumer: Consumer, assigned: number[]): void {
    const generation = ++this.#generation;
    const { topics, logger } = this.#parts;
    logger.info({ assigned }, 'partitions assigned');
    if (assigned.length > 0) consumer.pause([{ topic: topics.commands, partitions: assigned }]);
    this.#loadAssignment(consumer, assigned, generation).catch((error: unknown) => {
      logger.error({ err: error }, 'could not load the assigned partitions; rejoining');
      this.#scheduleRejoin();
    });
  }

  async #loadAssignment(consumer: Consumer, assigned: number[], generation: number): Promise<void> {
    const { topics, admin, shows, metrics, logger } = this.#parts;
    // Every assignment claims afresh: a partition kept across a rebalance may have been
    // decided by another member in between.
    const previous = [...this.#hosts.values()];
    this.#hosts.clear();
    await Promise.all(previous.map((host) => host.stop()));
    this.#updateGauges();
    if (assigned.length === 0) return;

    const offsets = await admin.fetchTopicOffsets(topics.commands);
    const bounds = new Map(
      offsets.map((p) => [p.partition, { low: BigInt(p.low), high: BigInt(p.high) }]),
    );
    await Promise.all(
      assigned.map(async (partition) => {
        const host = new PartitionHost({
          partition,
          topics,
          core: createPartitionCore(partition, this.#parts.config),
          snapshots: this.#snapshots,
          sink: this.#sender,
          shows,
          metrics,
          logger,
          onFenced: () => this.#scheduleRejoin(),
        });
        const bound = bounds.get(partition) ?? { low: 0n, high: 0n };
        const start = await host.load(bound.low, bound.high);
        if (generation !== this.#generation) {
          await host.stop();
          return;
        }
        this.#hosts.set(partition, host);
        consumer.seek({ topic: topics.commands, partition, offset: start.toString() });
        consumer.resume([{ topic: topics.commands, partitions: [partition] }]);
      }),
    );
    this.#updateGauges();
    if (generation === this.#generation)
      logger.info({ partitions: assigned }, 'assigned partitions loaded; deciding');
  }

  /**
   * A refused snapshot write means another member owns the partition now (or Redis lost
   * the claim): stop deciding everything, leave and rejoin the group, and claim again only
   * what the new assignment gives (DESIGN §3.9).
   */
  #scheduleRejoin(): void {
    if (this.#rejoin || this.lifecycle === 'DRAINING' || this.lifecycle === 'STOPPED') return;
    this.lifecycle = 'REJOINING';
    this.#generation++;
    const { logger } = this.#parts;
    logger.warn('leaving and rejoining the group');
    // Not awaited in the batch that found the fence: consumer.stop() waits for that batch.
    this.#rejoin = (async () => {
      try {
        const old = this.#consumer;
        // Replaced before it is stopped, so anything the old one still emits is stale.
        this.#consumer = this.#createConsumer();
        await old.disconnect().catch((error: unknown) => {
          logger.warn({ err: error }, 'disconnecting the replaced consumer failed');
        });
        const hosts = [...this.#hosts.values()];
        this.#hosts.clear();
        await Promise.all(hosts.map((host) => host.stop()));
        this.#updateGauges();
        // The broker may be down (that may be why the partition failed): keep trying, with
        // a growing pause, until the group takes us back or the worker is told to stop.
        for (let attempt = 0; this.lifecycle === 'REJOINING'; attempt++) {
          try {
            await this.#run(this.#consumer);
            this.lifecycle = 'RUNNING';
          } catch (error) {
            const pauseMs = Math.min(500 * 2 ** attempt, 5000);
            logger.warn({ err: error, attempt, pauseMs }, 'rejoining the group failed; retrying');
            await this.#consumer.disconnect().catch(() => {});
            this.#consumer = this.#createConsumer();
            await new Promise((resolve) => setTimeout(resolve, pauseMs));
          }
        }
      } finally {
        this.#rejoin = undefined;
      }
    })();
  }

  #updateGauges(): void {
    const hosts = [...this.#hosts.values()];
    this.#parts.metrics.ownedPartitions.set(hosts.filter((h) => h.status === 'DECIDING').length);
    this.#parts.metrics.liveActors.set(hosts.reduce((sum, h) => sum + h.liveActorCount, 0));
  }

  ownedPartitions(): number[] {
    return [...this.#hosts.values()]
      .filter((h) => h.status === 'DECIDING')
      .map((h) => h.partition)
      .sort((a, b) => a - b);
  }

  liveness() {
    return this.#crashed
      ? {
          ok: false,
          detail: { reason: 'consumer crashed and will not restart', error: this.#crashed.message },
        }
      : { ok: true, detail: { lifecycle: this.lifecycle } };
  }

  readiness() {
    const owned = this.ownedPartitions();
    const ok =
      this.lifecycle === 'RUNNING' &&
      owned.length > 0 &&
      owned.length === this.#hosts.size &&
      !this.#crashed;
    return { ok, detail: { lifecycle: this.lifecycle, partitions: owned } };
  }

  async stop(): Promise<void> {
    this.lifecycle = 'DRAINING';
    await this.#rejoin;
    // stop() waits for the batch in hand (which commits), then leaves the group.
    await this.#consumer.disconnect();
    const hosts = [...this.#hosts.values()];
    this.#hosts.clear();
    await Promise.all(hosts.map((host) => host.stop()));
    this.lifecycle = 'STOPPED';
  }
}
