/**
 * Vitest global setup: the suite's own real Kafka and Redis, provisioned through the same
 * code as `holdfast infra up` but on free ports with throw-away data dirs, so `npm test`
 * never disturbs a running stack. `KAFKA_BROKERS` / `REDIS_URL`, when set, are used instead.
 * Tests read the addresses with `inject('kafkaBrokers')` / `inject('redisUrl')` (see
 * `fixtures.ts`).
 */
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { infraConfig } from '../../src/infra/config.ts';
import { dockerEngineAnswers } from '../../src/infra/docker.ts';
import { startOrphanReaper } from '../../src/infra/orphan-reaper.ts';
import { provisionStack } from '../../src/infra/provision.ts';
import { planInfrastructure } from '../../src/infra/resolve.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `host:port` of the suite's Kafka brokers. */
    kafkaBrokers: string[];
    /** `redis://host:port` of the suite's Redis. */
    redisUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // A composition root: the one place the suite reads the environment.
  const config = infraConfig(process.env);
  const plan = await planInfrastructure({
    kafkaBrokers: config.kafkaBrokers,
    redisUrl: config.redisUrl,
    dockerEngineAnswers,
  });
  // The real path: the reaper recognises our processes by their working directory.
  const dataRoot = await realpath(await mkdtemp(join(tmpdir(), 'holdfast-test-infra-')));
  const onProgress = (message: string) => process.stderr.write(`[test infra] ${message}\n`);
  // If the runner is killed before its teardown runs, the services must not outlive it.
  const reaper = startOrphanReaper({ ownerPid: process.pid, root: dataRoot });
  try {
    const stack = await provisionStack(plan, {
      cacheDir: config.cacheDir,
      pathVar: config.pathVar,
      kafkaDataDir: join(dataRoot, 'kafka'),
      redisDataDir: join(dataRoot, 'redis'),
      onProgress,
    });
    project.provide('kafkaBrokers', stack.kafka.state.address.split(','));
    project.provide('redisUrl', stack.redis.state.address);
    onProgress(
      `Kafka ${stack.kafka.state.address} (${stack.kafka.state.provider}), Redis ${stack.redis.state.address} (${stack.redis.state.provider})`,
    );
    return async () => {
      await stack.stop();
      reaper.stop();
      await rm(dataRoot, { recursive: true, force: true });
    };
  } catch (error) {
    reaper.stop();
    await rm(dataRoot, { recursive: true, force: true });
    throw error;
  }
}
