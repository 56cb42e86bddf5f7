/**
 * Gateway configuration from the environment (read once by the composition root).
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  connectionShape,
  consumerShape,
  type Env,
  intVar,
  type LogLevel,
  parseEnv,
} from './env.ts';

/** Shortest accepted JWT secret: HS256 wants at least 256 bits of key. */
export const MIN_JWT_SECRET_LENGTH = 32;

export const jwtSecretVar = z
  .string({
    error: (issue) =>
      issue.input === undefined
        ? 'required: the HS256 secret that signs client tokens (the same on every gateway and token issuer; at least 32 characters)'
        : 'must be a string',
  })
  .min(
    MIN_JWT_SECRET_LENGTH,
    `must be at least ${MIN_JWT_SECRET_LENGTH} characters (HS256 signing secret shared by gateways and token issuers)`,
  );

const gatewayShape = {
  ...connectionShape,
  ...consumerShape,
  /** HTTP + Socket.IO port; 0 picks a free one (logged and printed). */
  PORT: intVar(0, 65535).default(8080),
  /** Interface to listen on. */
  HOLDFAST_HOST: z.string().min(1).default('127.0.0.1'),
  HOLDFAST_JWT_SECRET: jwtSecretVar,
  HOLDFAST_ACK_TIMEOUT_MS: intVar(100, 600_000).default(10_000),
  HOLDFAST_SESSION_TIMEOUT_MS: intVar(3000, 300_000).default(10_000),
  HOLDFAST_BATCH_FRAME_MS: intVar(1, 1000).default(15),
  HOLDFAST_GATEWAY_ID: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1–64 of [A-Za-z0-9_.-]')
    .optional(),
} as const;

export interface GatewayConfig {
  readonly port: number;
  readonly host: string;
  readonly jwtSecret: string;
  /** How long an ack waits for its decision before answering `TIMEOUT`. */
  readonly ackTimeoutMs: number;
  /** How long seat changes wait to share one `seats:changed` frame (sockets that opted in). */
  readonly batchFrameMs: number;
  /** Consumer-group session timeout: how long a dead gateway's partitions stay idle. */
  readonly sessionTimeoutMs: number;
  /** How often the `seat-events` consumer commits its positions (lag metrics only). */
  readonly commitIntervalMs: number;
  /** A `seat-events` fetch is answered at this many bytes or after `fetchMaxWaitMs`. */
  readonly fetchMinBytes: number;
  readonly fetchMaxWaitMs: number;
  /** This instance's id: the `replyTo` of its commands. */
  readonly gatewayId: string;
  readonly kafkaBrokers: readonly string[];
  readonly redisUrl: string;
  readonly kafkaPrefix: string;
  readonly redisPrefix: string;
  /** Partitions of seat-commands / seat-events when this process creates them. */
  readonly partitions: number;
  readonly logLevel: LogLevel;
  /** Per-socket limit. @defaultValue 20 per second, bursts of 40 */
  readonly rateLimit?: { perSecond: number; burst: number };
}

export function loadGatewayConfig(env: Env): GatewayConfig {
  const parsed = parseEnv(gatewayShape, env);
  return Object.freeze({
    port: parsed.PORT,
    host: parsed.HOLDFAST_HOST,
    jwtSecret: parsed.HOLDFAST_JWT_SECRET,
    ackTimeoutMs: parsed.HOLDFAST_ACK_TIMEOUT_MS,
    sessionTimeoutMs: parsed.HOLDFAST_SESSION_TIMEOUT_MS,
    batchFrameMs: parsed.HOLDFAST_BATCH_FRAME_MS,
    commitIntervalMs: parsed.HOLDFAST_COMMIT_INTERVAL_MS,
    fetchMinBytes: parsed.HOLDFAST_FETCH_MIN_BYTES,
    fetchMaxWaitMs: parsed.HOLDFAST_FETCH_MAX_WAIT_MS,
    gatewayId: parsed.HOLDFAST_GATEWAY_ID ?? `gw-${randomUUID().slice(0, 8)}`,
    kafkaBrokers: Object.freeze([...parsed.KAFKA_BROKERS]),
    redisUrl: parsed.REDIS_URL,
    kafkaPrefix: parsed.HOLDFAST_KAFKA_PREFIX,
    redisPrefix: parsed.HOLDFAST_REDIS_PREFIX,
    partitions: parsed.HOLDFAST_PARTITIONS,
    logLevel: parsed.HOLDFAST_LOG_LEVEL,
  });
}

/** Just the secret, for `holdfast token`. */
export function loadJwtSecret(env: Env): string {
  return parseEnv({ HOLDFAST_JWT_SECRET: jwtSecretVar }, env).HOLDFAST_JWT_SECRET;
}
