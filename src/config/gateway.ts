/**
 * Gateway configuration from the environment (read once by the composition root).
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ERROR_CODES, HoldfastError } from '../contract/errors.ts';
import { type TokenPolicy, verifierPolicy, verifierShape } from './auth.ts';
import { type Cidr, cidrListVar, parseCidrList } from './cidr.ts';
import {
  type ConnectionConfig,
  type ConsumerConfig,
  connectionConfig,
  connectionShape,
  consumerConfig,
  consumerShape,
  type Env,
  intVar,
  memberShape,
  parseEnv,
  type RetrySettings,
} from './env.ts';

export const gatewayShape = {
  ...connectionShape,
  ...consumerShape,
  ...memberShape,
  /** HTTP + Socket.IO port; 0 picks a free one (logged and printed). */
  PORT: intVar(0, 65535).default(8080),
  /** Interface to listen on. */
  HOLDFAST_HOST: z.string().min(1).default('127.0.0.1'),
  ...verifierShape,
  HOLDFAST_ACK_TIMEOUT_MS: intVar(100, 600_000).default(10_000),
  /** Retries of a command's send to Kafka before the client hears UNAVAILABLE. */
  HOLDFAST_COMMAND_RETRIES: intVar(0, 100).default(3),
  /** The longest wait between two of those retries (the first waits HOLDFAST_KAFKA_RETRY_INITIAL_MS). */
  HOLDFAST_COMMAND_RETRY_MAX_MS: intVar(1, 600_000).default(1000),
  HOLDFAST_BATCH_FRAME_MS: intVar(1, 1000).default(15),
  /** Per-socket token bucket: tokens added per second. */
  HOLDFAST_RATE_LIMIT_PER_SECOND: intVar(1, 100_000).default(20),
  /** Per-socket token bucket: the longest burst after a quiet spell. */
  HOLDFAST_RATE_LIMIT_BURST: intVar(1, 100_000).default(40),
  /** Messages a second across all of one user's sockets (bursts of twice that). */
  HOLDFAST_USER_RATE_LIMIT_PER_SECOND: intVar(1, 1_000_000).default(60),
  /** Messages a second across all sockets from one client address (bursts of twice that). */
  HOLDFAST_IP_RATE_LIMIT_PER_SECOND: intVar(1, 1_000_000).default(200),
  /** `GET /shows/:showId/seats` a second per client address (bursts of twice that). */
  HOLDFAST_SEAT_MAP_RATE_LIMIT_PER_SECOND: intVar(1, 100_000).default(2),
  /** Sockets one user may have open on this gateway at once. */
  HOLDFAST_MAX_CONNECTIONS_PER_USER: intVar(1, 1_000_000).default(10),
  /** Sockets one client address may have open on this gateway at once. */
  HOLDFAST_MAX_CONNECTIONS_PER_IP: intVar(1, 1_000_000).default(200),
  /** Proxies whose `X-Forwarded-For` is believed (CIDR list; `none`). */
  HOLDFAST_TRUSTED_PROXIES: cidrListVar.default('none'),
  /** Client addresses exempt from the per-user and per-address limits (CIDR list; `none`). */
  HOLDFAST_LIMIT_EXEMPT_CIDRS: cidrListVar.default('127.0.0.0/8,::1'),
  /** Engine.IO transports: `websocket`, or `websocket,polling` to allow long-polling. */
  HOLDFAST_TRANSPORTS: z.enum(['websocket', 'websocket,polling']).default('websocket'),
  /** How long a new connection has to send its headers and complete the Socket.IO handshake. */
  HOLDFAST_HANDSHAKE_TIMEOUT_MS: intVar(100, 60_000).default(5000),
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
  /** A command's send to Kafka. @defaultValue 3 retries, 100 ms doubling up to 1000 ms */
  readonly commandRetry: RetrySettings;
  /** How long seat changes wait to share one `seats:changed` frame (sockets that opted in). */
  readonly batchFrameMs: number;
  /** Consumer-group session timeout: how long a dead gateway's partitions stay idle. */
  readonly sessionTimeoutMs: number;
  /** This instance's id: the `replyTo` of its commands. */
  readonly gatewayId: string;
  /** Per-socket token bucket. @defaultValue 20 per second, bursts of 40 */
  readonly rateLimit: Bucket;
  /** The limits above one socket's (`client-limits.ts`), kept per gateway process. */
  readonly clientLimits: {
    /** @defaultValue 60 per second, bursts of 120 */
    readonly userMessages: Bucket;
    /** @defaultValue 200 per second, bursts of 400 */
    readonly addressMessages: Bucket;
    /** @defaultValue 2 per second, bursts of 4 */
    readonly seatMapRequests: Bucket;
    /** @defaultValue 10 */
    readonly maxConnectionsPerUser: number;
    /** @defaultValue 200 */
    readonly maxConnectionsPerAddress: number;
    /** @defaultValue loopback (`127.0.0.0/8`, `::1`) */
    readonly exempt: readonly Cidr[];
  };
  /** Proxies whose `X-Forwarded-For` is believed. @defaultValue none */
  readonly trustedProxies: readonly Cidr[];
  /** @defaultValue `['websocket']` */
  readonly transports: readonly ('websocket' | 'polling')[];
  /** @defaultValue 5000 */
  readonly handshakeTimeoutMs: number;
  /** Port of the private `/metrics`, `/healthz`, `/readyz`; 0 picks a free one. @defaultValue 9464 */
  readonly metricsPort: number;
  /** @defaultValue `'127.0.0.1'` */
  readonly metricsHost: string;
  /** Shortest time between two `show:stats` publications of one show. @defaultValue 300 */
  readonly statsPeriodMs: number;
  /** How often changed shows are tried for a `show:stats` publication. @defaultValue 100 */
  readonly statsTickMs: number;
  /** How often assigned partitions are checked for a lost read model. @defaultValue 1000 */
  readonly readModelCheckMs: number;
  /** How long a stop waits for in-flight acks. @defaultValue the smaller of `ackTimeoutMs` and 5000 */
  readonly drainMs: number;
}

interface Bucket {
  readonly perSecond: number;
  readonly burst: number;
}

/** A bucket refilling `perSecond` that holds two seconds' worth. */
function twoSecondBucket(perSecond: number): Bucket {
  return Object.freeze({ perSecond, burst: 2 * perSecond });
}

export function loadGatewayConfig(env: Env): GatewayConfig {
  const parsed = parseEnv(gatewayShape, env);
  // The shared limits must sit above one socket's, or a socket within its own limit is refused.
  const perSocket = parsed.HOLDFAST_RATE_LIMIT_PER_SECOND;
  for (const name of [
    'HOLDFAST_USER_RATE_LIMIT_PER_SECOND',
    'HOLDFAST_IP_RATE_LIMIT_PER_SECOND',
  ] as const) {
    if (parsed[name] < perSocket) {
      throw new HoldfastError(
        ERROR_CODES.CONFIG_INVALID,
        `Invalid configuration:\n  ${name}: must be at least HOLDFAST_RATE_LIMIT_PER_SECOND (${perSocket}), or a socket within its own limit is refused (got ${parsed[name]})`,
        { context: { variables: [name, 'HOLDFAST_RATE_LIMIT_PER_SECOND'] } },
      );
    }
  }
  return Object.freeze({
    port: parsed.PORT,
    host: parsed.HOLDFAST_HOST,
    tokens: verifierPolicy(parsed),
    ackTimeoutMs: parsed.HOLDFAST_ACK_TIMEOUT_MS,
    commandRetry: Object.freeze({
      retries: parsed.HOLDFAST_COMMAND_RETRIES,
      initialMs: parsed.HOLDFAST_KAFKA_RETRY_INITIAL_MS,
      maxMs: parsed.HOLDFAST_COMMAND_RETRY_MAX_MS,
    }),
    sessionTimeoutMs: parsed.HOLDFAST_SESSION_TIMEOUT_MS,
    batchFrameMs: parsed.HOLDFAST_BATCH_FRAME_MS,
    ...connectionConfig(parsed),
    ...consumerConfig(parsed),
    gatewayId: parsed.HOLDFAST_GATEWAY_ID ?? `gw-${randomUUID().slice(0, 8)}`,
    rateLimit: Object.freeze({
      perSecond: parsed.HOLDFAST_RATE_LIMIT_PER_SECOND,
      burst: parsed.HOLDFAST_RATE_LIMIT_BURST,
    }),
    clientLimits: Object.freeze({
      userMessages: twoSecondBucket(parsed.HOLDFAST_USER_RATE_LIMIT_PER_SECOND),
      addressMessages: twoSecondBucket(parsed.HOLDFAST_IP_RATE_LIMIT_PER_SECOND),
      seatMapRequests: twoSecondBucket(parsed.HOLDFAST_SEAT_MAP_RATE_LIMIT_PER_SECOND),
      maxConnectionsPerUser: parsed.HOLDFAST_MAX_CONNECTIONS_PER_USER,
      maxConnectionsPerAddress: parsed.HOLDFAST_MAX_CONNECTIONS_PER_IP,
      exempt: parseCidrList(parsed.HOLDFAST_LIMIT_EXEMPT_CIDRS),
    }),
    trustedProxies: parseCidrList(parsed.HOLDFAST_TRUSTED_PROXIES),
    transports: Object.freeze(parsed.HOLDFAST_TRANSPORTS.split(',') as ('websocket' | 'polling')[]),
    handshakeTimeoutMs: parsed.HOLDFAST_HANDSHAKE_TIMEOUT_MS,
    metricsPort: parsed.HOLDFAST_METRICS_PORT,
    metricsHost: parsed.HOLDFAST_METRICS_HOST,
    statsPeriodMs: parsed.HOLDFAST_STATS_PERIOD_MS,
    statsTickMs: parsed.HOLDFAST_STATS_TICK_MS,
    readModelCheckMs: parsed.HOLDFAST_READ_MODEL_CHECK_MS,
    drainMs: parsed.HOLDFAST_DRAIN_MS ?? Math.min(parsed.HOLDFAST_ACK_TIMEOUT_MS, 5000),
  });
}
