/**
 * One Holdfast deployment on given Kafka and Redis: its topic and key prefixes, the
 * environment every member gets, its topics (created if missing), show publishing, and the
 * members it spawned as processes. `holdfast dev`, the chaos cluster, the benchmark stacks
 * and the test testbeds all start a deployment through here; tests that run a worker or a
 * gateway in-process build its configuration from `memberEnv`, the same environment a
 * process would get.
 */
import { type Env, kafkaClientSettings, kafkaClientShape, parseEnv } from '../config/env.ts';
import { kafkaSecurityConfig, kafkaSecurityShape } from '../config/security.ts';
import type { ShowDefinition } from '../contract/shows.ts';
import { ensureTopics } from '../kafka/admin.ts';
import { createKafka, type KafkaClient } from '../kafka/client.ts';
import { encodeShow } from '../kafka/codec.ts';
import { createProducer } from '../kafka/producer.ts';
import { type TopicNames, topicNames, topicSpecs } from '../kafka/topics.ts';
import type { Logger } from '../observability/logger.ts';
import {
  type FleetMember,
  type MemberKind,
  type SpawnMemberOptions,
  spawnMember,
  stopMember,
  waitReady,
} from './fleet.ts';

export interface DeploymentOptions {
  kafkaBrokers: readonly string[];
  redisUrl: string;
  partitions: number;
  /**
   * Prefix of the deployment's Kafka topics and consumer groups. Left out, the base
   * environment's `HOLDFAST_KAFKA_PREFIX` (or none) applies.
   */
  kafkaPrefix?: string;
  /** Prefix of the deployment's Redis keys; left out, as for `kafkaPrefix`. */
  redisPrefix?: string;
  /**
   * The environment members inherit (PATH, caches, HOLDFAST_* tuning); its addresses and
   * prefixes are replaced by the deployment's.
   */
  baseEnv: Env;
  /** Settings every member gets on top (JWT secret, timeouts, log level). */
  settings?: Readonly<Record<string, string>>;
  /** The Kafka client id of the deployment's own admin and producer. */
  clientId: string;
  logger: Logger;
}

export interface SpawnOptions {
  /** The gateway's public `PORT`; the worker's metrics port. */
  port: number;
  /** A gateway's private admin port (`/readyz`, `/metrics`): see `SpawnMemberOptions`. */
  adminPort?: number | undefined;
  /** Settings for this member only, on top of the deployment's. */
  env?: Readonly<Record<string, string | undefined>>;
  output?: SpawnMemberOptions['output'];
  /** A TypeScript entry run instead of `holdfast <kind>` (the benchmarks' baselines). */
  script?: string;
}

/** How long a member may take to become ready on a loaded two-core machine. */
export const READY_TIMEOUT_MS = 120_000;

export class Deployment {
  readonly topics: TopicNames;
  readonly kafka: KafkaClient;
  /** Every member's environment, before its own name, port and settings. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly partitions: number;
  readonly #members: FleetMember[] = [];
  #producer: ReturnType<typeof createProducer> | undefined;

  private constructor(options: DeploymentOptions) {
    this.partitions = options.partitions;
    const env: Record<string, string | undefined> = {
      ...options.baseEnv,
      KAFKA_BROKERS: options.kafkaBrokers.join(','),
      REDIS_URL: options.redisUrl,
      HOLDFAST_PARTITIONS: String(options.partitions),
      ...options.settings,
    };
    if (options.kafkaPrefix !== undefined) env.HOLDFAST_KAFKA_PREFIX = options.kafkaPrefix;
    if (options.redisPrefix !== undefined) env.HOLDFAST_REDIS_PREFIX = options.redisPrefix;
    this.env = env;
    this.topics = topicNames(env.HOLDFAST_KAFKA_PREFIX ?? '');
    // Its own client logs in as its members do: with the security their environment gives.
    this.kafka = createKafka({
      brokers: [...options.kafkaBrokers],
      clientId: options.clientId,
      logger: options.logger,
      security: kafkaSecurityConfig(parseEnv(kafkaSecurityShape, env)),
      settings: kafkaClientSettings(parseEnv(kafkaClientShape, env)),
    });
  }

  /** The deployment with its topics created (if missing). */
  static async start(options: DeploymentOptions): Promise<Deployment> {
    const deployment = new Deployment(options);
    await ensureTopics(deployment.kafka, topicSpecs(deployment.topics, options.partitions));
    return deployment;
  }

  /** The environment of one member, as a process gets it or an in-process member is configured. */
  memberEnv(
    kind: MemberKind,
    name: string,
    overrides: Readonly<Record<string, string | undefined>> = {},
  ): Record<string, string | undefined> {
    const id = kind === 'worker' ? 'HOLDFAST_WORKER_ID' : 'HOLDFAST_GATEWAY_ID';
    return { ...this.env, [id]: name, ...overrides };
  }

  /** Publishes shows to the `shows` topic, acknowledged by every replica. */
  async publishShows(shows: readonly ShowDefinition[]): Promise<void> {
    if (!this.#producer) {
      const producer = createProducer(this.kafka);
      await producer.connect();
      this.#producer = producer;
    }
    await this.#producer.send({
      topic: this.topics.shows,
      acks: -1,
      messages: shows.map(encodeShow),
    });
  }

  /** Starts a member as its own process; `stop()` ends it. Not waited for: see `waitReady`. */
  spawn(kind: MemberKind, name: string, options: SpawnOptions): FleetMember {
    const member = spawnMember({
      name,
      kind,
      port: options.port,
      adminPort: options.adminPort,
      env: this.memberEnv(kind, name, options.env),
      output: options.output,
      script: options.script,
    });
    this.#members.push(member);
    return member;
  }

  /** The members spawned so far, in order, exited ones included. */
  get members(): readonly FleetMember[] {
    return this.#members;
  }

  async waitReady(members: readonly FleetMember[], timeoutMs = READY_TIMEOUT_MS): Promise<void> {
    await Promise.all(members.map((member) => waitReady(member, timeoutMs)));
  }

  /**
   * Stops every member it spawned — gateways first, so no client waits on a worker that is
   * gone — SIGKILL after `graceMs`; then its own Kafka producer.
   */
  async stop(graceMs = 30_000): Promise<void> {
    const stopAll = (kind: MemberKind) =>
      Promise.all(this.#members.filter((m) => m.kind === kind).map((m) => stopMember(m, graceMs)));
    await stopAll('gateway');
    await stopAll('worker');
    await this.#producer?.disconnect().catch(() => undefined);
    this.#producer = undefined;
  }
}
