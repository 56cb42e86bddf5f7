import type { Command } from 'commander';
import { loadWorkerConfig } from '../../config/worker.ts';
import { startWorker } from '../../worker/worker.ts';
import { runService } from '../signals.ts';
import { CONSUMER_VARIABLES_HELP } from './consumer-help.ts';
import { kafkaClientHelp, kafkaSecurityHelp, redisSecurityHelp } from './security-help.ts';

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description(
      'Run a reservation worker: owns partitions of seat-commands and decides every hold, ' +
        'confirmation, release and expiry of their seats.',
    )
    .addHelpText(
      'after',
      `
Configuration (environment):
  KAFKA_BROKERS                       host:port[,host:port] (required)
  REDIS_URL                           redis[s]://[user:password@]host:port (required; rediss = TLS)
${kafkaSecurityHelp()}
${kafkaClientHelp()}
${redisSecurityHelp()}
  HOLDFAST_PARTITIONS                 partitions of seat-commands/seat-events (default 12)
  HOLDFAST_SESSION_TIMEOUT_MS         how long a dead worker's partitions wait (default 10000)
${CONSUMER_VARIABLES_HELP}
  HOLDFAST_PARTITION_CONCURRENCY      most partitions handled at once (default 16)
  HOLDFAST_METRICS_PORT               /metrics, /healthz, /readyz (default 9464; 0 = free port)
  HOLDFAST_METRICS_HOST               address they listen on (default 127.0.0.1; 0.0.0.0 in a pod)
  HOLDFAST_DEDUPE_WINDOW_MS           how long a commandId is remembered (default 900000)
  HOLDFAST_ACTOR_IDLE_MS              idle time before a seat actor is passivated (default 60000)
  HOLDFAST_KAFKA_PREFIX, HOLDFAST_REDIS_PREFIX, HOLDFAST_WORKER_ID, HOLDFAST_LOG_LEVEL

Exits 1 at startup, with the setting to fix, when Kafka or Redis refuses the login or TLS fails.
Stops gracefully on SIGTERM or SIGINT: finishes and commits the batch in hand, leaves the group.`,
    )
    .action(async () => {
      const config = loadWorkerConfig(process.env);
      await runService(() => startWorker(config));
    });
}
