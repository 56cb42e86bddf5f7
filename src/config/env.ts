/**
 * Configuration from the environment: read once, in a composition root, from an injected
 * object (never `process.env` elsewhere), validated, defaulted and frozen. Variables carry
 * the `HOLDFAST_` prefix except the conventional `PORT`, `KAFKA_BROKERS` and `REDIS_URL`.
 */
import { z } from 'zod';
import { ERROR_CODES, HoldfastError } from '../contract/errors.ts';
import {
  type KafkaSecurity,
  kafkaSecurityConfig,
  kafkaSecurityShape,
  type RedisTls,
  redactRedisUrl,
  redisSecurityShape,
  redisTlsConfig,
} from './security.ts';

export type Env = Readonly<Record<string, string | undefined>>;

/** An integer read from a string variable, with bounds. */
export function intVar(min: number, max: number) {
  return z
    .string()
    .trim()
    .regex(/^-?\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
}

export const brokersVar = z
  .string()
  .trim()
  .min(1)
  .transform((value) => value.split(',').map((b) => b.trim()))
  .pipe(z.array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'must be host:port')).min(1));

/** `redis://` or, over TLS, `rediss://`; credentials as `user:password@` (ACL) or `:password@`. */
export const redisUrlVar = z
  .string()
  .trim()
  .regex(/^rediss?:\/\//, 'must start with redis:// (or rediss:// for TLS)')
  .refine((value) => URL.canParse(value) && new URL(value).hostname !== '', {
    message: 'must be redis[s]://[user:password@]host:port',
  });

export const logLevelVar = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
export type LogLevel = z.output<typeof logLevelVar>;

/**
 * How a kafkajs client waits and retries. A request that fails is retried with exponential
 * backoff from the initial wait up to the longest; the login at start has its own, longer
 * budget because a broker that is still starting refuses it for a while.
 */
export const kafkaClientShape = {
  /** How long opening a connection to a broker may take. */
  HOLDFAST_KAFKA_CONNECTION_TIMEOUT_MS: intVar(100, 120_000).default(3000),
  /** How long one request may wait for its answer. */
  HOLDFAST_KAFKA_REQUEST_TIMEOUT_MS: intVar(1000, 600_000).default(30_000),
  HOLDFAST_KAFKA_RETRIES: intVar(0, 100).default(8),
  HOLDFAST_KAFKA_RETRY_INITIAL_MS: intVar(1, 60_000).default(100),
  HOLDFAST_KAFKA_RETRY_MAX_MS: intVar(1, 600_000).default(3000),
  /** Retries of the first login and cluster description at start. */
  HOLDFAST_KAFKA_LOGIN_RETRIES: intVar(0, 100).default(5),
  HOLDFAST_KAFKA_LOGIN_RETRY_INITIAL_MS: intVar(1, 60_000).default(300),
} as const;

/** Shared by every process that talks to Kafka. */
export const kafkaShape = {
  ...kafkaClientShape,
  KAFKA_BROKERS: brokersVar,
  /** Prefix of every topic and consumer-group name: isolates deployments and tests. */
  HOLDFAST_KAFKA_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]{0,100}$/)
    .default(''),
  /** Partitions of `seat-commands` / `seat-events`: the scaling ceiling, fixed at creation. */
  HOLDFAST_PARTITIONS: intVar(1, 1024).default(12),
  HOLDFAST_LOG_LEVEL: logLevelVar.default('info'),
  ...kafkaSecurityShape,
} as const;

/** Shared by every process that talks to Kafka and Redis. */
export const connectionShape = {
  ...kafkaShape,
  REDIS_URL: redisUrlVar,
  ...redisSecurityShape,
  /** Prefix of every Redis key. */
  HOLDFAST_REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,100}$/)
    .default('holdfast'),
} as const;

/**
 * How a consumer-group member (worker, gateway) fetches and commits. A fetch is answered
 * once `FETCH_MIN_BYTES` are there or after `FETCH_MAX_WAIT_MS`, whichever comes first: a
 * small minimum with a short wait spares the broker a fetch per record under a trickle and
 * adds at most the wait to a lone record. Commits only feed lag metrics (every partition
 * starts from its own stored offset), so they go on a timer, not after every batch.
 */
/**
 * What every long-running member (worker, gateway) reads besides its own settings: how long
 * its consumer-group session lasts, and its private admin port (`/metrics`, `/healthz`,
 * `/readyz`).
 */
export const memberShape = {
  /** A crashed member's partitions wait this long before another member takes them. */
  HOLDFAST_SESSION_TIMEOUT_MS: intVar(3000, 300_000).default(10_000),
  /** The private admin port; 0 picks a free one. */
  HOLDFAST_METRICS_PORT: intVar(0, 65_535).default(9464),
  /** Address the admin port listens on: loopback unless a deployment's probes come from outside. */
  HOLDFAST_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
} as const;

export const consumerShape = {
  HOLDFAST_COMMIT_INTERVAL_MS: intVar(100, 600_000).default(5000),
  HOLDFAST_FETCH_MIN_BYTES: intVar(1, 1_048_576).default(1024),
  HOLDFAST_FETCH_MAX_WAIT_MS: intVar(1, 5000).default(20),
  HOLDFAST_HEARTBEAT_INTERVAL_MS: intVar(100, 60_000).default(1000),
  HOLDFAST_REBALANCE_TIMEOUT_MS: intVar(1000, 600_000).default(10_000),
  HOLDFAST_CONSUMER_RETRIES: intVar(0, 100).default(8),
  HOLDFAST_CONSUMER_RETRY_INITIAL_MS: intVar(1, 60_000).default(100),
  HOLDFAST_CONSUMER_RETRY_MAX_MS: intVar(1, 600_000).default(3000),
} as const;

/** A retry budget: `retries` more tries, waits doubling from `initialMs` up to `maxMs`. */
export interface RetrySettings {
  readonly retries: number;
  readonly initialMs: number;
  readonly maxMs: number;
}

/** How a kafkajs client waits and retries, in camelCase (`kafkaClientShape`). */
export interface KafkaClientSettings {
  /** @defaultValue 3000 */
  readonly connectionTimeoutMs: number;
  /** @defaultValue 30000 */
  readonly requestTimeoutMs: number;
  /** Every request's retries. @defaultValue 8 retries, 100 ms doubling up to 3000 ms */
  readonly retry: RetrySettings;
  /** The login at start. @defaultValue 5 retries, 300 ms doubling up to the same longest wait */
  readonly loginRetry: RetrySettings;
}

export function kafkaClientSettings(
  parsed: z.output<z.ZodObject<typeof kafkaClientShape>>,
): KafkaClientSettings {
  return Object.freeze({
    connectionTimeoutMs: parsed.HOLDFAST_KAFKA_CONNECTION_TIMEOUT_MS,
    requestTimeoutMs: parsed.HOLDFAST_KAFKA_REQUEST_TIMEOUT_MS,
    retry: Object.freeze({
      retries: parsed.HOLDFAST_KAFKA_RETRIES,
      initialMs: parsed.HOLDFAST_KAFKA_RETRY_INITIAL_MS,
      maxMs: parsed.HOLDFAST_KAFKA_RETRY_MAX_MS,
    }),
    loginRetry: Object.freeze({
      retries: parsed.HOLDFAST_KAFKA_LOGIN_RETRIES,
      initialMs: parsed.HOLDFAST_KAFKA_LOGIN_RETRY_INITIAL_MS,
      maxMs: parsed.HOLDFAST_KAFKA_RETRY_MAX_MS,
    }),
  });
}

/** The client settings of an unset environment: for tools that build a client without one. */
export const DEFAULT_KAFKA_CLIENT_SETTINGS: KafkaClientSettings = kafkaClientSettings(
  z.object(kafkaClientShape).parse({}),
);

/** Where a Kafka process finds Kafka and names its topics, in camelCase. */
export interface KafkaConnectionConfig {
  /** `host:port` of each Kafka broker. Required (`KAFKA_BROKERS`). */
  readonly kafkaBrokers: readonly string[];
  /** SASL and TLS towards Kafka. @defaultValue `{}` (PLAINTEXT) */
  readonly kafkaSecurity: KafkaSecurity;
  /** Timeouts and retries of the kafkajs client. */
  readonly kafkaClient: KafkaClientSettings;
  /** Prefix of every topic and consumer-group name. @defaultValue `''` */
  readonly kafkaPrefix: string;
  /** Partitions of `seat-commands` / `seat-events` when this process creates them. @defaultValue 12 */
  readonly partitions: number;
  /** @defaultValue `'info'` */
  readonly logLevel: LogLevel;
}

export function kafkaConnectionConfig(
  parsed: z.output<z.ZodObject<typeof kafkaShape>>,
): KafkaConnectionConfig {
  return {
    kafkaBrokers: Object.freeze([...parsed.KAFKA_BROKERS]),
    kafkaSecurity: kafkaSecurityConfig(parsed),
    kafkaClient: kafkaClientSettings(parsed),
    kafkaPrefix: parsed.HOLDFAST_KAFKA_PREFIX,
    partitions: parsed.HOLDFAST_PARTITIONS,
    logLevel: parsed.HOLDFAST_LOG_LEVEL,
  };
}

/** Where a Kafka + Redis process finds its infrastructure, in camelCase. */
export interface ConnectionConfig extends KafkaConnectionConfig {
  /** `redis[s]://[user:password@]host:port` of Redis. Required (`REDIS_URL`); holds a secret. */
  readonly redisUrl: string;
  /** TLS options beyond `rediss://` (a CA). @defaultValue undefined */
  readonly redisTls: RedisTls | undefined;
  /** Prefix of every Redis key. @defaultValue `'holdfast'` */
  readonly redisPrefix: string;
}

export function connectionConfig(
  parsed: z.output<z.ZodObject<typeof connectionShape>>,
): ConnectionConfig {
  return {
    ...kafkaConnectionConfig(parsed),
    redisUrl: parsed.REDIS_URL,
    redisTls: redisTlsConfig(parsed.REDIS_URL, parsed),
    redisPrefix: parsed.HOLDFAST_REDIS_PREFIX,
  };
}

/** The consumer settings of a consumer-group member (worker, gateway), in camelCase. */
export interface ConsumerConfig {
  /** How often consumed positions are committed (they feed lag metrics only). @defaultValue 5000 */
  readonly commitIntervalMs: number;
  /** A fetch is answered once this many bytes are there… @defaultValue 1024 */
  readonly fetchMinBytes: number;
  /** …or after this wait, whichever comes first. @defaultValue 20 */
  readonly fetchMaxWaitMs: number;
  /** How the member keeps its place in the group and retries a failed consumer. */
  readonly consumerGroup: {
    /** How often the member tells the coordinator it is alive. @defaultValue 1000 */
    readonly heartbeatIntervalMs: number;
    /** How long a rebalance waits for members to rejoin (at least the session timeout). @defaultValue 10000 */
    readonly rebalanceTimeoutMs: number;
    /** Retries of a failed consumer operation before kafkajs crashes it. @defaultValue 8 */
    readonly retries: number;
    /** The first retry's wait; later ones back off. @defaultValue 100 */
    readonly retryInitialMs: number;
    /** The longest wait between two retries. @defaultValue 3000 */
    readonly retryMaxMs: number;
  };
}

export function consumerConfig(
  parsed: z.output<z.ZodObject<typeof consumerShape>>,
): ConsumerConfig {
  return {
    commitIntervalMs: parsed.HOLDFAST_COMMIT_INTERVAL_MS,
    fetchMinBytes: parsed.HOLDFAST_FETCH_MIN_BYTES,
    fetchMaxWaitMs: parsed.HOLDFAST_FETCH_MAX_WAIT_MS,
    consumerGroup: Object.freeze({
      heartbeatIntervalMs: parsed.HOLDFAST_HEARTBEAT_INTERVAL_MS,
      rebalanceTimeoutMs: parsed.HOLDFAST_REBALANCE_TIMEOUT_MS,
      retries: parsed.HOLDFAST_CONSUMER_RETRIES,
      retryInitialMs: parsed.HOLDFAST_CONSUMER_RETRY_INITIAL_MS,
      retryMaxMs: parsed.HOLDFAST_CONSUMER_RETRY_MAX_MS,
    }),
  };
}

/**
 * Parses `env` against a shape of variables. Every problem is reported at once, each with
 * the variable's name, so an operator fixes them in one go.
 */
export function parseEnv<S extends z.ZodRawShape>(
  shape: S,
  env: Env,
): Readonly<z.output<z.ZodObject<S>>> {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const result = z.object(shape).safeParse(picked);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const name = issue.path.join('.');
      const given = picked[name];
      const shown = /SECRET|PASSWORD|TOKEN|PRIVATE/.test(name)
        ? '(hidden)'
        : JSON.stringify(name === 'REDIS_URL' && given ? redactRedisUrl(given) : given);
      return `${name}: ${issue.message}${given === undefined ? ' (not set)' : ` (got ${shown})`}`;
    });
    throw new HoldfastError(
      ERROR_CODES.CONFIG_INVALID,
      `Invalid configuration:\n  ${problems.join('\n  ')}`,
      { context: { variables: result.error.issues.map((i) => i.path.join('.')) } },
    );
  }
  return Object.freeze(result.data);
}
