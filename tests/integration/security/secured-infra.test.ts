/**
 * Kafka with SASL/SCRAM and Redis with an ACL user, for real: this file starts its own
 * broker (a SASL_PLAINTEXT listener whose users are written when its storage is formatted)
 * and its own Redis through src/infra, never the suite's shared ones. A worker and a gateway
 * run as `holdfast` processes: with the credentials a hold is decided end to end; without
 * them, or with wrong ones, each process exits non-zero at startup with a coded error that
 * names the setting to fix, and never prints a password.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHoldfast, type HoldfastClient } from '../../../src/client/index.ts';
import type { MemberKind } from '../../../src/fleet/fleet.ts';
import { secretKey, signToken } from '../../../src/gateway/auth.ts';
import { infraConfig } from '../../../src/infra/config.ts';
import { ensureKafkaJars } from '../../../src/infra/kafka-jars.ts';
import { type LocalKafka, startLocalKafka } from '../../../src/infra/kafka-local.ts';
import { type OrphanReaper, startOrphanReaper } from '../../../src/infra/orphan-reaper.ts';
import { freePort } from '../../../src/infra/ports.ts';
import { type LocalRedis, startLocalRedis } from '../../../src/infra/redis-local.ts';
import { WorkerTestbed } from '../../support/worker-testbed.ts';

const KAFKA_PASSWORD = `kafka-${randomBytes(9).toString('base64url')}`;
const REDIS_PASSWORD = `redis-${randomBytes(9).toString('base64url')}`;
const JWT_SECRET = randomBytes(32).toString('base64url');

/** How members log in to this file's broker. */
const SASL = {
  HOLDFAST_KAFKA_SASL_MECHANISM: 'scram-sha-256',
  HOLDFAST_KAFKA_SASL_USERNAME: 'holdfast',
  HOLDFAST_KAFKA_SASL_PASSWORD: KAFKA_PASSWORD,
};
/** Unset in a member's environment (the deployment's own value removed). */
const UNSET = undefined as unknown as string;

let root: string;
let reaper: OrphanReaper;
let kafka: LocalKafka;
let redis: LocalRedis;
let bed: WorkerTestbed;
const clients: HoldfastClient[] = [];

beforeAll(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'holdfast-secured-')));
  // The broker and Redis must not outlive a killed test run.
  reaper = startOrphanReaper({ ownerPid: process.pid, root });
  const libsDir = await ensureKafkaJars({ cacheDir: infraConfig(process.env).cacheDir });
  [kafka, redis] = await Promise.all([
    startLocalKafka({
      dataDir: join(root, 'kafka'),
      libsDir,
      heapMb: 384,
      sasl: {
        mechanism: 'scram-sha-256',
        users: [{ username: 'holdfast', password: KAFKA_PASSWORD }],
      },
    }),
    startLocalRedis({
      dataDir: join(root, 'redis'),
      persist: false,
      auth: { username: 'holdfast', password: REDIS_PASSWORD },
    }),
  ]);
  bed = await WorkerTestbed.create({
    kafkaBrokers: kafka.brokers,
    redisUrl: redis.url,
    partitions: 2,
    settings: { ...SASL, HOLDFAST_JWT_SECRET: JWT_SECRET },
  });
});

afterAll(async () => {
  for (const client of clients) client.close();
  await bed?.close();
  await Promise.allSettled([kafka?.stop(), redis?.stop()]);
  reaper?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

interface Exit {
  code: number | null;
  output: string;
}

/** Runs a member that must fail at startup; resolves with its exit code and output. */
async function failedStart(kind: MemberKind, env: Record<string, string>): Promise<Exit> {
  const lines: string[] = [];
  const member = bed.deployment.spawn(kind, `${kind}-refused-${randomBytes(3).toString('hex')}`, {
    port: await freePort(),
    adminPort: kind === 'gateway' ? await freePort() : undefined,
    env,
    output: (line) => lines.push(line),
  });
  const code = await new Promise<number | null>((resolve) => {
    if (member.exited()) resolve(member.child.exitCode);
    else member.child.once('exit', (exitCode) => resolve(exitCode));
  });
  return { code, output: lines.join('\n') };
}

function expectRefused(exit: Exit, code: string, setting: RegExp): void {
  expect(exit.code).toBe(1);
  expect(exit.output).toContain(`[${code}]`);
  expect(exit.output).toMatch(setting);
  expect(exit.output).not.toContain(KAFKA_PASSWORD);
  expect(exit.output).not.toContain(REDIS_PASSWORD);
}

// Each test starts `holdfast` processes (tsx compiles on start): on a shared two-core
// machine under load that alone can take tens of seconds.
describe('secured Kafka and Redis', { timeout: 120_000 }, () => {
  it('the local broker refuses a client without a login, the local Redis a client without its user', async () => {
    expect(kafka.security.sasl?.username).toBe('holdfast');
    expect(redis.url).toBe(`redis://holdfast:${REDIS_PASSWORD}@127.0.0.1:${redis.port}`);
    // The secrets reach no log line: a config serialised as JSON hides the password.
    expect(JSON.stringify(kafka.security)).not.toContain(KAFKA_PASSWORD);
  });

  it('a worker and a gateway with the credentials decide a hold end to end', {
    timeout: 180_000,
  }, async () => {
    const show = await bed.createShow({ rows: 1, seatsPerRow: 4 });
    const worker = bed.deployment.spawn('worker', 'secured-worker', { port: await freePort() });
    const gateway = bed.deployment.spawn('gateway', 'secured-gateway', {
      port: await freePort(),
      adminPort: await freePort(),
    });
    await bed.deployment.waitReady([worker, gateway]);
    const token = await signToken('alice', secretKey(JWT_SECRET), { ttlSeconds: 600 });
    const client = connectHoldfast({ url: `http://127.0.0.1:${gateway.port}`, token });
    clients.push(client);
    await client.ready();
    expect(await client.join(show.showId)).toMatchObject({ ok: true });
    expect(await client.hold(show.showId, 'A1')).toMatchObject({
      ok: true,
      seat: { showId: show.showId, seatId: 'A1', status: 'held' },
    });
  });

  it('a worker without Kafka credentials exits 1, naming the SASL settings', async () => {
    const exit = await failedStart('worker', {
      HOLDFAST_KAFKA_SASL_MECHANISM: UNSET,
      HOLDFAST_KAFKA_SASL_USERNAME: UNSET,
      HOLDFAST_KAFKA_SASL_PASSWORD: UNSET,
    });
    expectRefused(exit, 'HF_INFRA_AUTH_FAILED', /HOLDFAST_KAFKA_SASL_MECHANISM/);
  });

  it('a worker with a wrong Kafka password exits 1, naming the user and password settings', async () => {
    const exit = await failedStart('worker', { HOLDFAST_KAFKA_SASL_PASSWORD: 'wrong-password' });
    expectRefused(exit, 'HF_INFRA_AUTH_FAILED', /"holdfast".*HOLDFAST_KAFKA_SASL_PASSWORD/);
    expect(exit.output).not.toContain('wrong-password');
  });

  it('a worker with half a SASL configuration exits 1 before connecting', async () => {
    const exit = await failedStart('worker', { HOLDFAST_KAFKA_SASL_USERNAME: UNSET });
    expectRefused(exit, 'HF_CONFIG_INVALID', /HOLDFAST_KAFKA_SASL_USERNAME: required/);
  });

  it('a gateway with a wrong Kafka password exits 1', async () => {
    const exit = await failedStart('gateway', { HOLDFAST_KAFKA_SASL_PASSWORD: 'wrong-password' });
    expectRefused(exit, 'HF_INFRA_AUTH_FAILED', /HOLDFAST_KAFKA_SASL_PASSWORD/);
  });

  it('a gateway without the Redis user exits 1, saying to put it in REDIS_URL', async () => {
    const exit = await failedStart('gateway', { REDIS_URL: `redis://127.0.0.1:${redis.port}` });
    expectRefused(exit, 'HF_INFRA_AUTH_FAILED', /requires a login.*REDIS_URL/);
  });

  it('a worker and a gateway with a wrong Redis password exit 1, without printing it', {
    timeout: 180_000,
  }, async () => {
    const url = `redis://holdfast:not-the-password@127.0.0.1:${redis.port}`;
    for (const kind of ['worker', 'gateway'] as const) {
      const exit = await failedStart(kind, { REDIS_URL: url });
      expectRefused(exit, 'HF_INFRA_AUTH_FAILED', /refused the user and password in REDIS_URL/);
      expect(exit.output).not.toContain('not-the-password');
    }
  });
});
