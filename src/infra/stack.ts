/**
 * The stack behind `holdfast infra up | down | status`: one Kafka and one Redis, resolved per
 * docs/design.md §6.8, recorded in `<infraDir>/state.json` so that later commands find what `up`
 * started (and only that).
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KafkaSecurity, RedisTls } from '../config/security.ts';
import { ERROR_CODES, HoldfastError } from '../contract/errors.ts';
import { attachLocalKafka } from './kafka-local.ts';
import { provisionStack, type ServiceState } from './provision.ts';
import { kafkaAnswers, redisAnswers } from './readiness.ts';
import { attachLocalRedis } from './redis-local.ts';
import { type Provider, planInfrastructure } from './resolve.ts';

export type ServiceName = 'kafka' | 'redis';

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
  /** How to log in to the environment's Kafka and reach its Redis over TLS. */
  kafkaSecurity?: KafkaSecurity | undefined;
  redisTls?: RedisTls | undefined;
  /** `PATH`, to find java, mvn and redis-server. */
  pathVar: string | undefined;
  dockerEngineAnswers: () => Promise<boolean>;
  /** Extra Maven arguments for a cold jar fetch. */
  mavenArgs?: readonly string[];
  onProgress?: (message: string) => void;
}

const stateFile = (infraDir: string) => join(infraDir, 'state.json');
const dataDirOf = (infraDir: string, service: ServiceName) => join(infraDir, service);

async function readState(infraDir: string): Promise<StackState | undefined> {
  try {
    return JSON.parse(await readFile(stateFile(infraDir), 'utf8')) as StackState;
  } catch {
    return undefined;
  }
}

const answers = (service: ServiceName, address: string) =>
  service === 'kafka' ? kafkaAnswers(address.split(',')) : redisAnswers(address);

/** True when the local process `state` records runs; for a container, when it answers. */
async function isRunning(service: ServiceName, state: ServiceState): Promise<boolean> {
  if (state.provider === 'env') return false;
  if (state.provider === 'docker') return answers(service, state.address);
  const local =
    service === 'kafka'
      ? await attachLocalKafka(state.dataDir)
      : await attachLocalRedis(state.dataDir);
  return local !== undefined && (await local.isRunning());
}

/** True when what `state` records still runs (our process, or our container) and answers. */
async function isUsable(service: ServiceName, state: ServiceState | undefined): Promise<boolean> {
  if (state === undefined || !(await isRunning(service, state))) return false;
  return state.provider === 'docker' || answers(service, state.address);
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
    kafkaSecurity: options.kafkaSecurity,
    redisTls: options.redisTls,
    dockerEngineAnswers: options.dockerEngineAnswers,
  });
  for (const service of ['kafka', 'redis'] as const) {
    const recorded = previous?.[service];
    // Recording the environment's address instead would orphan what runs: down could not stop it.
    if (plan[service].provider === 'env' && recorded !== undefined && recorded.provider !== 'env') {
      if (await isRunning(service, recorded)) {
        const variable = service === 'kafka' ? 'KAFKA_BROKERS' : 'REDIS_URL';
        throw new HoldfastError(
          ERROR_CODES.USAGE,
          `The ${service} that "holdfast infra up" started still runs at ${recorded.address}, and ${variable} is now set: run "holdfast infra down" first, or unset ${variable} to reuse it.`,
        );
      }
    }
  }
  const reuse = {
    kafka: plan.kafka.provider !== 'env' && (await isUsable('kafka', previous?.kafka)),
    redis: plan.redis.provider !== 'env' && (await isUsable('redis', previous?.redis)),
  };

  const reused = (service: ServiceName) => {
    const state = previous?.[service];
    if (state === undefined) return undefined;
    progress?.(`${service} already up at ${state.address}`);
    return { state, stop: async () => {} };
  };
  await mkdir(options.infraDir, { recursive: true });
  const stack = await provisionStack(plan, {
    cacheDir: options.cacheDir,
    pathVar: options.pathVar,
    kafkaDataDir: dataDirOf(options.infraDir, 'kafka'),
    redisDataDir: dataDirOf(options.infraDir, 'redis'),
    mavenArgs: options.mavenArgs,
    onProgress: progress,
    reuse: {
      ...(reuse.kafka ? { kafka: reused('kafka') } : {}),
      ...(reuse.redis ? { redis: reused('redis') } : {}),
    },
  });
  const state: StackState = { kafka: stack.kafka.state, redis: stack.redis.state };
  await writeFile(stateFile(options.infraDir), `${JSON.stringify(state, null, 2)}\n`);
  return { kafkaBrokers: state.kafka.address, redisUrl: state.redis.address };
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
        logFile: local?.logFile,
        pid,
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
