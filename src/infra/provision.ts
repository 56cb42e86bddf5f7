/**
 * Turns a planned source into a running, answering service: shared by `infra up` (which
 * records the result) and the test suite's global setup (which stops it afterwards).
 */
import { redactRedisUrl } from '../config/security.ts';
import { ensureKafkaJars, hasKafkaJars } from './kafka-jars.ts';
import { type LocalKafka, startLocalKafka } from './kafka-local.ts';
import { kafkaAnswers, redisAnswers, waitUntilReady } from './readiness.ts';
import { type LocalRedis, startLocalRedis } from './redis-local.ts';
import type { InfraPlan, KafkaSource, RedisSource } from './resolve.ts';
import { type LocalTool, requireTools } from './tools.ts';

/** How one service was provided; `address` is what clients use. */
export type ServiceState =
  | { provider: 'env'; address: string }
  | { provider: 'local'; address: string; dataDir: string }
  | { provider: 'docker'; address: string; containerId: string };

export interface ProvisionedService {
  readonly state: ServiceState;
  /** Stops what was started; nothing for a service named by the environment. */
  stop(): Promise<void>;
}

export interface ProvisionedKafka extends ProvisionedService {
  /** The local broker's handle (kill, restart) for fault tests; absent unless provider is local. */
  readonly local?: LocalKafka;
}

export interface ProvisionedRedis extends ProvisionedService {
  /** The local Redis's handle (kill, restart empty) for fault tests; absent unless provider is local. */
  readonly local?: LocalRedis;
}

export interface ProvisionOptions {
  /** Root of the jar cache (see `ensureKafkaJars`). */
  cacheDir: string;
  /** `PATH`, to find java, mvn and redis-server. */
  pathVar: string | undefined;
  /** Data dir of a local service. */
  dataDir: string;
  /** Extra Maven arguments for a cold jar fetch. */
  mavenArgs?: readonly string[];
  /** Whether a local Redis keeps its data across restarts. @defaultValue true */
  persistRedis?: boolean;
  onProgress?: (message: string) => void;
}

/** A service named by the environment may still be starting: give it this long. */
const ENV_SERVICE_WAIT_MS = 30_000;
const nothingToStop = async () => {};

/**
 * Checks, before anything starts, that the local tools the plan needs are all there, and
 * reports every missing one in a single HF_INFRA_MISSING_TOOL error.
 */
export async function checkLocalTools(
  plan: InfraPlan,
  options: {
    cacheDir: string;
    pathVar: string | undefined;
    skip?: { kafka?: boolean; redis?: boolean };
  },
): Promise<void> {
  const needed: LocalTool[] = [];
  if (plan.kafka.provider === 'local' && !options.skip?.kafka) {
    needed.push('java');
    if (!(await hasKafkaJars(options.cacheDir))) needed.push('mvn');
  }
  if (plan.redis.provider === 'local' && !options.skip?.redis) needed.push('redis-server');
  await requireTools(needed, options.pathVar);
}

export async function provisionKafka(
  source: KafkaSource,
  options: ProvisionOptions,
): Promise<ProvisionedKafka> {
  const progress = options.onProgress;
  if (source.provider === 'env') {
    const address = source.brokers.join(',');
    await waitUntilReady({
      what: `Kafka at ${address} (KAFKA_BROKERS)`,
      check: () => kafkaAnswers(source.brokers, source.security),
      timeoutMs: ENV_SERVICE_WAIT_MS,
      onProgress: progress,
    });
    return { state: { provider: 'env', address }, stop: nothingToStop };
  }
  if (source.provider === 'docker') {
    progress?.('starting Kafka in Docker…');
    const { startDockerKafka } = await import('./docker.ts');
    const container = await startDockerKafka();
    return {
      state: { provider: 'docker', address: container.address, containerId: container.containerId },
      stop: container.stop,
    };
  }
  const tools = await requireTools(['java'], options.pathVar);
  const mvn = (await hasKafkaJars(options.cacheDir))
    ? undefined
    : (await requireTools(['mvn'], options.pathVar)).mvn;
  const libsDir = await ensureKafkaJars({
    cacheDir: options.cacheDir,
    mvnPath: mvn,
    mavenArgs: options.mavenArgs,
    onProgress: progress,
  });
  const kafka = await startLocalKafka({
    dataDir: options.dataDir,
    libsDir,
    javaPath: tools.java,
    onProgress: progress,
  });
  return {
    state: { provider: 'local', address: kafka.brokers.join(','), dataDir: kafka.dataDir },
    stop: kafka.stop,
    local: kafka,
  };
}

export async function provisionRedis(
  source: RedisSource,
  options: ProvisionOptions,
): Promise<ProvisionedRedis> {
  const progress = options.onProgress;
  if (source.provider === 'env') {
    const url = source.url;
    await waitUntilReady({
      what: `Redis at ${redactRedisUrl(url)} (REDIS_URL)`,
      check: () => redisAnswers(url, source.tls),
      timeoutMs: ENV_SERVICE_WAIT_MS,
      onProgress: progress,
    });
    return { state: { provider: 'env', address: url }, stop: nothingToStop };
  }
  if (source.provider === 'docker') {
    progress?.('starting Redis in Docker…');
    const { startDockerRedis } = await import('./docker.ts');
    const container = await startDockerRedis();
    return {
      state: { provider: 'docker', address: container.address, containerId: container.containerId },
      stop: container.stop,
    };
  }
  const tools = await requireTools(['redis-server'], options.pathVar);
  const redis = await startLocalRedis({
    dataDir: options.dataDir,
    persist: options.persistRedis ?? true,
    redisServerPath: tools['redis-server'],
    onProgress: progress,
  });
  return {
    state: { provider: 'local', address: redis.url, dataDir: redis.dataDir },
    stop: redis.stop,
    local: redis,
  };
}

export interface ProvisionedStack {
  readonly kafka: ProvisionedKafka;
  readonly redis: ProvisionedRedis;
  stop(): Promise<void>;
}

/**
 * Both services of `plan`, started side by side; if one fails, the other is stopped
 * before the error is rethrown.
 */
export async function provisionStack(
  plan: InfraPlan,
  options: Omit<ProvisionOptions, 'dataDir'> & {
    kafkaDataDir: string;
    redisDataDir: string;
    /** A service already running that must not be provisioned again. */
    reuse?: { kafka?: ProvisionedKafka; redis?: ProvisionedRedis };
  },
): Promise<ProvisionedStack> {
  await checkLocalTools(plan, {
    cacheDir: options.cacheDir,
    pathVar: options.pathVar,
    skip: { kafka: options.reuse?.kafka !== undefined, redis: options.reuse?.redis !== undefined },
  });
  const [kafka, redis] = await Promise.allSettled([
    options.reuse?.kafka ??
      provisionKafka(plan.kafka, { ...options, dataDir: options.kafkaDataDir }),
    options.reuse?.redis ??
      provisionRedis(plan.redis, { ...options, dataDir: options.redisDataDir }),
  ]);
  if (kafka.status === 'rejected' || redis.status === 'rejected') {
    // Stop only what this call started, never a reused service.
    if (kafka.status === 'fulfilled' && options.reuse?.kafka === undefined)
      await kafka.value.stop();
    if (redis.status === 'fulfilled' && options.reuse?.redis === undefined)
      await redis.value.stop();
    throw kafka.status === 'rejected' ? kafka.reason : (redis as PromiseRejectedResult).reason;
  }
  return {
    kafka: kafka.value,
    redis: redis.value,
    stop: async () => {
      await Promise.all([kafka.value.stop(), redis.value.stop()]);
    },
  };
}
