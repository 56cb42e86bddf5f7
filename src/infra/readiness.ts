/**
 * When a service counts as up. Kafka: an admin client creates a throw-away topic and sees
 * its leader (an open port is not enough). Redis: `PING` answers. Waits are bounded and
 * fail with the tail of the service's log.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { DEFAULT_KAFKA_CLIENT_SETTINGS, type KafkaClientSettings } from '../config/env.ts';
import type { KafkaSecurity, RedisTls } from '../config/security.ts';
import { ERROR_CODES, HoldfastError } from '../contract/errors.ts';
import { createKafka } from '../kafka/client.ts';
import { tailOfFile } from './log-tail.ts';

const RETRY_PAUSE_MS = 250;

/** One attempt of the readiness poll: a few quick retries, the poll's deadline bounds the rest. */
const ONE_ATTEMPT: KafkaClientSettings = {
  ...DEFAULT_KAFKA_CLIENT_SETTINGS,
  retry: { retries: 2, initialMs: 100, maxMs: 500 },
};

/** One attempt: true when the broker can create a topic with a leader right now. */
export async function kafkaAnswers(
  brokers: readonly string[],
  security?: KafkaSecurity,
): Promise<boolean> {
  const kafka = createKafka({
    brokers,
    security,
    clientId: 'holdfast-readiness',
    logger: pino({ level: 'silent' }),
    settings: ONE_ATTEMPT,
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const topic = `holdfast-readiness-${randomUUID()}`;
    await admin.createTopics({
      topics: [{ topic, numPartitions: 1, replicationFactor: 1 }],
      waitForLeaders: true,
      timeout: 5000,
    });
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    const hasLeader = metadata.topics[0]?.partitions.every((p) => p.leader >= 0) ?? false;
    await admin.deleteTopics({ topics: [topic] });
    return hasLeader;
  } catch {
    return false;
  } finally {
    await admin.disconnect();
  }
}

/** One attempt: true when Redis answers PING. */
export async function redisAnswers(url: string, tls?: RedisTls): Promise<boolean> {
  const redis = new Redis(url, {
    ...(tls?.ca !== undefined && { tls: { ca: tls.ca } }),
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // A refused connection is an answer ("not yet"), not a crash.
  redis.on('error', () => {});
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

export interface ReadinessWait {
  /** What is awaited, for messages: "Kafka at 127.0.0.1:9092". */
  what: string;
  check: () => Promise<boolean>;
  timeoutMs: number;
  /** Ends the wait early when the process we started has died. */
  isProcessAlive?: () => Promise<boolean>;
  /** Their tails are quoted in the error when the wait fails. */
  logFiles?: readonly string[];
  onProgress?: (message: string) => void;
}

export async function waitUntilReady(wait: ReadinessWait): Promise<void> {
  const deadline = Date.now() + wait.timeoutMs;
  wait.onProgress?.(`waiting for ${wait.what}…`);
  for (;;) {
    if (await wait.check()) return;
    const died = wait.isProcessAlive !== undefined && !(await wait.isProcessAlive());
    if (died || Date.now() >= deadline) {
      const reason = died
        ? 'exited before it was ready'
        : `was not ready within ${wait.timeoutMs} ms`;
      let tails = '';
      for (const file of wait.logFiles ?? []) {
        tails += `\n--- end of ${file} ---\n${await tailOfFile(file)}`;
      }
      throw new HoldfastError(ERROR_CODES.INFRA_NOT_READY, `${wait.what} ${reason}${tails}`, {
        retriable: !died,
        context: { what: wait.what, logFiles: wait.logFiles },
      });
    }
    await sleep(RETRY_PAUSE_MS);
  }
}
