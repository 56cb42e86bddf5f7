/**
 * The reservation worker: a member of the `holdfast-reservation` group that owns partitions
 * of `seat-commands` and, for each, a `PartitionHost` of seat actors. The group protocol
 * (pause, load, seek, resume; rejoin) is the partition consumer's; the worker says where a
 * partition starts (its snapshot offset + 1) and hands each batch to the partition's host.
 */
import type { Redis } from 'ioredis';
import type { WorkerConfig } from '../config/worker.ts';
import { ERROR_CODES, isHoldfastError } from '../contract/errors.ts';
import { connectConfiguredKafka } from '../kafka/access.ts';
import { ensureTopics } from '../kafka/admin.ts';
import { BatchingProducer } from '../kafka/batching-producer.ts';
import { EmittedEvents } from '../kafka/emitted-events.ts';
import { requireGroupGeneration } from '../kafka/group-consumer.ts';
import { LogFingerprints } from '../kafka/log-fingerprint.ts';
import { PartitionConsumer } from '../kafka/partition-consumer.ts';
import type { LogBounds, PartitionBatch, PartitionHandler } from '../kafka/partition-handler.ts';
import { ShowCatalog } from '../kafka/show-catalog.ts';
import { groupNames, topicNames, topicSpecs } from '../kafka/topics.ts';
import { startHealthServer } from '../observability/health-http.ts';
import { createLogger, type Logger } from '../observability/logger.ts';
import { createRedis, redisReady } from '../state/redis.ts';
import { RedisSnapshotStore } from '../state/snapshot-store.ts';
import { createPartitionCore } from './core.ts';
import type { RecordSink } from './host-ports.ts';
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
  /** Stands between the partition hosts and the producer (a test makes a produce fail). */
  wrapSink?: (sink: RecordSink) => RecordSink;
}

export async function startWorker(
  config: WorkerConfig,
  deps: WorkerDeps = {},
): Promise<WorkerHandle> {
  const id = config.workerId;
  const logger = (deps.logger ?? createLogger({ level: config.logLevel })).child({
    component: 'worker',
    workerId: id,
  });
  const topics = topicNames(config.kafkaPrefix);
  const groups = groupNames(config.kafkaPrefix);
  const metrics = createWorkerMetrics();
  const kafka = await connectConfiguredKafka(config, id, logger);
  const redis = createRedis({
    url: config.redisUrl,
    tls: config.redisTls,
    name: id,
    autoPipelining: true,
  });
  try {
    await redisReady(redis, config.redisUrl);
  } catch (error) {
    // A refused login or TLS failure will not heal: stop. A Redis that is merely down may
    // come back (ioredis reconnects, partition loads retry), as before this check existed.
    if (isHoldfastError(error, ERROR_CODES.INFRA_AUTH_FAILED)) {
      redis.disconnect();
      throw error;
    }
    logger.warn({ err: error }, 'Redis not ready yet; starting anyway');
  }

  await ensureTopics(kafka, topicSpecs(topics, config.partitions), logger);
  const shows = await ShowCatalog.start({
    kafka,
    topic: topics.shows,
    groupPrefix: config.kafkaPrefix,
    logger,
    onIgnored: (reason) => metrics.showRecordsIgnored.inc({ reason }),
  });
  const producer = new BatchingProducer({ kafka, logger });
  await producer.connect();

  const worker = new ReservationWorker({
    id,
    config,
    redis,
    sink: deps.wrapSink ? deps.wrapSink(producer) : producer,
    emitted: new EmittedEvents({
      kafka,
      topic: topics.events,
      groupPrefix: config.kafkaPrefix,
    }),
    fingerprints: new LogFingerprints({
      kafka,
      topic: topics.commands,
      groupPrefix: config.kafkaPrefix,
    }),
    shows,
    metrics,
    logger,
    topics,
  });
  const consumer = new PartitionConsumer({
    kafka,
    topic: topics.commands,
    groupId: groups.reservation,
    handler: worker,
    logger,
    sessionTimeoutMs: config.sessionTimeoutMs,
    concurrency: Math.min(config.partitions, config.partitionConcurrency),
    fetch: {
      minBytes: config.fetchMinBytes,
      maxWaitTimeInMs: config.fetchMaxWaitMs,
    },
    group: config.consumerGroup,
    commitIntervalMs: config.commitIntervalMs,
    onAssignment: () => metrics.rebalances.inc(),
  });
  worker.attach(consumer);
  await consumer.start();
  const health = await startHealthServer(
    {
      registry: metrics.registry,
      liveness: () => worker.liveness(),
      readiness: () => worker.readiness(),
    },
    config.metricsPort,
    config.metricsHost,
  );
  logger.info({ metricsPort: health.port, partitions: config.partitions }, 'worker started');

  return {
    id,
    metricsPort: health.port,
    metrics,
    lifecycle: () => worker.lifecycle,
    ownedPartitions: () => worker.ownedPartitions(),
    stop: async () => {
      await worker.stop();
      await Promise.allSettled([producer.stop(), shows.stop(), redis.quit()]);
      await health.close();
      logger.info('worker stopped');
    },
  };
}

interface ReservationWorkerParts {
  id: string;
  config: WorkerConfig;
  redis: Redis;
  /** Where the hosts' records go: the producer. */
  sink: RecordSink;
  /** How far each partition's events on `seat-events` go (docs/design.md §3.16). */
  emitted: EmittedEvents;
  /** The fingerprint of each `seat-commands` partition's log, which claims carry. */
  fingerprints: LogFingerprints;
  shows: ShowCatalog;
  metrics: WorkerMetrics;
  logger: Logger;
  topics: ReturnType<typeof topicNames>;
}

class ReservationWorker implements PartitionHandler {
  readonly #parts: ReservationWorkerParts;
  readonly #snapshots: RedisSnapshotStore;
  readonly #hosts = new Map<number, PartitionHost>();
  #consumer: PartitionConsumer | undefined;
  #draining = false;

  constructor(parts: ReservationWorkerParts) {
    this.#parts = parts;
    this.#snapshots = new RedisSnapshotStore(
      parts.redis,
      parts.config.redisPrefix,
      parts.topics.commands,
    );
  }

  attach(consumer: PartitionConsumer): void {
    this.#consumer = consumer;
  }

  get #group(): PartitionConsumer {
    if (!this.#consumer) throw new Error('the worker has no consumer attached');
    return this.#consumer;
  }

  get lifecycle(): WorkerLifecycle {
    if (this.#draining) return this.#group.lifecycle === 'STOPPED' ? 'STOPPED' : 'DRAINING';
    const lifecycle = this.#group.lifecycle;
    return lifecycle === 'STOPPING' ? 'DRAINING' : lifecycle;
  }

  async revoke(): Promise<void> {
    const previous = [...this.#hosts.values()];
    this.#hosts.clear();
    await Promise.all(previous.map((host) => host.stop()));
    this.#updateGauges();
  }

  /**
   * Claims the partition with the assignment's group generation (so that a superseded
   * assignment's late claim is refused: docs/design.md §3.13) and loads its snapshot; it
   * starts after the snapshot's offset. Refused (HF_KAFKAJS_UNPATCHED) without a generation.
   */
  async load(
    partition: number,
    bounds: LogBounds,
    isCurrent: () => boolean,
    generation: number | undefined,
  ): Promise<bigint> {
    const claimGeneration = requireGroupGeneration(generation);
    const { topics, shows, metrics, logger, sink, emitted, config, fingerprints } = this.#parts;
    const fingerprint = (await fingerprints.of([partition])).get(partition) ?? '';
    const host = new PartitionHost({
      partition,
      topics,
      core: createPartitionCore(partition, config),
      snapshots: this.#snapshots,
      sink,
      emitted,
      shows,
      metrics,
      logger,
      onFenced: () => this.#group.rejoin(),
    });
    const start = await host.load(bounds.low, bounds.high, {
      generation: claimGeneration,
      fingerprint,
    });
    if (!isCurrent()) {
      await host.stop();
      return start;
    }
    this.#hosts.set(partition, host);
    this.#updateGauges();
    return start;
  }

  async handle(batch: PartitionBatch): Promise<bigint | undefined> {
    const host = this.#hosts.get(batch.partition);
    if (host?.status !== 'DECIDING') return undefined;
    const { commitOffset } = await host.processBatch(batch.records);
    if (commitOffset !== undefined) {
      const lag = batch.highWatermark - commitOffset;
      this.#parts.metrics.consumerLag.set(
        { partition: String(batch.partition) },
        Number(lag < 0n ? 0n : lag),
      );
    }
    this.#updateGauges();
    return commitOffset;
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
    const crashed = this.#group.crashed;
    return crashed
      ? {
          ok: false,
          detail: { reason: 'consumer crashed and will not restart', error: crashed.message },
        }
      : { ok: true, detail: { lifecycle: this.lifecycle } };
  }

  readiness() {
    const owned = this.ownedPartitions();
    const assigned = this.#group.assignedPartitions();
    const ok =
      this.lifecycle === 'RUNNING' &&
      this.#group.positioned &&
      owned.length > 0 &&
      owned.length === assigned.length &&
      this.#group.crashed === undefined;
    return { ok, detail: { lifecycle: this.lifecycle, partitions: owned } };
  }

  /** Finishes and commits the batches in hand, leaves the group, drops the partitions. */
  async stop(): Promise<void> {
    this.#draining = true;
    await this.#group.stop();
  }
}
