/**
 * The system under test: a throw-away Kafka and Redis of its own (local processes, so the
 * nemesis can kill and restart them), the Holdfast topics and shows, and workers and
 * gateways as real `holdfast worker|gateway` processes of one deployment (src/fleet). Every member has a
 * name; the nemesis acts on members through this class.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import type { Kafka } from 'kafkajs';
import type { Env } from '../src/config/env.ts';
import { ERROR_CODES, HoldfastError } from '../src/contract/errors.ts';
import type { ShowDefinition } from '../src/contract/shows.ts';
import { Deployment } from '../src/fleet/deployment.ts';
import type { FleetMember } from '../src/fleet/fleet.ts';
import { type EphemeralStack, startEphemeralStack } from '../src/infra/ephemeral.ts';
import type { LocalKafka } from '../src/infra/kafka-local.ts';
import { freePort } from '../src/infra/ports.ts';
import type { LocalRedis } from '../src/infra/redis-local.ts';
import type { TopicNames } from '../src/kafka/topics.ts';
import type { Logger } from '../src/observability/logger.ts';

export interface ClusterOptions {
  /** The caller's environment (PATH, cache dirs); its KAFKA_BROKERS / REDIS_URL are ignored. */
  env: Env;
  partitions: number;
  workers: number;
  gateways: number;
  sessionTimeoutMs: number;
  ackTimeoutMs: number;
  /** Where the members' JSON logs are appended. */
  memberLogPath: string;
  logger: Logger;
  progress: (line: string) => void;
}

export interface GatewayMember {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  member: FleetMember;
}

export class ChaosCluster {
  readonly jwtSecret = `chaos-${randomUUID()}-${randomUUID()}`;
  readonly kafkaPrefix = `chaos-${randomUUID().slice(0, 8)}-`;
  readonly redisPrefix = `chaos:${randomUUID().slice(0, 8)}`;
  readonly workers: FleetMember[] = [];
  readonly gateways: GatewayMember[] = [];
  readonly stack: EphemeralStack;
  readonly #options: ClusterOptions;
  readonly #log: WriteStream;
  #deployment: Deployment | undefined;
  #workerSeq = 0;

  private constructor(options: ClusterOptions, stack: EphemeralStack) {
    this.#options = options;
    this.stack = stack;
    this.#log = createWriteStream(options.memberLogPath, { flags: 'a' });
  }

  static async start(options: ClusterOptions): Promise<ChaosCluster> {
    // Always a stack of our own: faults kill and restart it, never a shared one.
    const { KAFKA_BROKERS: _k, REDIS_URL: _r, ...env } = options.env;
    const stack = await startEphemeralStack(env, options.progress);
    const cluster = new ChaosCluster(options, stack);
    try {
      cluster.localKafka();
      cluster.localRedis();
      cluster.#deployment = await Deployment.start({
        kafkaBrokers: stack.kafkaBrokers,
        redisUrl: stack.redisUrl,
        partitions: options.partitions,
        kafkaPrefix: cluster.kafkaPrefix,
        redisPrefix: cluster.redisPrefix,
        baseEnv: env,
        settings: {
          HOLDFAST_SESSION_TIMEOUT_MS: String(options.sessionTimeoutMs),
          HOLDFAST_JWT_SECRET: cluster.jwtSecret,
          HOLDFAST_ACK_TIMEOUT_MS: String(options.ackTimeoutMs),
          HOLDFAST_LOG_LEVEL: 'info',
        },
        clientId: 'chaos',
        logger: options.logger,
      });
      return cluster;
    } catch (error) {
      await cluster.stop();
      throw error;
    }
  }

  get #started(): Deployment {
    if (!this.#deployment) {
      throw new HoldfastError(ERROR_CODES.USAGE, 'the chaos cluster has not started');
    }
    return this.#deployment;
  }

  get kafka(): Kafka {
    return this.#started.kafka;
  }

  get topics(): TopicNames {
    return this.#started.topics;
  }

  get partitions(): number {
    return this.#options.partitions;
  }

  get sessionTimeoutMs(): number {
    return this.#options.sessionTimeoutMs;
  }

  localKafka(): LocalKafka {
    const local = this.stack.services.kafka.local;
    if (!local) {
      throw new HoldfastError(ERROR_CODES.USAGE, 'chaos needs a local Kafka (no Docker) to kill');
    }
    return local;
  }

  localRedis(): LocalRedis {
    const local = this.stack.services.redis.local;
    if (!local) {
      throw new HoldfastError(
        ERROR_CODES.USAGE,
        'chaos needs a local Redis (no Docker) to restart',
      );
    }
    return local;
  }

  async publishShows(shows: readonly ShowDefinition[]): Promise<void> {
    await this.#started.publishShows(shows);
  }

  #output(name: string): (line: string) => void {
    return (line) => {
      if (this.#log.writable) this.#log.write(`${name} ${line}\n`);
    };
  }

  /** Starts one more worker and waits until it is ready (it may own nothing yet: no wait then). */
  async addWorker(): Promise<FleetMember> {
    const name = `worker-${++this.#workerSeq}`;
    const member = this.#started.spawn('worker', name, {
      port: await freePort(),
      output: this.#output(name),
    });
    this.workers.push(member);
    member.child.once('exit', () => {
      const index = this.workers.indexOf(member);
      if (index >= 0) this.workers.splice(index, 1);
    });
    return member;
  }

  async addGateway(name: string, port?: number): Promise<GatewayMember> {
    const chosen = port ?? (await freePort());
    const member = this.#started.spawn('gateway', name, {
      port: chosen,
      adminPort: await freePort(),
      output: this.#output(name),
    });
    const existing = this.gateways.find((g) => g.name === name);
    if (existing) {
      existing.member = member;
      return existing;
    }
    const gateway: GatewayMember = {
      name,
      port: chosen,
      url: `http://127.0.0.1:${chosen}`,
      member,
    };
    this.gateways.push(gateway);
    return gateway;
  }

  /** The initial fleet, every member ready. */
  async startFleet(): Promise<void> {
    const workers = [];
    for (let i = 0; i < this.#options.workers; i++) workers.push(await this.addWorker());
    const gateways = [];
    for (let i = 0; i < this.#options.gateways; i++) {
      gateways.push(await this.addGateway(`gateway-${i + 1}`));
    }
    await this.#started.waitReady([...workers, ...gateways.map((g) => g.member)]);
  }

  async waitGatewayReady(gateway: GatewayMember): Promise<void> {
    await this.#started.waitReady([gateway.member]);
  }

  async stop(): Promise<void> {
    await this.#deployment?.stop(10_000);
    await new Promise<void>((resolve) => this.#log.end(() => resolve()));
    await this.stack.stop();
  }
}
