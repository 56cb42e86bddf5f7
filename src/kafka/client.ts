/**
 * The one place a kafkajs client is built: brokers and security (SASL/SCRAM, TLS) from
 * configuration, kafkajs's own logs routed into pino, and retries bounded so that no call
 * waits forever.
 */
import { Kafka, type KafkaConfig, type logCreator, logLevel } from 'kafkajs';
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
  retry?: KafkaConfig['retry'];
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

export function createKafka(options: KafkaClientOptions): KafkaClient {
  return new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    ...securityOptions(options.security),
    logLevel: options.verbose ? logLevel.INFO : logLevel.WARN,
    logCreator: pinoLogCreator(options.logger),
    connectionTimeout: 3000,
    requestTimeout: 30000,
    retry: options.retry ?? { retries: 8, initialRetryTime: 100, maxRetryTime: 3000 },
  });
}
