/**
 * How a failed first contact with Kafka reads to an operator: each kind of kafkajs failure
 * seen against a real SASL broker (see tests/integration/security) becomes a coded error
 * naming the setting to fix; anything else stays a retriable "not reachable".
 */
import { describe, expect, it } from 'vitest';
import { kafkaAccessError, verifyKafkaAccess } from '../../../src/kafka/access.ts';
import type { KafkaClient } from '../../../src/kafka/client.ts';

function kafkaError(name: string, message: string, cause?: Error): Error {
  const error = new Error(message, cause ? { cause } : undefined);
  error.name = name;
  return error;
}

const brokers = ['kafka:9093'];
const sasl = { mechanism: 'scram-sha-256' as const, username: 'holdfast', password: 'pw' };

describe('kafkaAccessError', () => {
  it('a refused SCRAM login names the user and the credential settings, never the password', () => {
    const error = kafkaAccessError(
      kafkaError(
        'KafkaJSSASLAuthenticationError',
        'SASL SCRAM SHA256 authentication failed: invalid credentials',
      ),
      { brokers, security: { sasl } },
    );
    expect(error.code).toBe('HF_INFRA_AUTH_FAILED');
    expect(error.retriable).toBe(false);
    expect(error.message).toMatch(
      /SCRAM-SHA-256 login of user "holdfast".*HOLDFAST_KAFKA_SASL_PASSWORD/,
    );
    expect(error.message).not.toContain('"pw"');
  });

  it('an unsupported mechanism names HOLDFAST_KAFKA_SASL_MECHANISM', () => {
    const error = kafkaAccessError(
      kafkaError(
        'KafkaJSProtocolError',
        'The broker does not support the requested SASL mechanism',
      ),
      { brokers, security: { sasl } },
    );
    expect(error.message).toMatch(/check HOLDFAST_KAFKA_SASL_MECHANISM$/);
  });

  it('a connection closed on a client with no login names the SASL and TLS settings', () => {
    const error = kafkaAccessError(
      kafkaError('KafkaJSConnectionClosedError', 'Closed connection'),
      {
        brokers,
        security: {},
      },
    );
    expect(error.code).toBe('HF_INFRA_AUTH_FAILED');
    expect(error.message).toContain('HOLDFAST_KAFKA_SASL_MECHANISM');
    expect(error.message).toContain('HOLDFAST_KAFKA_TLS');
  });

  it('a TLS failure names the CA file when TLS is on, and asks for TLS when it is off', () => {
    const tlsFailure = kafkaError(
      'KafkaJSNumberOfRetriesExceeded',
      'Connection error',
      kafkaError('KafkaJSConnectionError', 'self-signed certificate in certificate chain'),
    );
    expect(kafkaAccessError(tlsFailure, { brokers, security: { tls: {} } }).message).toContain(
      'HOLDFAST_KAFKA_TLS_CA_FILE',
    );
    expect(kafkaAccessError(tlsFailure, { brokers, security: {} }).message).toMatch(
      /expects TLS.*HOLDFAST_KAFKA_TLS=true/,
    );
  });

  it('an unreachable broker is retriable and names KAFKA_BROKERS', () => {
    const error = kafkaAccessError(
      kafkaError('KafkaJSConnectionError', 'Connection error: connect ECONNREFUSED 10.0.0.1:9093'),
      { brokers, security: { sasl } },
    );
    expect(error).toMatchObject({ code: 'HF_INFRA_NOT_READY', retriable: true });
    expect(error.message).toContain('check KAFKA_BROKERS');
  });
});

describe('verifyKafkaAccess', () => {
  it('retries the login within the login budget it is given (HOLDFAST_KAFKA_LOGIN_RETRIES)', async () => {
    const asked: unknown[] = [];
    const kafka = {
      admin: (config: unknown) => {
        asked.push(config);
        return {
          connect: async () => {},
          describeCluster: async () => ({}),
          disconnect: async () => {},
        };
      },
    } as unknown as KafkaClient;
    await verifyKafkaAccess(
      kafka,
      { brokers: ['127.0.0.1:9092'], security: {} },
      { retries: 7, initialMs: 40, maxMs: 900 },
    );
    expect(asked).toEqual([{ retry: { retries: 7, initialRetryTime: 40, maxRetryTime: 900 } }]);
  });
});
