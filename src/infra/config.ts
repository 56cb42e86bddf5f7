/**
 * The environment variables of the infrastructure commands, validated once in a
 * composition root and passed in (nothing under `infra/` reads `process.env`).
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { brokersVar, type Env, parseEnv, redisUrlVar } from '../config/env.ts';
import {
  type KafkaSecurity,
  kafkaSecurityConfig,
  kafkaSecurityShape,
  type RedisTls,
  redisSecurityShape,
  redisTlsConfig,
} from '../config/security.ts';

export const infraEnvShape = {
  /** A running Kafka to use instead of provisioning one. */
  KAFKA_BROKERS: brokersVar.optional(),
  /** A running Redis to use instead of provisioning one. */
  REDIS_URL: redisUrlVar.optional(),
  /** How to log in to that Kafka and reach that Redis (unused for local services). */
  ...kafkaSecurityShape,
  ...redisSecurityShape,
  /** Where `infra up` keeps its state and data dirs. @defaultValue `<cache>/infra` */
  HOLDFAST_INFRA_DIR: z.string().min(1).optional(),
  /** Holdfast's cache (the Kafka jars). @defaultValue `$XDG_CACHE_HOME/holdfast` or `~/.cache/holdfast` */
  HOLDFAST_CACHE_DIR: z.string().min(1).optional(),
} as const;

export interface InfraConfig {
  readonly kafkaBrokers: readonly string[] | undefined;
  readonly redisUrl: string | undefined;
  readonly kafkaSecurity: KafkaSecurity;
  readonly redisTls: RedisTls | undefined;
  readonly infraDir: string;
  readonly cacheDir: string;
  /** `PATH`, where java, mvn and redis-server are looked up. */
  readonly pathVar: string | undefined;
}

export function infraConfig(env: Env): InfraConfig {
  const parsed = parseEnv(infraEnvShape, env);
  const cacheDir = resolve(
    parsed.HOLDFAST_CACHE_DIR ?? join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'holdfast'),
  );
  return Object.freeze({
    kafkaBrokers: parsed.KAFKA_BROKERS,
    redisUrl: parsed.REDIS_URL,
    kafkaSecurity: kafkaSecurityConfig(parsed),
    redisTls: redisTlsConfig(parsed.REDIS_URL, parsed),
    infraDir: resolve(parsed.HOLDFAST_INFRA_DIR ?? join(cacheDir, 'infra')),
    cacheDir,
    pathVar: env.PATH,
  });
}
