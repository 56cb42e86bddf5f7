/**
 * Vitest global setup of the integration project: the suite's own real Kafka and Redis,
 * provisioned through the same code as `holdfast infra up` but on free ports with throw-away
 * data dirs (see `startEphemeralStack`), so `npm test` never disturbs a running stack.
 * `KAFKA_BROKERS` / `REDIS_URL`, when set, are used instead. Tests read the addresses with
 * `inject('kafkaBrokers')` / `inject('redisUrl')` (see `fixtures.ts`).
 */
import type { TestProject } from 'vitest/node';
import { startEphemeralStack } from '../../src/infra/ephemeral.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `host:port` of the suite's Kafka brokers. */
    kafkaBrokers: string[];
    /** `redis://host:port` of the suite's Redis. */
    redisUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const onProgress = (message: string) => process.stderr.write(`[test infra] ${message}\n`);
  // A composition root: the one place the suite reads the environment.
  const stack = await startEphemeralStack(process.env, onProgress);
  project.provide('kafkaBrokers', stack.kafkaBrokers);
  project.provide('redisUrl', stack.redisUrl);
  const { kafka, redis } = stack.services;
  onProgress(
    `Kafka ${kafka.state.address} (${kafka.state.provider}), Redis ${redis.state.address} (${redis.state.provider})`,
  );
  return () => stack.stop();
}
