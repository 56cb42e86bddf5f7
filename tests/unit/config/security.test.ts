/**
 * Kafka and Redis security from the environment: what a complete configuration becomes (the
 * kafkajs and ioredis options), every half configuration refused with the variables named,
 * and secrets kept out of messages and serialised configs.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGatewayConfig } from '../../../src/config/gateway.ts';
import { redactRedisUrl } from '../../../src/config/security.ts';
import { loadWorkerConfig } from '../../../src/config/worker.ts';
import { securityOptions } from '../../../src/kafka/client.ts';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const base = { KAFKA_BROKERS: 'kafka:9093', REDIS_URL: 'redis://redis:6379' };
let dir: string;
let caFile: string;
let passwordFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'holdfast-security-'));
  caFile = join(dir, 'ca.pem');
  passwordFile = join(dir, 'password');
  await writeFile(caFile, PEM);
  await writeFile(passwordFile, 'from-a-file\n');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The message of the error `load` throws, or fails the test. */
function refusal(load: () => unknown): { code: string; message: string } {
  try {
    load();
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected the configuration to be refused');
}

describe('Kafka security configuration', () => {
  it('is PLAINTEXT when nothing is set', () => {
    const config = loadWorkerConfig(base);
    expect(config.kafkaSecurity).toEqual({});
    expect(securityOptions(config.kafkaSecurity)).toEqual({});
  });

  it('becomes kafkajs SASL/SCRAM and TLS options, with the CA read from its file', () => {
    const config = loadWorkerConfig({
      ...base,
      HOLDFAST_KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      HOLDFAST_KAFKA_SASL_USERNAME: 'holdfast',
      HOLDFAST_KAFKA_SASL_PASSWORD: 'p4ss',
      HOLDFAST_KAFKA_TLS: 'true',
      HOLDFAST_KAFKA_TLS_CA_FILE: caFile,
    });
    expect(securityOptions(config.kafkaSecurity)).toEqual({
      ssl: { ca: [PEM] },
      sasl: { mechanism: 'scram-sha-512', username: 'holdfast', password: 'p4ss' },
    });
  });

  it('uses the system trust store when TLS is on without a CA file', () => {
    const config = loadWorkerConfig({ ...base, HOLDFAST_KAFKA_TLS: 'true' });
    expect(securityOptions(config.kafkaSecurity)).toEqual({ ssl: true });
  });

  it('reads the password from a file, without its trailing newline', () => {
    const config = loadGatewayConfig({
      ...base,
      HOLDFAST_JWT_SECRET: 'k7Qx2-fLp9Zr4-Wm8Vt3-Hy6Bn1-Jc5Ds0-Pe2Gu8Ao',
      HOLDFAST_KAFKA_SASL_MECHANISM: 'scram-sha-256',
      HOLDFAST_KAFKA_SASL_USERNAME: 'holdfast',
      HOLDFAST_KAFKA_SASL_PASSWORD_FILE: passwordFile,
    });
    expect(config.kafkaSecurity.sasl?.password).toBe('from-a-file');
  });

  it('never serialises the password (a config that reaches a log line)', () => {
    const config = loadWorkerConfig({
      ...base,
      HOLDFAST_KAFKA_SASL_MECHANISM: 'scram-sha-256',
      HOLDFAST_KAFKA_SASL_USERNAME: 'holdfast',
      HOLDFAST_KAFKA_SASL_PASSWORD: 'do-not-log-me',
    });
    const logged = JSON.stringify(config);
    expect(logged).not.toContain('do-not-log-me');
    expect(logged).toContain('"username":"holdfast"');
  });

  it('refuses a mechanism without user and password, naming both', () => {
    const error = refusal(() =>
      loadWorkerConfig({ ...base, HOLDFAST_KAFKA_SASL_MECHANISM: 'scram-sha-256' }),
    );
    expect(error.code).toBe('HF_CONFIG_INVALID');
    expect(error.message).toContain('HOLDFAST_KAFKA_SASL_USERNAME: required');
    expect(error.message).toContain('HOLDFAST_KAFKA_SASL_PASSWORD: required');
  });

  it('refuses a user and password without a mechanism', () => {
    const error = refusal(() =>
      loadWorkerConfig({
        ...base,
        HOLDFAST_KAFKA_SASL_USERNAME: 'holdfast',
        HOLDFAST_KAFKA_SASL_PASSWORD: 'secret-value',
      }),
    );
    expect(error.message).toMatch(/HOLDFAST_KAFKA_SASL_MECHANISM: required .*scram-sha-256/);
    expect(error.message).not.toContain('secret-value');
  });

  it('refuses an unknown mechanism, both password forms, and a CA file without TLS — all at once', () => {
    const error = refusal(() =>
      loadWorkerConfig({
        ...base,
        HOLDFAST_KAFKA_SASL_MECHANISM: 'plain',
        HOLDFAST_KAFKA_SASL_USERNAME: 'holdfast',
        HOLDFAST_KAFKA_SASL_PASSWORD: 'x',
        HOLDFAST_KAFKA_SASL_PASSWORD_FILE: passwordFile,
      }),
    );
    expect(error.message).toContain(
      'HOLDFAST_KAFKA_SASL_MECHANISM: must be scram-sha-256 or scram-sha-512',
    );
    const later = refusal(() =>
      loadWorkerConfig({
        ...base,
        HOLDFAST_KAFKA_SASL_MECHANISM: 'scram-sha-256',
        HOLDFAST_KAFKA_SASL_USERNAME: 'holdfast',
        HOLDFAST_KAFKA_SASL_PASSWORD: 'x',
        HOLDFAST_KAFKA_SASL_PASSWORD_FILE: passwordFile,
        HOLDFAST_KAFKA_TLS_CA_FILE: caFile,
      }),
    );
    expect(later.message).toContain('set either it or HOLDFAST_KAFKA_SASL_PASSWORD, not both');
    expect(later.message).toContain(
      'HOLDFAST_KAFKA_TLS_CA_FILE: set, but HOLDFAST_KAFKA_TLS is not true',
    );
  });

  it('refuses files it cannot read or that hold no certificate, naming the variable and path', () => {
    const missing = join(dir, 'missing');
    const error = refusal(() =>
      loadWorkerConfig({
        ...base,
        HOLDFAST_KAFKA_SASL_MECHANISM: 'scram-sha-256',
        HOLDFAST_KAFKA_SASL_USERNAME: 'holdfast',
        HOLDFAST_KAFKA_SASL_PASSWORD_FILE: missing,
        HOLDFAST_KAFKA_TLS: 'true',
        HOLDFAST_KAFKA_TLS_CA_FILE: passwordFile,
      }),
    );
    expect(error.message).toContain(
      `HOLDFAST_KAFKA_SASL_PASSWORD_FILE: cannot read ${missing} (ENOENT)`,
    );
    expect(error.message).toContain(
      `HOLDFAST_KAFKA_TLS_CA_FILE: ${passwordFile} holds no PEM certificate`,
    );
    expect(error.message).not.toContain('from-a-file');
  });

  it('refuses HOLDFAST_KAFKA_TLS other than true or false', () => {
    expect(
      refusal(() => loadWorkerConfig({ ...base, HOLDFAST_KAFKA_TLS: 'yes' })).message,
    ).toContain('HOLDFAST_KAFKA_TLS: must be true or false');
  });
});

describe('Redis security configuration', () => {
  it('takes the CA with rediss://', () => {
    const config = loadWorkerConfig({
      ...base,
      REDIS_URL: 'rediss://holdfast:pw@redis:6380',
      HOLDFAST_REDIS_TLS_CA_FILE: caFile,
    });
    expect(config.redisTls).toEqual({ ca: PEM });
  });

  it('refuses a CA file with plain redis://, naming both variables', () => {
    const error = refusal(() => loadWorkerConfig({ ...base, HOLDFAST_REDIS_TLS_CA_FILE: caFile }));
    expect(error.message).toContain(
      'HOLDFAST_REDIS_TLS_CA_FILE: set, but REDIS_URL is not rediss://',
    );
  });

  it('refuses a malformed REDIS_URL without echoing its password', () => {
    const error = refusal(() => loadWorkerConfig({ ...base, REDIS_URL: 'redis://:hunter2@' }));
    expect(error.message).toContain('REDIS_URL: must be redis[s]://[user:password@]host:port');
    expect(error.message).not.toContain('hunter2');
  });

  it('redacts the password of a URL for a terminal or a log', () => {
    expect(redactRedisUrl('redis://holdfast:s3cr@t@redis:6379/0')).toBe(
      'redis://holdfast:***@redis:6379/0',
    );
    expect(redactRedisUrl('rediss://:pw@redis:6380')).toBe('rediss://:***@redis:6380');
    expect(redactRedisUrl('redis://redis:6379')).toBe('redis://redis:6379');
  });
});
