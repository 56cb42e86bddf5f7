/**
 * A throw-away stack for one run (tests, benchmarks, chaos): Kafka and Redis from the
 * environment when it names them, else started on free ports with their own temporary data
 * dirs, and stopped (data deleted) by `stop()`. Never touches a stack `infra up` runs.
 */
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Env } from '../config/env.ts';
import { infraConfig } from './config.ts';
import { dockerEngineAnswers } from './docker.ts';
import { startOrphanReaper } from './orphan-reaper.ts';
import { type ProvisionedStack, provisionStack } from './provision.ts';
import { planInfrastructure } from './resolve.ts';

export interface EphemeralStack {
  readonly kafkaBrokers: string[];
  readonly redisUrl: string;
  /** The provisioned services, for fault injection (kill, restart) where they are local. */
  readonly services: ProvisionedStack;
  stop(): Promise<void>;
}

export async function startEphemeralStack(
  env: Env,
  onProgress: (message: string) => void,
): Promise<EphemeralStack> {
  const config = infraConfig(env);
  const plan = await planInfrastructure({
    kafkaBrokers: config.kafkaBrokers,
    redisUrl: config.redisUrl,
    kafkaSecurity: config.kafkaSecurity,
    redisTls: config.redisTls,
    dockerEngineAnswers,
  });
  // The real path: the reaper recognises our processes by their working directory.
  const dataRoot = await realpath(await mkdtemp(join(tmpdir(), 'holdfast-ephemeral-')));
  // If this process dies before `stop()`, the services must not outlive it.
  const reaper = startOrphanReaper({ ownerPid: process.pid, root: dataRoot });
  try {
    const services = await provisionStack(plan, {
      cacheDir: config.cacheDir,
      pathVar: config.pathVar,
      kafkaDataDir: join(dataRoot, 'kafka'),
      redisDataDir: join(dataRoot, 'redis'),
      // Fault tests restart Redis to lose its data.
      persistRedis: false,
      onProgress,
    });
    return {
      kafkaBrokers: services.kafka.state.address.split(','),
      redisUrl: services.redis.state.address,
      services,
      stop: async () => {
        await services.stop();
        reaper.stop();
        await rm(dataRoot, { recursive: true, force: true });
      },
    };
  } catch (error) {
    reaper.stop();
    await rm(dataRoot, { recursive: true, force: true });
    throw error;
  }
}
