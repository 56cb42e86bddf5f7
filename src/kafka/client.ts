/**
 * The one place a kafkajs client is built: brokers and security (SASL/SCRAM, TLS) from
 * configuration, kafkajs's own logs routed into pino, and retries bounded so that no call
 * waits forever.
 */
import { Kafka, type KafkaConfig, type logCreator, logLevel, type RetryOptions } from 'kafkajs';
import {
  DEFAULT_KAFKA_CLIENT_SETTINGS,
  type KafkaClientSettings,
  type RetrySettings,
} from '../config/env.ts';
import type { KafkaSecurity } from '../config/security.ts';
import type { Logger } from '../observability/logger.ts';

const PINO_LEVEL: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.NOTHING]: 'debug',
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

function pinoLogCreator(logger: Logger): logCreator {
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  return () =>
    ({ level, log }) => {
      const { message, ...extra } = log;
      kafkaLogger[PINO_LEVEL[level] ?? 'info'](extra, message);
    };
}

export interface KafkaClientOptions {
  brokers: readonly string[];
  clientId: string;
  logger: Logger;
  /** kafkajs logs at `warn` and above unless asked for more. */
  verbose?: boolean;
  /** Timeouts and retries (`HOLDFAST_KAFKA_*`); absent means their defaults. */
  settings?: KafkaClientSettings;
  /** SASL and TLS; absent means PLAINTEXT. */
  security?: KafkaSecurity;
}

/** The kafkajs `ssl` and `sasl` settings of `security`. */
export function securityOptions(security: KafkaSecurity = {}): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const options: Pick<KafkaConfig, 'ssl' | 'sasl'> = {};
  if (security.tls) options.ssl = security.tls.ca === undefined ? true : { ca: [security.tls.ca] };
  if (security.sasl) {
    const { mechanism, username, password } = security.sasl;
    options.sasl =
      mechanism === 'scram-sha-256'
        ? { mechanism, username, password }
        : { mechanism, username, password };
  }
  return options;
}

/** The Kafka client as the rest of the code passes it around (only this folder knows kafkajs). */
export type KafkaClient = Kafka;

/** A retry budget as kafkajs spells it. */
export function kafkaRetry(retry: RetrySettings): RetryOptions {
  return { retries: retry.retries, initialRetryTime: retry.initialMs, maxRetryTime: retry.maxMs };
}

export function createKafka(options: KafkaClientOptions): KafkaClient {
  return new Kafka(kafkaClientConfig(options));
}

/** What `createKafka` hands kafkajs. */
export function kafkaClientConfig(options: KafkaClientOptions): KafkaConfig {
  const settings = options.settings ?? DEFAULT_KAFKA_CLIENT_SETTINGS;
  return {
    clientId: options.clientId,
    brokers: [...options.brokers],
    ...securityOptions(options.security),
    logLevel: options.verbose ? logLevel.INFO : logLevel.WARN,
    logCreator: pinoLogCreator(options.logger),
    connectionTimeout: settings.connectionTimeoutMs,
    requestTimeout: settings.requestTimeoutMs,
    retry: kafkaRetry(settings.retry),
  };
}
