/**
 * A testbed for the reservation worker against the real broker and Redis: a deployment
 * (src/fleet/deployment.ts) with random topic and key prefixes, shows, command producers for each command type, a collector of every
 * record on `seat-events` and the DLQ, and workers run in-process or as child processes.
 * Each testbed closes everything it opened.
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Consumer, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { loadWorkerConfig } from '../../src/config/worker.ts';
import type { SeatCommand, SeatEvent } from '../../src/contract/kafka-records.ts';
import type { ShowDefinition } from '../../src/contract/shows.ts';
import { Deployment } from '../../src/fleet/deployment.ts';
import { decodeEvent, encodeCommand } from '../../src/kafka/codec.ts';
import { createProducer } from '../../src/kafka/producer.ts';
import type { TopicNames } from '../../src/kafka/topics.ts';
import { createLogger, type Logger } from '../../src/observability/logger.ts';
import { createRedis } from '../../src/state/redis.ts';
import { startWorker, type WorkerDeps, type WorkerHandle } from '../../src/worker/worker.ts';
import { waitFor } from './wait.ts';

/** Workers under test log nothing unless HOLDFAST_TEST_LOG_LEVEL names a level. */
function testLogLevel(): 'silent' | 'error' | 'warn' | 'info' | 'debug' {
  const level = process.env.HOLDFAST_TEST_LOG_LEVEL;
  return level === 'error' || level === 'warn' || level === 'info' || level === 'debug'
    ? level
    : 'silent';
}

/** Silent unless HOLDFAST_TEST_LOG_LEVEL asks (kafkajs logs every rebalance as an error). */
const testbedLogger = createLogger({ level: testLogLevel(), destinationFd: 2 });

export interface TestbedOptions {
  kafkaBrokers: readonly string[];
  redisUrl: string;
  partitions?: number;
  sessionTimeoutMs?: number;
  /** Settings every member (and the testbed's own Kafka client) gets: e.g. SASL credentials. */
  settings?: Readonly<Record<string, string>>;
}

export interface Position {
  partition: number;
  offset: string;
}

export class WorkerTestbed {
  readonly prefix: string;
  readonly redisPrefix: string;
  readonly deployment: Deployment;
  readonly kafka: Kafka;
  readonly redis: Redis;
  readonly events: SeatEvent[] = [];
  readonly deadLetters: KafkaMessage[] = [];
  readonly #producer: Producer;
  readonly #consumers: Consumer[] = [];
  readonly #workers = new Set<WorkerHandle>();
  #spawned = 0;

  private constructor(deployment: Deployment, redisUrl: string, prefixes: [string, string]) {
    this.deployment = deployment;
    [this.prefix, this.redisPrefix] = prefixes;
    this.kafka = deployment.kafka;
    this.redis = createRedis({ url: redisUrl, name: 'testbed' });
    this.#producer = createProducer(this.kafka);
  }

  static async create(options: TestbedOptions): Promise<WorkerTestbed> {
    const prefix = `t${randomUUID().slice(0, 8)}-`;
    const redisPrefix = `test:${randomUUID().slice(0, 8)}`;
    const deployment = await Deployment.start({
      kafkaBrokers: options.kafkaBrokers,
      redisUrl: options.redisUrl,
      partitions: options.partitions ?? 3,
      kafkaPrefix: prefix,
      redisPrefix,
      baseEnv: process.env,
      settings: {
        HOLDFAST_SESSION_TIMEOUT_MS: String(options.sessionTimeoutMs ?? 6000),
        HOLDFAST_METRICS_PORT: '0',
        HOLDFAST_LOG_LEVEL: testLogLevel(),
        ...options.settings,
      },
      clientId: 'testbed',
      logger: testbedLogger,
    });
    const bed = new WorkerTestbed(deployment, options.redisUrl, [prefix, redisPrefix]);
    await bed.#producer.connect();
    await bed.#collect(bed.topics.events, (message) => {
      const decoded = decodeEvent(message);
      if (!decoded.ok) throw new Error(`invalid event on seat-events: ${decoded.reason}`);
      bed.events.push(decoded.value);
    });
    await bed.#collect(bed.topics.deadLetters, (message) => void bed.deadLetters.push(message));
    return bed;
  }

  get topics(): TopicNames {
    return this.deployment.topics;
  }

  /** The environment of a member of this deployment (what a worker or gateway is configured from). */
  get env(): Record<string, string> {
    const entries = Object.entries(this.deployment.env);
    return Object.fromEntries(
      entries.filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
  }

  get logger(): Logger {
    return testbedLogger;
  }

  async #collect(topic: string, onMessage: (message: KafkaMessage) => void): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: `${this.prefix}collector-${randomUUID()}`,
      maxWaitTimeInMs: 50,
    });
    this.#consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => onMessage(message) });
  }

  async createShow(partial: Partial<ShowDefinition> = {}): Promise<ShowDefinition> {
    const show: ShowDefinition = {
      showId: `show-${randomUUID().slice(0, 8)}`,
      rows: 3,
      seatsPerRow: 10,
      holdTtlMs: 600_000,
      createdAt: Date.now(),
      ...partial,
    };
    await this.deployment.publishShows([show]);
    return show;
  }

  /** Produces one command as a gateway would, and returns where it landed. */
  async send(command: SeatCommand): Promise<Position> {
    const [meta] = await this.#producer.send({
      topic: this.topics.commands,
      acks: -1,
      messages: [encodeCommand(command)],
    });
    if (!meta) throw new Error('no record metadata');
    return { partition: meta.partition, offset: meta.baseOffset ?? '' };
  }

  /** Produces many commands in order, in requests of a few hundred. */
  async sendMany(commands: readonly SeatCommand[]): Promise<void> {
    for (let i = 0; i < commands.length; i += 500) {
      await this.#producer.send({
        topic: this.topics.commands,
        acks: -1,
        messages: commands.slice(i, i + 500).map(encodeCommand),
      });
    }
  }

  /** Produces raw bytes to `seat-commands` (for poison-record tests). */
  async sendRaw(key: string, value: string, headers: Record<string, string> = {}): Promise<void> {
    await this.#producer.send({
      topic: this.topics.commands,
      acks: -1,
      messages: [{ key, value, headers }],
    });
  }

  hold(
    showId: string,
    seatId: string,
    userId: string,
    commandId: string = randomUUID(),
  ): SeatCommand {
    return { ...this.#base(showId, seatId, userId, commandId), type: 'seat.holdRequest' };
  }

  confirm(
    showId: string,
    seatId: string,
    userId: string,
    holdId: string,
    commandId?: string,
  ): SeatCommand {
    return this.#onHold('seat.confirmationRequest', showId, seatId, userId, holdId, commandId);
  }

  release(
    showId: string,
    seatId: string,
    userId: string,
    holdId: string,
    commandId?: string,
  ): SeatCommand {
    return this.#onHold('seat.releaseRequest', showId, seatId, userId, holdId, commandId);
  }

  #onHold(
    type: 'seat.confirmationRequest' | 'seat.releaseRequest',
    showId: string,
    seatId: string,
    userId: string,
    holdId: string,
    commandId: string = randomUUID(),
  ): SeatCommand {
    return { ...this.#base(showId, seatId, userId, commandId), type, holdId };
  }

  #base(showId: string, seatId: string, userId: string, commandId: string) {
    return {
      commandId,
      correlationId: randomUUID(),
      replyTo: 'testbed',
      showId,
      seatId,
      userId,
      sentAt: Date.now(),
    };
  }

  /** The events answering one command attempt, by its correlation id. */
  answersTo(command: SeatCommand): SeatEvent[] {
    return this.events.filter((e) => e.correlationId === command.correlationId);
  }

  /** Waits for (and returns) the events answering a command, deduplicated by event id. */
  async decisionOf(command: SeatCommand, count = 1, timeoutMs = 30_000): Promise<SeatEvent[]> {
    await waitFor(() => uniqueById(this.answersTo(command)).length >= count, {
      timeoutMs,
      what: `${count} event(s) answering ${command.type} ${command.commandId}`,
    });
    return uniqueById(this.answersTo(command));
  }

  async startWorker(
    overrides: Record<string, string> = {},
    deps: Omit<WorkerDeps, 'logger'> = {},
  ): Promise<WorkerHandle> {
    const name = `worker-${randomUUID().slice(0, 6)}`;
    const env = this.deployment.memberEnv('worker', name, overrides);
    const worker = await startWorker(loadWorkerConfig(env), {
      ...deps,
      logger: this.logger,
    });
    this.#workers.add(worker);
    return worker;
  }

  async stopWorker(worker: WorkerHandle): Promise<void> {
    this.#workers.delete(worker);
    await worker.stop();
  }

  /** A worker as its own process (`holdfast worker`), for SIGKILL and SIGSTOP tests. */
  spawnWorker(overrides: Record<string, string> = {}): ChildProcess {
    const member = this.deployment.spawn('worker', `worker-process-${++this.#spawned}`, {
      port: 0,
      env: overrides,
    });
    return member.child;
  }

  async close(): Promise<void> {
    // Processes are killed, not drained: nothing of theirs is asserted after the test.
    await this.deployment.stop(0);
    await Promise.allSettled([...this.#workers].map((w) => w.stop()));
    await Promise.allSettled(this.#consumers.map((c) => c.disconnect()));
    await this.#producer.disconnect();
    const keys = await this.redis.keys(`*${this.redisPrefix}*`);
    if (keys.length > 0) await this.redis.del(...keys);
    await this.redis.quit();
    const admin = this.kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: Object.values(this.topics) }).catch(() => undefined);
    await admin.disconnect();
  }
}

export function uniqueById(events: SeatEvent[]): SeatEvent[] {
  const seen = new Map<string, SeatEvent>();
  for (const event of events) if (!seen.has(event.eventId)) seen.set(event.eventId, event);
  return [...seen.values()];
}
