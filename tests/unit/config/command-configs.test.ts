/**
 * The short-lived commands (`shows`, `seat`, `dev`) read their variables into frozen
 * camelCase objects like the worker and the gateway do, and the kafkajs client is built
 * from the named settings, not from literals.
 */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loadDevConfig, loadSeatConfig, loadShowsConfig } from '../../../src/config/commands.ts';
import { loadGatewayConfig } from '../../../src/config/gateway.ts';
import { isHoldfastError } from '../../../src/contract/errors.ts';
import { kafkaClientConfig } from '../../../src/kafka/client.ts';

const kafkaEnv = { KAFKA_BROKERS: '127.0.0.1:9092' };

function codeOf(load: () => unknown): string | undefined {
  try {
    load();
  } catch (error) {
    if (isHoldfastError(error)) return error.code;
    throw error;
  }
  return undefined;
}

describe('loadShowsConfig', () => {
  it('applies the defaults and reads no Redis without REDIS_URL', () => {
    const config = loadShowsConfig(kafkaEnv);
    expect(config).toMatchObject({
      kafkaBrokers: ['127.0.0.1:9092'],
      kafkaPrefix: '',
      partitions: 12,
      defaultHoldTtlMs: 600_000,
      maxShowSeats: 100_000,
      readModel: undefined,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads each variable into its camelCase field, the read model with REDIS_URL', () => {
    const config = loadShowsConfig({
      ...kafkaEnv,
      HOLDFAST_KAFKA_PREFIX: 'p-',
      HOLDFAST_PARTITIONS: '3',
      HOLDFAST_HOLD_TTL_MS: '5000',
      HOLDFAST_MAX_SHOW_SEATS: '40',
      HOLDFAST_KAFKA_REQUEST_TIMEOUT_MS: '7000',
      REDIS_URL: 'redis://127.0.0.1:6390',
      HOLDFAST_REDIS_PREFIX: 'r',
    });
    expect(config).toMatchObject({
      kafkaPrefix: 'p-',
      partitions: 3,
      defaultHoldTtlMs: 5000,
      maxShowSeats: 40,
      kafkaClient: { requestTimeoutMs: 7000 },
      readModel: { redisUrl: 'redis://127.0.0.1:6390', redisTls: undefined, redisPrefix: 'r' },
    });
    expect(Object.isFrozen(config.readModel)).toBe(true);
  });

  it('refuses a bad variable with a coded error, a Redis one too', () => {
    expect(codeOf(() => loadShowsConfig({ ...kafkaEnv, HOLDFAST_MAX_SHOW_SEATS: '0' }))).toBe(
      'HF_CONFIG_INVALID',
    );
    expect(codeOf(() => loadShowsConfig({ ...kafkaEnv, REDIS_URL: 'http://x' }))).toBe(
      'HF_CONFIG_INVALID',
    );
  });
});

describe('loadSeatConfig', () => {
  it('reads Kafka only, frozen', () => {
    const config = loadSeatConfig({ ...kafkaEnv, HOLDFAST_KAFKA_PREFIX: 't-' });
    expect(config).toMatchObject({ kafkaBrokers: ['127.0.0.1:9092'], kafkaPrefix: 't-' });
    expect(Object.isFrozen(config)).toBe(true);
    expect(codeOf(() => loadSeatConfig({}))).toBe('HF_CONFIG_INVALID');
  });
});

describe('loadDevConfig', () => {
  it('applies the defaults, with a random secret per run', () => {
    const config = loadDevConfig({});
    expect(config).toMatchObject({
      gatewayPort: 3000,
      metricsPort: 9464,
      partitions: 12,
      demoShow: { showId: 'demo', holdTtlMs: 120_000 },
      logLevel: 'info',
      tokens: { maxLifetimeS: 86_400 },
    });
    expect(config.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(loadDevConfig({}).jwtSecret).not.toBe(config.jwtSecret);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.demoShow)).toBe(true);
  });

  it('reads each variable into its camelCase field', () => {
    const secret = 'k3Jq9vXz2LmP8sT4wY6bN1cR5dF7gH0jQ';
    const config = loadDevConfig({
      PORT: '4000',
      HOLDFAST_METRICS_PORT: '9500',
      HOLDFAST_JWT_SECRET: secret,
      HOLDFAST_JWT_ISSUER: 'box-office',
      HOLDFAST_PARTITIONS: '4',
      HOLDFAST_HOLD_TTL_MS: '30000',
      HOLDFAST_DEMO_SHOW: 'gala',
      HOLDFAST_LOG_LEVEL: 'warn',
    });
    expect(config).toMatchObject({
      gatewayPort: 4000,
      metricsPort: 9500,
      jwtSecret: secret,
      tokens: { issuer: 'box-office' },
      partitions: 4,
      demoShow: { showId: 'gala', holdTtlMs: 30_000 },
      logLevel: 'warn',
    });
  });
});

describe("the gateway's command sends", () => {
  it('retry within HOLDFAST_COMMAND_RETRIES, waits from the client settings', () => {
    const env = {
      ...kafkaEnv,
      REDIS_URL: 'redis://127.0.0.1:6379',
      HOLDFAST_JWT_SECRET: 'k3Jq9vXz2LmP8sT4wY6bN1cR5dF7gH0jQ',
    };
    expect(loadGatewayConfig(env).commandRetry).toEqual({
      retries: 3,
      initialMs: 100,
      maxMs: 1000,
    });
    expect(
      loadGatewayConfig({
        ...env,
        HOLDFAST_COMMAND_RETRIES: '0',
        HOLDFAST_COMMAND_RETRY_MAX_MS: '250',
        HOLDFAST_KAFKA_RETRY_INITIAL_MS: '10',
      }).commandRetry,
    ).toEqual({ retries: 0, initialMs: 10, maxMs: 250 });
  });
});

describe('kafkaClientConfig', () => {
  const logger = pino({ level: 'silent' });

  it('hands kafkajs the named timeouts and retries', () => {
    const config = kafkaClientConfig({
      brokers: ['127.0.0.1:1'],
      clientId: 'settings-test',
      logger,
      settings: loadSeatConfig({
        ...kafkaEnv,
        HOLDFAST_KAFKA_CONNECTION_TIMEOUT_MS: '1234',
        HOLDFAST_KAFKA_REQUEST_TIMEOUT_MS: '5678',
        HOLDFAST_KAFKA_RETRIES: '2',
        HOLDFAST_KAFKA_RETRY_INITIAL_MS: '11',
        HOLDFAST_KAFKA_RETRY_MAX_MS: '99',
      }).kafkaClient,
    });
    expect(config).toMatchObject({
      connectionTimeout: 1234,
      requestTimeout: 5678,
      retry: { retries: 2, initialRetryTime: 11, maxRetryTime: 99 },
    });
  });

  it('uses the documented defaults when a tool passes no settings', () => {
    const config = kafkaClientConfig({ brokers: ['127.0.0.1:1'], clientId: 't', logger });
    expect(config).toMatchObject({
      connectionTimeout: 3000,
      requestTimeout: 30_000,
      retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 3000 },
    });
  });
});
