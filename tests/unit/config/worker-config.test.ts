import { describe, expect, it } from 'vitest';
import { loadWorkerConfig } from '../../../src/config/worker.ts';
import { isHoldfastError } from '../../../src/contract/errors.ts';

const base = {
  KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.2:9093',
  REDIS_URL: 'redis://127.0.0.1:6379',
};

function problems(env: Record<string, string>): string {
  try {
    loadWorkerConfig(env);
  } catch (error) {
    if (isHoldfastError(error)) return error.message;
    throw error;
  }
  return 'no error';
}

describe('loadWorkerConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadWorkerConfig(base);
    expect(config).toEqual({
      workerId: expect.stringMatching(/^worker-[0-9a-f]{8}$/),
      kafkaBrokers: ['127.0.0.1:9092', '127.0.0.2:9093'],
      redisUrl: 'redis://127.0.0.1:6379',
      kafkaSecurity: {},
      kafkaClient: {
        connectionTimeoutMs: 3000,
        requestTimeoutMs: 30_000,
        retry: { retries: 8, initialMs: 100, maxMs: 3000 },
        loginRetry: { retries: 5, initialMs: 300, maxMs: 3000 },
      },
      redisTls: undefined,
      kafkaPrefix: '',
      redisPrefix: 'holdfast',
      partitions: 12,
      logLevel: 'info',
      sessionTimeoutMs: 10_000,
      commitIntervalMs: 5000,
      fetchMinBytes: 1024,
      fetchMaxWaitMs: 20,
      consumerGroup: {
        heartbeatIntervalMs: 1000,
        rebalanceTimeoutMs: 10_000,
        retries: 8,
        retryInitialMs: 100,
        retryMaxMs: 3000,
      },
      partitionConcurrency: 16,
      metricsPort: 9464,
      metricsHost: '127.0.0.1',
      dedupeWindowMs: 900_000,
      actorIdleMs: 60_000,
    });
    expect(loadWorkerConfig(base).workerId).not.toBe(config.workerId);
  });

  it('is frozen, its broker list too', () => {
    const config = loadWorkerConfig(base);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.kafkaBrokers)).toBe(true);
    expect(Object.isFrozen(config.consumerGroup)).toBe(true);
    expect(Object.isFrozen(config.kafkaClient.retry)).toBe(true);
    expect(() => {
      (config as { partitions: number }).partitions = 3;
    }).toThrow(TypeError);
  });

  it('reads each variable into its camelCase field', () => {
    const config = loadWorkerConfig({
      ...base,
      HOLDFAST_WORKER_ID: 'w-1',
      HOLDFAST_KAFKA_PREFIX: 'p-',
      HOLDFAST_REDIS_PREFIX: 'r',
      HOLDFAST_PARTITIONS: '3',
      HOLDFAST_LOG_LEVEL: 'warn',
      HOLDFAST_SESSION_TIMEOUT_MS: '6000',
      HOLDFAST_COMMIT_INTERVAL_MS: '1000',
      HOLDFAST_FETCH_MIN_BYTES: '1',
      HOLDFAST_FETCH_MAX_WAIT_MS: '5',
      HOLDFAST_PARTITION_CONCURRENCY: '2',
      HOLDFAST_HEARTBEAT_INTERVAL_MS: '500',
      HOLDFAST_REBALANCE_TIMEOUT_MS: '20000',
      HOLDFAST_CONSUMER_RETRIES: '0',
      HOLDFAST_CONSUMER_RETRY_INITIAL_MS: '50',
      HOLDFAST_CONSUMER_RETRY_MAX_MS: '500',
      HOLDFAST_METRICS_PORT: '0',
      HOLDFAST_METRICS_HOST: '0.0.0.0',
      HOLDFAST_DEDUPE_WINDOW_MS: '2000',
      HOLDFAST_ACTOR_IDLE_MS: '100',
      HOLDFAST_KAFKA_CONNECTION_TIMEOUT_MS: '1500',
      HOLDFAST_KAFKA_REQUEST_TIMEOUT_MS: '9000',
      HOLDFAST_KAFKA_RETRIES: '2',
      HOLDFAST_KAFKA_RETRY_INITIAL_MS: '20',
      HOLDFAST_KAFKA_RETRY_MAX_MS: '400',
      HOLDFAST_KAFKA_LOGIN_RETRIES: '1',
      HOLDFAST_KAFKA_LOGIN_RETRY_INITIAL_MS: '50',
    });
    expect(config).toMatchObject({
      workerId: 'w-1',
      kafkaPrefix: 'p-',
      redisPrefix: 'r',
      partitions: 3,
      logLevel: 'warn',
      sessionTimeoutMs: 6000,
      commitIntervalMs: 1000,
      fetchMinBytes: 1,
      fetchMaxWaitMs: 5,
      partitionConcurrency: 2,
      consumerGroup: {
        heartbeatIntervalMs: 500,
        rebalanceTimeoutMs: 20_000,
        retries: 0,
        retryInitialMs: 50,
        retryMaxMs: 500,
      },
      metricsPort: 0,
      metricsHost: '0.0.0.0',
      dedupeWindowMs: 2000,
      actorIdleMs: 100,
      kafkaClient: {
        connectionTimeoutMs: 1500,
        requestTimeoutMs: 9000,
        retry: { retries: 2, initialMs: 20, maxMs: 400 },
        loginRetry: { retries: 1, initialMs: 50, maxMs: 400 },
      },
    });
  });

  it('names every bad variable at once, with a coded error', () => {
    const message = problems({
      REDIS_URL: 'http://nope',
      HOLDFAST_ACTOR_IDLE_MS: 'soon',
      HOLDFAST_PARTITION_CONCURRENCY: '0',
    });
    expect(message).toContain('KAFKA_BROKERS');
    expect(message).toContain('REDIS_URL: must start with redis://');
    expect(message).toContain('HOLDFAST_ACTOR_IDLE_MS: must be a whole number (got "soon")');
    expect(message).toContain('HOLDFAST_PARTITION_CONCURRENCY');
  });
});
