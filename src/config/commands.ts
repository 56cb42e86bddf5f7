/**
 * The variables each `holdfast` command reads, by command: what the README's
 * "Configuration" table and every command's `--help` are checked against; and the frozen
 * camelCase configuration of the short-lived commands (`shows`, `seat`, `dev`; the worker's
 * and the gateway's are in their own files).
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ID_PATTERN } from '../contract/ids.ts';
import { infraEnvShape } from '../infra/config.ts';
import {
  claimsShape,
  jwtSecretVar,
  secretKey,
  signerShape,
  type TokenPolicy,
  tokenPolicy,
} from './auth.ts';
import {
  connectionShape,
  type Env,
  intVar,
  type KafkaConnectionConfig,
  kafkaConnectionConfig,
  kafkaShape,
  type LogLevel,
  logLevelVar,
  parseEnv,
  redisUrlVar,
} from './env.ts';
import { gatewayShape } from './gateway.ts';
import { type RedisTls, redisSecurityShape, redisTlsConfig } from './security.ts';
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

/** What `holdfast shows` runs with. */
export interface ShowsConfig extends KafkaConnectionConfig {
  /** Hold TTL of a show created without `--hold-ttl-ms`. @defaultValue 600000 */
  readonly defaultHoldTtlMs: number;
  /** Most seats a new show may have. @defaultValue 100000 */
  readonly maxShowSeats: number;
  /** Where seat counts are read from; undefined without `REDIS_URL` (no counts). */
  readonly readModel: ReadModelAddress | undefined;
}

export interface ReadModelAddress {
  readonly redisUrl: string;
  readonly redisTls: RedisTls | undefined;
  readonly redisPrefix: string;
}

export function loadShowsConfig(env: Env): ShowsConfig {
  const parsed = parseEnv(showsShape, env);
  const stats = env.REDIS_URL ? parseEnv(showStatsShape, env) : undefined;
  return Object.freeze({
    ...kafkaConnectionConfig(parsed),
    defaultHoldTtlMs: parsed.HOLDFAST_HOLD_TTL_MS,
    maxShowSeats: parsed.HOLDFAST_MAX_SHOW_SEATS,
    readModel:
      stats &&
      Object.freeze({
        redisUrl: stats.REDIS_URL,
        redisTls: redisTlsConfig(stats.REDIS_URL, stats),
        redisPrefix: stats.HOLDFAST_REDIS_PREFIX,
      }),
  });
}

/** What `holdfast seat` runs with: Kafka only. */
export function loadSeatConfig(env: Env): KafkaConnectionConfig {
  return Object.freeze(kafkaConnectionConfig(parseEnv(kafkaShape, env)));
}

/** What `holdfast dev` runs with (its infrastructure: `infraConfig`). */
export interface DevConfig {
  /** @defaultValue 3000; the second gateway takes the next port */
  readonly gatewayPort: number;
  /** @defaultValue 9464; workers take it and the next, gateways the two after */
  readonly metricsPort: number;
  /** The secret the gateways verify with and the printed tokens are signed with. @defaultValue random per run */
  readonly jwtSecret: string;
  readonly tokens: TokenPolicy;
  /** @defaultValue 12 */
  readonly partitions: number;
  /** @defaultValue `demo`, holds of 120000 ms */
  readonly demoShow: { readonly showId: string; readonly holdTtlMs: number };
  /** @defaultValue `'info'` */
  readonly logLevel: LogLevel;
}

export function loadDevConfig(env: Env): DevConfig {
  const parsed = parseEnv(devShape, env);
  const jwtSecret = parsed.HOLDFAST_JWT_SECRET ?? randomBytes(32).toString('base64url');
  return Object.freeze({
    gatewayPort: parsed.PORT,
    metricsPort: parsed.HOLDFAST_METRICS_PORT,
    jwtSecret,
    tokens: tokenPolicy(secretKey(jwtSecret), parsed),
    partitions: parsed.HOLDFAST_PARTITIONS,
    demoShow: Object.freeze({
      showId: parsed.HOLDFAST_DEMO_SHOW,
      holdTtlMs: parsed.HOLDFAST_HOLD_TTL_MS,
    }),
    logLevel: parsed.HOLDFAST_LOG_LEVEL,
  });
}

/** Every variable each command reads, whatever shape it reads it with. */
export const commandShapes: Readonly<Record<string, z.ZodRawShape>> = {
  worker: workerShape,
  gateway: gatewayShape,
  shows: { ...showsShape, ...showStatsShape },
  seat: kafkaShape,
  seats: kafkaShape,
  token: signerShape,
  dev: { ...infraEnvShape, ...devShape },
  infra: infraEnvShape,
};
