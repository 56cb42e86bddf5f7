/**
 * Redis over TLS with an ACL user, for real: a local redis-server serving only TLS with a
 * certificate from a throw-away CA. A client configured the way a worker is (REDIS_URL
 * `rediss://user:password@…` and HOLDFAST_REDIS_TLS_CA_FILE) reads and writes; one that
 * trusts another CA, or speaks plain redis://, is stopped with a coded error that names the
 * setting to fix.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadWorkerConfig } from '../../../src/config/worker.ts';
import { type LocalRedis, startLocalRedis } from '../../../src/infra/redis-local.ts';
import { createRedis, redisReady } from '../../../src/state/redis.ts';
import { makeTestCertificates, type TestCertificates } from '../../support/tls-certs.ts';

let dir: string;
let certs: TestCertificates;
let redis: LocalRedis;
const clients: Redis[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'holdfast-redis-tls-'));
  certs = await makeTestCertificates(dir);
  redis = await startLocalRedis({
    dataDir: join(dir, 'redis'),
    persist: false,
    auth: { username: 'holdfast', password: 'tls-test-password' },
    tls: certs,
  });
});

afterAll(async () => {
  await redis?.stop();
  await rm(dir, { recursive: true, force: true });
});

afterEach(() => {
  for (const client of clients.splice(0)) client.disconnect();
});

function workerConfig(env: Record<string, string>) {
  return loadWorkerConfig({ KAFKA_BROKERS: '127.0.0.1:9', ...env });
}

function client(url: string, caFile?: string): Redis {
  const config = workerConfig({
    REDIS_URL: url,
    ...(caFile && { HOLDFAST_REDIS_TLS_CA_FILE: caFile }),
  });
  const redisClient = createRedis({ url: config.redisUrl, tls: config.redisTls, name: 'tls-test' });
  redisClient.on('error', () => {}); // the assertions read the readiness outcome
  clients.push(redisClient);
  return redisClient;
}

describe('Redis over TLS', () => {
  it('serves only TLS, at a rediss:// URL with the ACL user in it', () => {
    expect(redis.url).toBe(`rediss://holdfast:tls-test-password@127.0.0.1:${redis.port}`);
  });

  it('works with rediss:// and the CA in HOLDFAST_REDIS_TLS_CA_FILE', async () => {
    const c = client(redis.url, certs.caFile);
    await redisReady(c, redis.url);
    await c.set('tls-test-key', 'ok');
    expect(await c.get('tls-test-key')).toBe('ok');
  });

  it('refuses a server its CA did not sign, naming HOLDFAST_REDIS_TLS_CA_FILE', async () => {
    const c = client(redis.url, certs.otherCaFile);
    const failure = redisReady(c, redis.url);
    await expect(failure).rejects.toMatchObject({ code: 'HF_INFRA_AUTH_FAILED' });
    await expect(failure).rejects.toThrow(/HOLDFAST_REDIS_TLS_CA_FILE/);
  });

  it('refuses the system trust store for a private CA (no CA file given)', async () => {
    const c = client(redis.url);
    await expect(redisReady(c, redis.url)).rejects.toMatchObject({
      code: 'HF_INFRA_AUTH_FAILED',
      message: expect.stringContaining('HOLDFAST_REDIS_TLS_CA_FILE'),
    });
  });

  it('does not get ready over plain redis:// and says to check REDIS_URL, without its password', async () => {
    const plain = redis.url.replace('rediss://', 'redis://');
    const c = client(plain);
    const failure = redisReady(c, plain, 3000);
    await expect(failure).rejects.toMatchObject({ code: 'HF_INFRA_NOT_READY' });
    await expect(failure).rejects.toThrow(/REDIS_URL/);
    await expect(failure).rejects.not.toThrow(/tls-test-password/);
  });
});
