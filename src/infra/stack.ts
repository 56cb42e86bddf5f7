/**
 * The stack behind `holdfast infra up | down | status`: one Kafka and one Redis, resolved per
 * DESIGN §6, recorded in `<infraDir>/state.json` so that later commands find what `up`
 * started (and only that).
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureKafkaJars, hasKafkaJars } from './kafka-jars.ts';
import { attachLocalKafka, startLocalKafka } from './kafka-local.ts';
import { kafkaAnswers, redisAnswers, waitUntilReady } from './readiness.ts';
import { attachLocalRedis, startLocalRedis } from './redis-local.ts';
import { type Provider, planInfrastructure } from './resolve.ts';
import { type LocalTool, requireTools } from './tools.ts';

export type ServiceName = 'kafka' | 'redis';

/** How one service of the stack was provided; `address` is what clients use. */
export type ServiceState =
  | { provider: 'env'; address: string }
  | { provider: 'local'; address: string; dataDir: string }
  | { provider: 'docker'; address: string; containerId: string };

interface StackState {
  kafka: ServiceState;
  redis: ServiceState;
}

export interface InfraAddresses {
  /** Comma-separated `host:port` list, as `KAFKA_BROKERS` takes it. */
  kafkaBrokers: string;
  redisUrl: string;
}

export interface InfraUpOptions {
  infraDir: string;
  /** Root of the jar cache (see `ensureKafkaJars`). */
  cacheDir: string;
  /** From `KAFKA_BROKERS` / `REDIS_URL`, already validated; absent means "provision it". */
  kafkaBrokers?: readonly string[] | undefined;
  redisUrl?: string | undefined;
  /** `PATH`, to find java, mvn and redis-server. */
  pathVar: string | undefined;
  dockerEngineAnswers: () => Promise<boolean>;
  /** Extra Maven arguments for a cold jar fetch. */
  mavenArgs?: readonly string[];
  onProgress?: (message: string) => void;
}

const stateFile = (infraDir: string) => join(infraDir, 'state.json');
const dataDirOf = (infraDir: string, service: ServiceName) => join(infraDir, service);
/** A service named by the environment may still be starting: give it this long. */
const ENV_SERVICE_WAIT_MS = 30_000;

async function readState(infraDir: string): Promise<StackState | undefined> {
  try {
    return JSON.parse(await readFile(stateFile(infraDir), 'utf8')) as StackState;
  } catch {
    return undefined;
  }
}

const answers = (service: ServiceName, address: string) =>
  service === 'kafka' ? kafkaAnswers(address.split(',')) : redisAnswers(address);

/** True when what `state` records still runs (our process, or our container) and answers. */
async function isUsable(service: ServiceName, state: ServiceState | undefined): Promise<boolean> {
  if (state === undefined || state.provider === 'env') return false;
  if (state.provider === 'local') {
    const local =
      service === 'kafka'
        ? await attachLocalKafka(state.dataDir)
        : await attachLocalRedis(state.dataDir);
    if (local === undefined || !(await local.isRunning())) return false;
  }
  return answers(service, state.address);
}

/**
 * Brings the stack up, or finds it up, and returns its addresses once Kafka can create a
 * topic with a leader and Redis answers PING. Services it starts keep running after it
 * returns; on failure it stops what this call started.
 */
export async function infraUp(options: InfraUpOptions): Promise<InfraAddresses> {
  const progress = options.onProgress;
  const previous = await readState(options.infraDir);
  const plan = await planInfrastructure({
    kafkaBrokers: options.kafkaBrokers,
    redisUrl: options.redisUrl,
    dockerEngineAnswers: options.dockerEngineAnswers,
  });
  const reuse = {
    kafka: plan.kafka.provider !== 'env' && (await isUsable('kafka', previous?.kafka)),
    redis: plan.redis.provider !== 'env' && (await isUsable('redis', previous?.redis)),
  };

  const needed: LocalTool[] = [];
  if (plan.kafka.provider === 'local' && !reuse.kafka) {
    needed.push('java');
    if (!(await hasKafkaJars(options.cacheDir))) needed.push('mvn');
  }
  if (plan.redis.provider === 'local' && !reuse.redis) needed.push('redis-server');
  const tools = await requireTools(needed, options.pathVar);

  await mkdir(options.infraDir, { recursive: true });
  const started: Array<() => Promise<void>> = [];
  try {
    const kafkaState = async (): Promise<ServiceState> => {
      if (plan.kafka.provider === 'env') {
        const brokers = plan.kafka.brokers;
        const address = brokers.join(',');
        await waitUntilReady({
          what: `Kafka at ${address} (KAFKA_BROKERS)`,
          check: () => kafkaAnswers(brokers),
          timeoutMs: ENV_SERVICE_WAIT_MS,
          ...(progress === undefined ? {} : { onProgress: progress }),
        });
        return { provider: 'env', address };
      }
      if (reuse.kafka && previous !== undefined) {
        progress?.(`Kafka already up at ${previous.kafka.address}`);
        return previous.kafka;
      }
      if (plan.kafka.provider === 'docker') {
        progress?.('starting Kafka in Docker…');
        const { startDockerKafka } = await import('./docker.ts');
        const container = await startDockerKafka();
        started.push(container.stop);
        return {
          provider: 'docker',
          address: container.address,
          containerId: container.containerId,
        };
      }
      const libsDir = await ensureKafkaJars({
        cacheDir: options.cacheDir,
        ...(tools.mvn === undefined ? {} : { mvnPath: tools.mvn }),
        ...(options.mavenArgs === undefined ? {} : { mavenArgs: options.mavenArgs }),
        ...(progress === undefined ? {} : { onProgress: progress }),
      });
      const kafka = await startLocalKafka({
        dataDir: dataDirOf(options.infraDir, 'kafka'),
        libsDir,
        ...(tools.java === undefined ? {} : { javaPath: tools.java }),
        ...(progress === undefined ? {} : { onProgress: progress }),
      });
      started.push(kafka.stop);
      return { provider: 'local', address: kafka.brokers.join(','), dataDir: kafka.dataDir };
    };
    const redisState = async (): Promise<ServiceState> => {
      if (plan.redis.provider === 'env') {
        const url = plan.redis.url;
        await waitUntilReady({
          what: `Redis at ${url} (REDIS_URL)`,
          check: () => redisAnswers(url),
          timeoutMs: ENV_SERVICE_WAIT_MS,
          ...(progress === undefined ? {} : { onProgress: progress }),
        });
        return { provider: 'env', address: url };
      }
      if (reuse.redis && previous !== undefined) {
        progress?.(`Redis already up at ${previous.redis.address}`);
        return previous.redis;
      }
      if (plan.redis.provider === 'docker') {
        progress?.('starting Redis in Docker…');
        const { startDockerRedis } = await import('./docker.ts');
        const container = await startDockerRedis();
        started.push(container.stop);
        return {
          provider: 'docker',
          address: container.address,
          containerId: container.containerId,
        };
      }
      const redis = await startLocalRedis({
        dataDir: dataDirOf(options.infraDir, 'redis'),
        ...(tools['redis-server'] === undefined ? {} : { redisServerPath: tools['redis-server'] }),
        ...(progress === undefined ? {} : { onProgress: progress }),
      });
      started.push(redis.stop);
      return { provider: 'local', address: redis.url, dataDir: redis.dataDir };
    };
    const [kafka, redis] = await Promise.all([kafkaState(), redisState()]);
    await writeFile(stateFile(options.infraDir), `${JSON.stringify({ kafka, redis }, null, 2)}\n`);
    return { kafkaBrokers: kafka.address, redisUrl: redis.address };
  } catch (error) {
    await Promise.allSettled(started.map((stop) => stop()));
    throw error;
  }
}

export interface InfraDownOptions {
  infraDir: string;
  /** Also delete the data dirs (topics, offsets): the next `up` starts from nothing. */
  purge?: boolean;
  onProgress?: (message: string) => void;
}

/** Stops what `infraUp` started in `infraDir`, and only that; resolves once it has exited. */
export async function infraDown(options: InfraDownOptions): Promise<void> {
  const progress = options.onProgress;
  const state = await readState(options.infraDir);
  const stopOne = async (service: ServiceName, recorded: ServiceState | undefined) => {
    if (recorded === undefined || recorded.provider === 'env') return;
    if (recorded.provider === 'docker') {
      progress?.(`stopping ${service} container ${recorded.containerId}…`);
      const { stopDockerContainer } = await import('./docker.ts');
      await stopDockerContainer(recorded.containerId);
      return;
    }
    const local =
      service === 'kafka'
        ? await attachLocalKafka(recorded.dataDir)
        : await attachLocalRedis(recorded.dataDir);
    const pid = await local?.pid();
    if (local === undefined || pid === undefined) return;
    progress?.(`stopping ${service} (pid ${pid})…`);
    await local.stop();
  };
  await Promise.all([stopOne('kafka', state?.kafka), stopOne('redis', state?.redis)]);
  await rm(stateFile(options.infraDir), { force: true });
  if (options.purge) {
    for (const service of ['kafka', 'redis'] as const) {
      progress?.(`deleting ${dataDirOf(options.infraDir, service)}`);
      await rm(dataDirOf(options.infraDir, service), { recursive: true, force: true });
    }
  }
}

export interface ServiceStatus {
  service: ServiceName;
  provider: Provider | 'none';
  address?: string;
  pid?: number;
  dataDir?: string;
  logFile?: string;
  containerId?: string;
  /** Our process or container runs (always true for a service named by the environment). */
  running: boolean;
  /** It answers right now: Kafka creates a topic with a leader, Redis answers PING. */
  answering: boolean;
}

/** What `infraUp` recorded in `infraDir`, and whether each service runs and answers now. */
export async function infraStatus(infraDir: string): Promise<ServiceStatus[]> {
  const state = await readState(infraDir);
  const one = async (
    service: ServiceName,
    recorded: ServiceState | undefined,
  ): Promise<ServiceStatus> => {
    if (recorded === undefined)
      return { service, provider: 'none', running: false, answering: false };
    const base = { service, provider: recorded.provider, address: recorded.address };
    if (recorded.provider === 'local') {
      const local =
        service === 'kafka'
          ? await attachLocalKafka(recorded.dataDir)
          : await attachLocalRedis(recorded.dataDir);
      const pid = await local?.pid();
      return {
        ...base,
        dataDir: recorded.dataDir,
        ...(local === undefined ? {} : { logFile: local.logFile }),
        ...(pid === undefined ? {} : { pid }),
        running: pid !== undefined,
        answering: pid !== undefined && (await answers(service, recorded.address)),
      };
    }
    const answering = await answers(service, recorded.address);
    return {
      ...base,
      ...(recorded.provider === 'docker' ? { containerId: recorded.containerId } : {}),
      running: recorded.provider === 'env' || answering,
      answering,
    };
  };
  return Promise.all([one('kafka', state?.kafka), one('redis', state?.redis)]);
}
