/**
 * What every integration test needs, in one place: the suite's Kafka and Redis (from the
 * global setup), random names so tests never share a topic, group or key, and a scope that
 * closes everything a test opened.
 *
 * ```ts
 * let scope: TestScope;
 * beforeEach(async () => { scope = await openTestScope(); });
 * afterEach(() => scope.close());
 * it('…', async () => {
 *   const topics = await scope.createHoldfastTopics(3);
 *   const producer = await scope.producer();
 * });
 * ```
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Admin, Consumer, ConsumerConfig, Kafka, Producer, ProducerConfig } from 'kafkajs';
import { pino } from 'pino';
import { inject } from 'vitest';
import { ensureTopics } from '../../src/kafka/admin.ts';
import { createKafka } from '../../src/kafka/client.ts';
import { type TopicNames, type TopicSpec, topicNames, topicSpecs } from '../../src/kafka/topics.ts';
import type { Logger } from '../../src/observability/logger.ts';

/** Addresses of the suite's real services (see `global-setup.ts`). */
export function testAddresses(): { kafkaBrokers: string[]; redisUrl: string } {
  return { kafkaBrokers: inject('kafkaBrokers'), redisUrl: inject('redisUrl') };
}

/** 8 random hex characters. */
export function randomId(): string {
  return randomBytes(4).toString('hex');
}

export interface TestNames {
  /** `<label>-<random>-`: prefix of this test's topics and groups (`HOLDFAST_KAFKA_PREFIX`). */
  readonly kafkaPrefix: string;
  /** `<label>:<random>`: prefix of this test's Redis keys (`HOLDFAST_REDIS_PREFIX`). */
  readonly redisPrefix: string;
  /** The Holdfast topics under `kafkaPrefix` (not created: see `createHoldfastTopics`). */
  readonly topics: TopicNames;
  /** A fresh consumer-group name under `kafkaPrefix`, different on every call. */
  group(label?: string): string;
}

/** Random names for one test. `label` only makes a broker's topic list readable. */
export function testNames(label = 'test'): TestNames {
  const id = randomId();
  const kafkaPrefix = `${label}-${id}-`;
  return Object.freeze({
    kafkaPrefix,
    redisPrefix: `${label}:${id}`,
    topics: topicNames(kafkaPrefix),
    group: (groupLabel = 'group') => `${kafkaPrefix}${groupLabel}-${randomId()}`,
  });
}

/** Tests keep kafkajs quiet; pass your own logger to a scope to see its logs. */
export const silentLogger: Logger = pino({ level: 'silent' });

/** A kafkajs client for the suite's brokers, built the way production builds one. */
export function createTestKafka(clientId = `test-${randomId()}`, logger = silentLogger): Kafka {
  return createKafka({ brokers: testAddresses().kafkaBrokers, clientId, logger });
}

/** A connected ioredis client for the suite's Redis. Close it with `quit()`. */
export async function connectTestRedis(): Promise<Redis> {
  const redis = new Redis(testAddresses().redisUrl, { lazyConnect: true });
  await redis.connect();
  return redis;
}

/** A promise with its resolver outside: resolve it from a consumer handler, await it in the test. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => {};
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export interface TestScope {
  readonly names: TestNames;
  readonly kafka: Kafka;
  /** Connected; disconnected by `close()`. */
  readonly admin: Admin;
  /** A connected producer, disconnected by `close()`. */
  producer(config?: ProducerConfig): Promise<Producer>;
  /** A connected consumer (a fresh random group unless `groupId` is given), disconnected by `close()`. */
  consumer(config?: Partial<ConsumerConfig>): Promise<Consumer>;
  /** A connected Redis client, quit by `close()`; its keys under `names.redisPrefix` are deleted. */
  redis(): Promise<Redis>;
  /** Creates topics (with leaders), deleted by `close()`. */
  createTopics(specs: readonly TopicSpec[]): Promise<void>;
  /** Creates the four Holdfast topics under `names.kafkaPrefix`, deleted by `close()`. */
  createHoldfastTopics(partitions?: number): Promise<TopicNames>;
  /** Runs `cleanup` at `close()`, before what was opened earlier. */
  defer(cleanup: () => unknown): void;
  /** Closes everything, newest first; reports the first failure after trying all. */
  close(): Promise<void>;
}

export async function openTestScope(label = 'test', logger = silentLogger): Promise<TestScope> {
  const names = testNames(label);
  const kafka = createTestKafka(`${names.kafkaPrefix}client`, logger);
  const cleanups: Array<() => unknown> = [];
  const defer = (cleanup: () => unknown) => {
    cleanups.push(cleanup);
  };
  const admin = kafka.admin();
  await admin.connect();
  defer(() => admin.disconnect());
  const createdTopics: string[] = [];
  // Deleted after every client is gone, just before the admin disconnects.
  defer(async () => {
    if (createdTopics.length > 0) await admin.deleteTopics({ topics: createdTopics });
  });

  const createTopics = async (specs: readonly TopicSpec[]) => {
    await ensureTopics(kafka, specs);
    createdTopics.push(...specs.map((spec) => spec.topic));
  };

  return {
    names,
    kafka,
    admin,
    producer: async (config) => {
      const producer = kafka.producer({ allowAutoTopicCreation: false, ...config });
      await producer.connect();
      defer(() => producer.disconnect());
      return producer;
    },
    consumer: async (config) => {
      const consumer = kafka.consumer({
        groupId: names.group(),
        allowAutoTopicCreation: false,
        sessionTimeout: 10_000,
        heartbeatInterval: 1000,
        ...config,
      });
      await consumer.connect();
      defer(() => consumer.disconnect());
      return consumer;
    },
    redis: async () => {
      const redis = await connectTestRedis();
      defer(async () => {
        const keys = await redis.keys(`${names.redisPrefix}*`);
        if (keys.length > 0) await redis.del(...keys);
        await redis.quit();
      });
      return redis;
    },
    createTopics,
    createHoldfastTopics: async (partitions = 3) => {
      await createTopics(topicSpecs(names.topics, partitions));
      return names.topics;
    },
    defer,
    close: async () => {
      const failures: unknown[] = [];
      for (const cleanup of cleanups.reverse()) {
        try {
          await cleanup();
        } catch (error) {
          failures.push(error);
        }
      }
      if (failures.length > 0) throw failures[0];
    },
  };
}
