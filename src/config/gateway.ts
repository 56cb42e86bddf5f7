/**
 * Gateway configuration from the environment (read once by the composition root).
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { type TokenPolicy, verifierPolicy, verifierShape } from './auth.ts';
import {
  type ConnectionConfig,
  type ConsumerConfig,
  connectionConfig,
  connectionShape,
  consumerConfig,
  consumerShape,
  type Env,
  intVar,
  parseEnv,
} from './env.ts';

export const gatewayShape = {
  ...connectionShape,
  ...consumerShape,
  /** HTTP + Socket.IO port; 0 picks a free one (logged and printed). */
  PORT: intVar(0, 65535).default(8080),
  /** Interface to listen on. */
  HOLDFAST_HOST: z.string().min(1).default('127.0.0.1'),
  ...verifierShape,
  HOLDFAST_ACK_TIMEOUT_MS: intVar(100, 600_000).default(10_000),
  HOLDFAST_SESSION_TIMEOUT_MS: intVar(3000, 300_000).default(10_000),
  HOLDFAST_BATCH_FRAME_MS: intVar(1, 1000).default(15),
  /** Per-socket token bucket: tokens added per second. */
  HOLDFAST_RATE_LIMIT_PER_SECOND: intVar(1, 100_000).default(20),
  /** Per-socket token bucket: the longest burst after a quiet spell. */
  HOLDFAST_RATE_LIMIT_BURST: intVar(1, 100_000).default(40),
  /** Shortest time between two `show:stats` publications of one show, cluster-wide. */
  HOLDFAST_STATS_PERIOD_MS: intVar(10, 600_000).default(300),
  /** How often shows with changed seats are tried for a `show:stats` publication. */
  HOLDFAST_STATS_TICK_MS: intVar(10, 60_000).default(100),
  /** How often assigned partitions are checked for a lost read model. */
  HOLDFAST_READ_MODEL_CHECK_MS: intVar(100, 600_000).default(1000),
  /** How long a stopping gateway waits for in-flight acks (unset: see `drainMs`). */
  HOLDFAST_DRAIN_MS: intVar(0, 600_000).optional(),
  HOLDFAST_GATEWAY_ID: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1–64 of [A-Za-z0-9_.-]')
    .optional(),
} as const;

export interface GatewayConfig extends ConnectionConfig, ConsumerConfig {
  readonly port: number;
  readonly host: string;
  /** How client tokens are verified: the key, the longest lifetime, issuer and audience. */
  readonly tokens: TokenPolicy;
  /** How long an ack waits for its decision before answering `TIMEOUT`. */
  readonly ackTimeoutMs: number;
  /** How long seat changes wait to share one `seats:changed` frame (sockets that opted in). */
  readonly batchFrameMs: number;
  /** Consumer-group session timeout: how long a dead gateway's partitions stay idle. */
  readonly sessionTimeoutMs: number;
  /** This instance's id: the `replyTo` of its commands. */
  readonly gatewayId: string;
  /** Per-socket token bucket. @defaultValue 20 per second, bursts of 40 */
  readonly rateLimit: { readonly perSecond: number; readonly burst: number };
  /** Shortest time between two `show:stats` publications of one show. @defaultValue 300 */
  readonly statsPeriodMs: number;
  /** How often changed shows are tried for a `show:stats` publication. @defaultValue 100 */
  readonly statsTickMs: number;
  /** How often assigned partitions are checked for a lost read model. @defaultValue 1000 */
  readonly readModelCheckMs: number;
  /** How long a stop waits for in-flight acks. @defaultValue the smaller of `ackTimeoutMs` and 5000 */
  readonly drainMs: number;
}

export function loadGatewayConfig(env: Env): GatewayConfig {
  const parsed = parseEnv(gatewayShape, env);
  return Object.freeze({
    port: parsed.PORT,
    host: parsed.HOLDFAST_HOST,
    tokens: verifierPolicy(parsed),
    ackTimeoutMs: parsed.HOLDFAST_ACK_TIMEOUT_MS,
    sessionTimeoutMs: parsed.HOLDFAST_SESSION_TIMEOUT_MS,
    batchFrameMs: parsed.HOLDFAST_BATCH_FRAME_MS,
    ...connectionConfig(parsed),
    ...consumerConfig(parsed),
    gatewayId: parsed.HOLDFAST_GATEWAY_ID ?? `gw-${randomUUID().slice(0, 8)}`,
    rateLimit: Object.freeze({
      perSecond: parsed.HOLDFAST_RATE_LIMIT_PER_SECOND,
      burst: parsed.HOLDFAST_RATE_LIMIT_BURST,
    }),
    statsPeriodMs: parsed.HOLDFAST_STATS_PERIOD_MS,
    statsTickMs: parsed.HOLDFAST_STATS_TICK_MS,
    readModelCheckMs: parsed.HOLDFAST_READ_MODEL_CHECK_MS,
    drainMs: parsed.HOLDFAST_DRAIN_MS ?? Math.min(parsed.HOLDFAST_ACK_TIMEOUT_MS, 5000),
  });
}
