/**
 * The variables each `holdfast` command reads, by command: what the README's
 * "Configuration" table and every command's `--help` are checked against.
 */
import { z } from 'zod';
import { ID_PATTERN } from '../contract/ids.ts';
import { infraEnvShape } from '../infra/config.ts';
import { claimsShape, jwtSecretVar, signerShape } from './auth.ts';
import { connectionShape, intVar, kafkaShape, logLevelVar, redisUrlVar } from './env.ts';
import { gatewayShape } from './gateway.ts';
import { redisSecurityShape } from './security.ts';
import { workerShape } from './worker.ts';

/** `holdfast shows`: the catalog on Kafka. */
export const showsShape = {
  ...kafkaShape,
  /** Hold TTL of shows created without `--hold-ttl-ms`. */
  HOLDFAST_HOLD_TTL_MS: intVar(1000, 86_400_000).default(600_000),
  /**
   * Most seats a new show may have. Checked at `shows create` only, never when a show is
   * read: shows created under a higher bound still load.
   */
  HOLDFAST_MAX_SHOW_SEATS: intVar(1, 702 * 9999).default(100_000),
} as const;

/** `holdfast shows`, when `REDIS_URL` is set: seat counts from the read model. */
export const showStatsShape = {
  ...kafkaShape,
  REDIS_URL: redisUrlVar,
  ...redisSecurityShape,
  HOLDFAST_REDIS_PREFIX: connectionShape.HOLDFAST_REDIS_PREFIX,
} as const;

/** `holdfast dev` (its infrastructure is read with `infraEnvShape`). */
export const devShape = {
  /** Port of the first gateway; the second takes the next one. */
  PORT: intVar(1, 65_534).default(3000),
  /** First metrics (admin) port: workers take it and the next one, gateways the two after. */
  HOLDFAST_METRICS_PORT: intVar(1, 65_532).default(9464),
  HOLDFAST_JWT_SECRET: jwtSecretVar.optional(),
  ...claimsShape,
  HOLDFAST_PARTITIONS: intVar(1, 1024).default(12),
  /** Hold TTL of the demo show. */
  HOLDFAST_HOLD_TTL_MS: intVar(1000, 86_400_000).default(120_000),
  HOLDFAST_DEMO_SHOW: z.string().regex(ID_PATTERN).default('demo'),
  HOLDFAST_LOG_LEVEL: logLevelVar.default('info'),
} as const;

/** Every variable each command reads, whatever shape it reads it with. */
export const commandShapes: Readonly<Record<string, z.ZodRawShape>> = {
  worker: workerShape,
  gateway: gatewayShape,
  shows: { ...showsShape, ...showStatsShape },
  seat: kafkaShape,
  token: signerShape,
  dev: { ...infraEnvShape, ...devShape },
  infra: infraEnvShape,
};
