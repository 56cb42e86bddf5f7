/**
 * `holdfast infra up | down | status`: the local Kafka and Redis every test, benchmark and
 * dev stack runs against. `up` prints only shell-evaluable lines on stdout (values
 * quoted where a shell would read them otherwise), so that `eval "$(holdfast infra up)"` works; everything else goes to stderr.
 */
import type { Command } from 'commander';
import { redactRedisUrl } from '../../config/security.ts';
import { infraConfig } from '../../infra/config.ts';
import { dockerEngineAnswers } from '../../infra/docker.ts';
import { KAFKA_VERSION } from '../../infra/kafka-jars.ts';
import { infraDown, infraStatus, infraUp, type ServiceStatus } from '../../infra/stack.ts';
import { shellAssignments } from '../terminal.ts';
import { kafkaSecurityHelp, redisSecurityHelp } from './security-help.ts';

const progress = (message: string) => process.stderr.write(`holdfast infra: ${message}\n`);

/** Brings the stack up (or finds it up) and returns its addresses: shared with `holdfast dev`. */
export async function runInfraUp(): Promise<{ kafkaBrokers: string; redisUrl: string }> {
  const config = infraConfig(process.env);
  // Containers must outlive this command (testcontainers would reap them when it exits):
  // `holdfast infra down` removes them.
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  return infraUp({
    infraDir: config.infraDir,
    cacheDir: config.cacheDir,
    kafkaBrokers: config.kafkaBrokers,
    redisUrl: config.redisUrl,
    kafkaSecurity: config.kafkaSecurity,
    redisTls: config.redisTls,
    pathVar: config.pathVar,
    dockerEngineAnswers,
    onProgress: progress,
  });
}

function describe(status: ServiceStatus): string {
  if (status.provider === 'none') return `${status.service}: not started by holdfast infra up`;
  const facts = [
    // A REDIS_URL from the environment may carry a password.
    status.service === 'redis' && status.address ? redactRedisUrl(status.address) : status.address,
    `via ${status.provider}`,
    status.pid === undefined ? undefined : `pid ${status.pid}`,
    status.containerId === undefined ? undefined : `container ${status.containerId.slice(0, 12)}`,
    status.answering ? 'answering' : status.running ? 'running, NOT answering' : 'NOT running',
    status.logFile === undefined ? undefined : `log ${status.logFile}`,
  ];
  return `${status.service}: ${facts.filter((fact) => fact !== undefined).join(', ')}`;
}

export function registerInfraCommand(program: Command): void {
  const infra = program
    .command('infra')
    .description(
      `Local infrastructure: one real Kafka ${KAFKA_VERSION} broker and one Redis, for tests, benchmarks and the dev stack.`,
    )
    .addHelpText(
      'after',
      `
Where each service comes from, in order:
  1. KAFKA_BROKERS / REDIS_URL, when set: used as they are (up waits until they answer);
  2. a Docker engine, through testcontainers, only if one answers;
  3. local processes: a single-node KRaft broker run with java from the Kafka ${KAFKA_VERSION}
     jars (fetched once through Maven into the cache), and redis-server on a free port.

Configuration (environment):
  KAFKA_BROKERS        host:port[,host:port] of a running Kafka to use
  REDIS_URL            redis[s]://[user:password@]host:port of a running Redis to use
  To wait for secured ones (local services are never secured by "up"):
${kafkaSecurityHelp()}
${redisSecurityHelp()}
  HOLDFAST_INFRA_DIR   state and data dirs of up/down/status (default <cache>/infra)
  HOLDFAST_CACHE_DIR   the jar cache (default $XDG_CACHE_HOME/holdfast or ~/.cache/holdfast)`,
    );

  infra
    .command('up')
    .description(
      'Start Kafka and Redis, or reuse them if already up; wait until Kafka creates a topic ' +
        'with a leader and Redis answers PING; print KAFKA_BROKERS=… and REDIS_URL=… on stdout, ' +
        'quoted where a shell needs it ' +
        '(progress goes to stderr). The services keep running: eval "$(holdfast infra up)".',
    )
    .action(async () => {
      const addresses = await runInfraUp();
      process.stdout.write(
        shellAssignments({ KAFKA_BROKERS: addresses.kafkaBrokers, REDIS_URL: addresses.redisUrl }),
      );
    });

  infra
    .command('down')
    .description(
      'Stop what "infra up" started, and only that (SIGTERM, SIGKILL after 20 s); return once it has exited.',
    )
    .option('--purge', 'also delete the Kafka and Redis data dirs', false)
    .action(async (options: { purge: boolean }) => {
      const config = infraConfig(process.env);
      await infraDown({ infraDir: config.infraDir, purge: options.purge, onProgress: progress });
    });

  infra
    .command('status')
    .description(
      'Say what runs where, and whether it answers now. Exits 1 unless both services answer.',
    )
    .option('--json', 'print the status as JSON', false)
    .action(async (options: { json: boolean }) => {
      const config = infraConfig(process.env);
      const statuses = await infraStatus(config.infraDir);
      process.stdout.write(
        options.json
          ? `${JSON.stringify({ infraDir: config.infraDir, services: statuses }, null, 2)}\n`
          : `${statuses.map(describe).join('\n')}\n(state in ${config.infraDir})\n`,
      );
      if (!statuses.every((status) => status.answering)) process.exitCode = 1;
    });
}
