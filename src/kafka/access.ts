/**
 * The first thing a process does with Kafka: log in and describe the cluster, so that
 * wrong credentials or TLS settings stop it at once with a coded error naming the setting
 * to fix, instead of surfacing later as retries and timeouts deep in a consumer.
 */

import {
  DEFAULT_KAFKA_CLIENT_SETTINGS,
  type KafkaConnectionConfig,
  type RetrySettings,
} from '../config/env.ts';
import type { KafkaSecurity } from '../config/security.ts';
import { ERROR_CODES, HoldfastError } from '../contract/errors.ts';
import type { Logger } from '../observability/logger.ts';
import { createKafka, type KafkaClient, type KafkaClientOptions, kafkaRetry } from './client.ts';

export interface KafkaTarget {
  brokers: readonly string[];
  security: KafkaSecurity;
}

const SASL_VARIABLES =
  'HOLDFAST_KAFKA_SASL_MECHANISM, HOLDFAST_KAFKA_SASL_USERNAME and HOLDFAST_KAFKA_SASL_PASSWORD (or _FILE)';

/** A logged-in client of a process configured from the environment (`KafkaConnectionConfig`). */
export function connectConfiguredKafka(
  config: KafkaConnectionConfig,
  clientId: string,
  logger: Logger,
): Promise<KafkaClient> {
  return connectKafka({
    brokers: config.kafkaBrokers,
    clientId,
    logger,
    security: config.kafkaSecurity,
    settings: config.kafkaClient,
  });
}

/** A client built from `options` that has logged in (see `verifyKafkaAccess`). */
export async function connectKafka(options: KafkaClientOptions): Promise<KafkaClient> {
  const kafka = createKafka(options);
  const settings = options.settings ?? DEFAULT_KAFKA_CLIENT_SETTINGS;
  await verifyKafkaAccess(
    kafka,
    { brokers: options.brokers, security: options.security ?? {} },
    settings.loginRetry,
  );
  return kafka;
}

/**
 * Resolves once `kafka` has logged in and described the cluster. A broker still starting
 * answers within `retry` (`HOLDFAST_KAFKA_LOGIN_RETRIES`); a refused login does not retry.
 */
export async function verifyKafkaAccess(
  kafka: KafkaClient,
  target: KafkaTarget,
  retry: RetrySettings = DEFAULT_KAFKA_CLIENT_SETTINGS.loginRetry,
): Promise<void> {
  const admin = kafka.admin({ retry: kafkaRetry(retry) });
  try {
    await admin.connect();
    await admin.describeCluster();
  } catch (error) {
    throw kafkaAccessError(error, target);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** What went wrong reaching Kafka, as an operator must read it: which setting to fix. */
export function kafkaAccessError(error: unknown, target: KafkaTarget): HoldfastError {
  const where = `Kafka at ${target.brokers.join(',')}`;
  const { sasl, tls } = target.security;
  const text = describe(error);
  const denied = (message: string, settings: string) =>
    new HoldfastError(ERROR_CODES.INFRA_AUTH_FAILED, `${message}: check ${settings}`, {
      cause: error,
      context: { brokers: target.brokers, sasl: sasl?.mechanism ?? 'none', tls: !!tls },
    });
  if (/SASLAuthenticationError|authentication failed/i.test(text) && sasl) {
    return denied(
      `${where} refused the ${sasl.mechanism.toUpperCase()} login of user "${sasl.username}"`,
      'HOLDFAST_KAFKA_SASL_USERNAME and HOLDFAST_KAFKA_SASL_PASSWORD (or _FILE)',
    );
  }
  if (/does not support the requested SASL mechanism/i.test(text) && sasl) {
    return denied(
      `${where} does not offer SASL mechanism ${sasl.mechanism.toUpperCase()}`,
      'HOLDFAST_KAFKA_SASL_MECHANISM',
    );
  }
  if (/TLS|SSL|certificate|self[- ]signed|wrong version number/i.test(text)) {
    return tls
      ? denied(
          `TLS with ${where} failed (${firstLine(text)})`,
          'HOLDFAST_KAFKA_TLS_CA_FILE (the CA that signed the brokers), and that the listener speaks TLS (else unset HOLDFAST_KAFKA_TLS)',
        )
      : denied(`${where} expects TLS (${firstLine(text)})`, 'HOLDFAST_KAFKA_TLS=true');
  }
  // A listener that wants SASL or TLS closes a connection that sends neither.
  if (/Closed connection|ConnectionClosed/i.test(text) && (!sasl || !tls)) {
    const missing = [sasl ? undefined : SASL_VARIABLES, tls ? undefined : 'HOLDFAST_KAFKA_TLS']
      .filter((s) => s !== undefined)
      .join(', or ');
    return denied(
      `${where} closed the connection before answering: its listener likely needs a login or TLS this process does not send`,
      missing,
    );
  }
  return new HoldfastError(
    ERROR_CODES.INFRA_NOT_READY,
    `${where} not reachable (${firstLine(text)}): check KAFKA_BROKERS, and that the brokers run`,
    { cause: error, retriable: true, context: { brokers: target.brokers } },
  );
}

/** The error and its causes, for matching (kafkajs nests the socket's error). */
function describe(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    parts.push(`${current.name}: ${current.message}`);
    const next = current as Error & { originalError?: unknown };
    current = next.cause ?? next.originalError;
  }
  return parts.length > 0 ? parts.join(' <- ') : String(error);
}

const firstLine = (text: string) => text.split('\n')[0] ?? text;
