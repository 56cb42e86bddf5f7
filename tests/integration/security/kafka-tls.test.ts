/**
 * Kafka over TLS with a SCRAM login, for real: this file starts its own broker with a
 * SASL_SSL listener (a certificate from a throw-away CA, PEM files as they are) through
 * src/infra, never the suite's shared one. A client configured as a worker is — from
 * HOLDFAST_KAFKA_TLS, HOLDFAST_KAFKA_TLS_CA_FILE and the SASL variables — logs in and creates
 * a topic; one that trusts another CA, or speaks plain TCP, is stopped with a coded error
 * naming the setting to fix.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWorkerConfig } from '../../../src/config/worker.ts';
import { infraConfig } from '../../../src/infra/config.ts';
import { ensureKafkaJars } from '../../../src/infra/kafka-jars.ts';
import { type LocalKafka, startLocalKafka } from '../../../src/infra/kafka-local.ts';
import { type OrphanReaper, startOrphanReaper } from '../../../src/infra/orphan-reaper.ts';
import { connectKafka } from '../../../src/kafka/access.ts';
import { silentLogger } from '../../support/fixtures.ts';
import { makeTestCertificates, type TestCertificates } from '../../support/tls-certs.ts';

const PASSWORD = `kafka-${randomBytes(9).toString('base64url')}`;

let root: string;
let reaper: OrphanReaper;
let certs: TestCertificates;
let kafka: LocalKafka;

beforeAll(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'holdfast-kafka-tls-')));
  reaper = startOrphanReaper({ ownerPid: process.pid, root });
  certs = await makeTestCertificates(root);
  kafka = await startLocalKafka({
    dataDir: join(root, 'kafka'),
    libsDir: await ensureKafkaJars({ cacheDir: infraConfig(process.env).cacheDir }),
    heapMb: 384,
    sasl: { mechanism: 'scram-sha-512', users: [{ username: 'holdfast', password: PASSWORD }] },
    tls: certs,
  });
});

afterAll(async () => {
  await kafka?.stop();
  reaper?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

/** A Kafka client configured from the environment as a worker's is. */
function connect(env: Record<string, string>) {
  const config = loadWorkerConfig({
    KAFKA_BROKERS: kafka.brokers.join(','),
    REDIS_URL: 'redis://127.0.0.1:9',
    HOLDFAST_KAFKA_SASL_MECHANISM: 'scram-sha-512',
    HOLDFAST_KAFKA_SASL_USERNAME: 'holdfast',
    HOLDFAST_KAFKA_SASL_PASSWORD: PASSWORD,
    ...env,
  });
  return connectKafka({
    brokers: config.kafkaBrokers,
    clientId: 'tls-test',
    logger: silentLogger,
    security: config.kafkaSecurity,
  });
}

describe('Kafka over TLS (SASL_SSL)', () => {
  it('logs in over TLS with the CA in HOLDFAST_KAFKA_TLS_CA_FILE and creates a topic', async () => {
    const client = await connect({
      HOLDFAST_KAFKA_TLS: 'true',
      HOLDFAST_KAFKA_TLS_CA_FILE: certs.caFile,
    });
    const admin = client.admin();
    await admin.connect();
    try {
      const topic = `tls-${randomBytes(4).toString('hex')}`;
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
      expect(await admin.listTopics()).toContain(topic);
    } finally {
      await admin.disconnect();
    }
  });

  it('refuses brokers its CA did not sign, naming HOLDFAST_KAFKA_TLS_CA_FILE', async () => {
    const failure = connect({
      HOLDFAST_KAFKA_TLS: 'true',
      HOLDFAST_KAFKA_TLS_CA_FILE: certs.otherCaFile,
    });
    await expect(failure).rejects.toMatchObject({ code: 'HF_INFRA_AUTH_FAILED' });
    await expect(failure).rejects.toThrow(/HOLDFAST_KAFKA_TLS_CA_FILE/);
  });

  it('without TLS, says the listener needs it (HOLDFAST_KAFKA_TLS)', async () => {
    const failure = connect({});
    await expect(failure).rejects.toMatchObject({ code: 'HF_INFRA_AUTH_FAILED' });
    await expect(failure).rejects.toThrow(/check HOLDFAST_KAFKA_TLS(=true)?$/);
    await expect(failure).rejects.not.toThrow(PASSWORD);
  });
});
