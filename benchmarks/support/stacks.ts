/**
 * The systems under test, as real processes on one infrastructure stack: Holdfast
 * (workers + gateways via src/fleet), the `sync` baseline (reservation service + the same
 * gateway with an HTTP command path) and the `floor` baseline (Socket.IO + two kafkajs
 * hops). Each gets its own Kafka and Redis prefix; shows are published before processes start.
 *
 * BENCH_CPU_PROF=<dir> in the environment makes every gateway and worker write a V8 CPU
 * profile there when it stops (cpu-profile.mjs, preloaded: NODE_OPTIONS refuses --cpu-prof).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { ShowDefinition } from '../../src/contract/shows.ts';
import {
  cpuSeconds,
  type FleetMember,
  spawnMember,
  stopMember,
  waitReady,
} from '../../src/fleet/fleet.ts';
import type { EphemeralStack } from '../../src/infra/ephemeral.ts';
import { freePort } from '../../src/infra/ports.ts';
import { ensureTopics } from '../../src/kafka/admin.ts';
import { createKafka } from '../../src/kafka/client.ts';
import { encodeShow } from '../../src/kafka/codec.ts';
import { createProducer } from '../../src/kafka/producer.ts';
import { topicNames, topicSpecs } from '../../src/kafka/topics.ts';
import type { Logger } from '../../src/observability/logger.ts';
import type { ShowRef } from './load-protocol.ts';

export const PARTITIONS = 12;
/** Preloaded into gateways, workers and baseline processes when BENCH_CPU_PROF names a directory. */
const PROFILE_HOOK = fileURLToPath(new URL('./cpu-profile.mjs', import.meta.url));

export type Design = 'holdfast' | 'sync' | 'floor';

export interface SystemUnderTest {
  design: Design;
  /** Socket.IO URLs of its gateways. */
  urls: string[];
  jwtSecret: string | undefined;
  members: FleetMember[];
  /** CPU seconds per member since the last call (or since start). */
  cpuSince(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

export interface SystemOptions {
  design: Design;
  stack: EphemeralStack;
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
  progress: (line: string) => void;
  shows: ShowRef[];
  /** Holdfast workers. @defaultValue 1 */
  workers?: number;
  /** Gateways. @defaultValue 1 */
  gateways?: number;
}

export function makeShows(
  prefix: string,
  count: number,
  rows: number,
  seatsPerRow: number,
): ShowRef[] {
  return Array.from({ length: count }, (_, i) => ({
    showId: `${prefix}${i}`,
    rows,
    seatsPerRow,
    holdTtlMs: 600_000,
  }));
}

export async function startSystem(options: SystemOptions): Promise<SystemUnderTest> {
  const { stack, design, progress } = options;
  const prefix = `bench-${design}-${randomUUID().slice(0, 8)}-`;
  const jwtSecret = randomBytes(32).toString('hex');
  const profileDir = options.env.BENCH_CPU_PROF;
  const env: Record<string, string | undefined> = {
    ...options.env,
    KAFKA_BROKERS: stack.kafkaBrokers.join(','),
    REDIS_URL: stack.redisUrl,
    HOLDFAST_KAFKA_PREFIX: prefix,
    HOLDFAST_REDIS_PREFIX: `bench:${prefix}`,
    HOLDFAST_PARTITIONS: String(PARTITIONS),
    HOLDFAST_LOG_LEVEL: 'warn',
    HOLDFAST_JWT_SECRET: jwtSecret,
    NODE_OPTIONS: [options.env.NODE_OPTIONS, profileDir ? `--import ${PROFILE_HOOK}` : '']
      .filter(Boolean)
      .join(' '),
  };
  const members: FleetMember[] = [];
  // Errors and crashes reach the operator; kafkajs's transient retry noise does not.
  const output = (name: string) => (line: string) => {
    if (line.includes('"logger":"kafkajs"')) return;
    if (/"level":(50|60)|Error/.test(line)) progress(`${name}: ${line.slice(0, 400)}`);
  };
  // All at once: measuring is over, and each graceful stop (drain, leave the group) waits.
  const stop = async () => {
    await Promise.all(members.map((member) => stopMember(member, 15_000).catch(() => undefined)));
  };
  try {
    if (design !== 'floor') await publishTopicsAndShows(options, prefix);
    if (design === 'holdfast') {
      for (let i = 0; i < (options.workers ?? 1); i++) {
        const name = `worker-${i + 1}`;
        members.push(
          spawnMember({ name, kind: 'worker', port: await freePort(), env, output: output(name) }),
        );
      }
      for (let i = 0; i < (options.gateways ?? 1); i++) {
        const name = `gateway-${i + 1}`;
        members.push(
          spawnMember({ name, kind: 'gateway', port: await freePort(), env, output: output(name) }),
        );
      }
    } else if (design === 'sync') {
      const port = await freePort();
      members.push(
        spawnScript(
          'sync-service',
          'worker',
          '../sync/service-main.ts',
          port,
          env,
          output('sync-service'),
        ),
      );
      await waitReady(members[0] as FleetMember);
      const syncEnv = { ...env, HOLDFAST_SYNC_URL: `http://127.0.0.1:${port}` };
      for (let i = 0; i < (options.gateways ?? 1); i++) {
        const name = `sync-gateway-${i + 1}`;
        members.push(
          spawnScript(
            name,
            'gateway',
            '../sync/gateway-main.ts',
            await freePort(),
            syncEnv,
            output(name),
          ),
        );
      }
    } else {
      const relayEnv = { ...env, HOLDFAST_FLOOR_ROLE: 'relay' };
      members.push(
        spawnScript(
          'floor-relay',
          'worker',
          '../floor/floor-main.ts',
          await freePort(),
          relayEnv,
          output('floor-relay'),
        ),
      );
      await waitReady(members[0] as FleetMember);
      const gatewayEnv = { ...env, HOLDFAST_FLOOR_ROLE: 'gateway' };
      members.push(
        spawnScript(
          'floor-gateway',
          'gateway',
          '../floor/floor-main.ts',
          await freePort(),
          gatewayEnv,
          output('floor-gateway'),
        ),
      );
    }
    progress(`${design}: waiting for ${members.map((m) => m.name).join(', ')}`);
    await Promise.all(members.map((m) => waitReady(m, 120_000)));
  } catch (error) {
    await stop();
    throw error;
  }
  let last = new Map<string, number>();
  const cpuSince = async () => {
    const now = new Map<string, number>();
    const result: Record<string, number> = {};
    for (const m of members) {
      const cpu = (await cpuSeconds(m.pid)) ?? 0;
      now.set(m.name, cpu);
      result[m.name] = Math.round((cpu - (last.get(m.name) ?? 0)) * 100) / 100;
    }
    last = now;
    return result;
  };
  await cpuSince();
  return {
    design,
    urls: members.filter((m) => m.kind === 'gateway').map((m) => `http://127.0.0.1:${m.port}`),
    jwtSecret: design === 'floor' ? undefined : jwtSecret,
    members,
    cpuSince,
    stop,
  };
}

async function publishTopicsAndShows(options: SystemOptions, prefix: string): Promise<void> {
  const kafka = createKafka({
    brokers: options.stack.kafkaBrokers,
    clientId: 'bench-setup',
    logger: options.logger,
  });
  await ensureTopics(kafka, topicSpecs(topicNames(prefix), PARTITIONS));
  const producer = createProducer(kafka);
  await producer.connect();
  try {
    const shows: ShowDefinition[] = options.shows.map((s) => ({ ...s, createdAt: Date.now() }));
    await producer.send({
      topic: topicNames(prefix).shows,
      acks: -1,
      messages: shows.map(encodeShow),
    });
  } finally {
    await producer.disconnect();
  }
}

/** A benchmark-owned process (baselines), measurable and stoppable like a fleet member. */
function spawnScript(
  name: string,
  kind: 'worker' | 'gateway',
  entry: string,
  port: number,
  env: Record<string, string | undefined>,
  output: (line: string) => void,
): FleetMember {
  const file = fileURLToPath(new URL(entry, import.meta.url));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', file], {
    env: { ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) output(line);
    });
  }
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  return { name, kind, port, child, pid: child.pid ?? 0, exited: () => exited };
}
