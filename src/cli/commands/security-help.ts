/** The `--help` lines of the Kafka and Redis security settings, names padded to `width`. */
export function kafkaSecurityHelp(width = 36): string {
  return lines(width, [
    [
      'HOLDFAST_KAFKA_SASL_MECHANISM',
      'scram-sha-256 or scram-sha-512: log in to Kafka (unset: no login)',
    ],
    ['HOLDFAST_KAFKA_SASL_USERNAME', 'the SASL user (required with a mechanism)'],
    ['HOLDFAST_KAFKA_SASL_PASSWORD', 'its password…'],
    ['HOLDFAST_KAFKA_SASL_PASSWORD_FILE', '…or a file holding it, such as a mounted Secret'],
    ['HOLDFAST_KAFKA_TLS', 'true: TLS to every broker (default false)'],
    ['HOLDFAST_KAFKA_TLS_CA_FILE', "PEM CA of the brokers' certificates (unset: the system's CAs)"],
  ]);
}

/** The `--help` lines of the kafkajs client's timeouts and retries (`kafkaClientShape`). */
export function kafkaClientHelp(width = 36): string {
  return lines(width, [
    [
      'HOLDFAST_KAFKA_CONNECTION_TIMEOUT_MS',
      'opening a connection to a broker may take this long (default 3000)',
    ],
    [
      'HOLDFAST_KAFKA_REQUEST_TIMEOUT_MS',
      'one Kafka request may wait this long for its answer (default 30000)',
    ],
    ['HOLDFAST_KAFKA_RETRIES', 'retries of a failed Kafka request (default 8)'],
    ['HOLDFAST_KAFKA_RETRY_INITIAL_MS', "the first retry's wait; later ones double (default 100)"],
    ['HOLDFAST_KAFKA_RETRY_MAX_MS', 'the longest wait between two retries (default 3000)'],
    [
      'HOLDFAST_KAFKA_LOGIN_RETRIES',
      'retries of the first login while a broker starts (default 5)',
    ],
    ['HOLDFAST_KAFKA_LOGIN_RETRY_INITIAL_MS', "…the first one's wait (default 300)"],
  ]);
}

export function redisSecurityHelp(width = 36): string {
  return lines(width, [
    [
      'HOLDFAST_REDIS_TLS_CA_FILE',
      "PEM CA of Redis's certificate, with rediss:// (unset: the system's CAs)",
    ],
  ]);
}

function lines(width: number, rows: readonly (readonly [string, string])[]): string {
  return rows
    .map(([name, meaning]) => `  ${name.padEnd(Math.max(width, name.length + 2))}${meaning}`)
    .join('\n');
}
