/**
 * The systems under test, as real processes of one deployment (src/fleet/deployment.ts) on
 * one infrastructure stack: Holdfast (workers + gateways), the `sync` baseline (reservation
 * service + the same gateway with an HTTP command path) and the `floor` baseline (Socket.IO
 * + two kafkajs hops). Each gets its own Kafka and Redis prefix; shows are published before processes start.
 *
 * BENCH_CPU_PROF=<dir> in the environment makes every gateway and worker write a V8 CPU
 * profile there when it stops (cpu-profile.mjs, preloaded: NODE_OPTIONS refuses --cpu-prof).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Deployment } from '../../src/fleet/deployment.ts';
import { cpuSeconds, type MemberKind } from '../../src/fleet/fleet.ts';
import type { EphemeralStack } from '../../src/infra/ephemeral.ts';
import { freePort } from '../../src/infra/ports.ts';
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
  const deployment = await Deployment.start({
    kafkaBrokers: stack.kafkaBrokers,
    redisUrl: stack.redisUrl,
    partitions: PARTITIONS,
    kafkaPrefix: prefix,
    redisPrefix: `bench:${prefix}`,
    baseEnv: options.env,
    settings: {
      HOLDFAST_LOG_LEVEL: 'warn',
      HOLDFAST_JWT_SECRET: jwtSecret,
      NODE_OPTIONS: [options.env.NODE_OPTIONS, profileDir ? `--import ${PROFILE_HOOK}` : '']
        .filter(Boolean)
        .join(' '),
    },
    clientId: 'bench-setup',
    logger: options.logger,
  });
  // Errors and crashes reach the operator; kafkajs's transient retry noise does not.
  const output = (name: string) => (line: string) => {
    if (line.includes('"logger":"kafkajs"')) return;
    if (/"level":(50|60)|Error/.test(line)) progress(`${name}: ${line.slice(0, 400)}`);
  };
  // A gateway built on the real one (holdfast's, sync's) serves /readyz on a private admin
  // port; the floor baseline serves everything on its one port.
  const spawn = async (
    kind: MemberKind,
    name: string,
    script?: string,
    env?: Record<string, string>,
  ) =>
    deployment.spawn(kind, name, {
      port: await freePort(),
      adminPort: kind === 'gateway' && design !== 'floor' ? await freePort() : undefined,
      output: output(name),
      script: script && fileURLToPath(new URL(script, import.meta.url)),
      env,
    });
  const stop = () => deployment.stop(15_000).catch(() => undefined);
  try {
    if (design !== 'floor') {
      await deployment.publishShows(
        options.shows.map((show) => ({ ...show, createdAt: Date.now() })),
      );
    }
    if (design === 'holdfast') {
      for (let i = 0; i < (options.workers ?? 1); i++) await spawn('worker', `worker-${i + 1}`);
      await spawn('gateway', 'gateway-1');
    } else if (design === 'sync') {
      const service = await spawn('worker', 'sync-service', '../sync/service-main.ts');
      await deployment.waitReady([service]);
      const syncUrl = { HOLDFAST_SYNC_URL: `http://127.0.0.1:${service.port}` };
      await spawn('gateway', 'sync-gateway-1', '../sync/gateway-main.ts', syncUrl);
    } else {
      const relay = await spawn('worker', 'floor-relay', '../floor/floor-main.ts', {
        HOLDFAST_FLOOR_ROLE: 'relay',
      });
      await deployment.waitReady([relay]);
      await spawn('gateway', 'floor-gateway', '../floor/floor-main.ts', {
        HOLDFAST_FLOOR_ROLE: 'gateway',
      });
    }
    progress(`${design}: waiting for ${deployment.members.map((m) => m.name).join(', ')}`);
    await deployment.waitReady(deployment.members);
  } catch (error) {
    await stop();
    throw error;
  }
  const members = [...deployment.members];
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
    cpuSince,
    stop,
  };
}
