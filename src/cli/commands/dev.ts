/**
 * `holdfast dev` (and `npm start`): the whole stack on one machine. For now it brings up the
 * infrastructure only; the gateway and workers join it in later work.
 */
import type { Command } from 'commander';
import { runInfraUp } from './infra.ts';

export function registerDevCommand(program: Command): void {
  program
    .command('dev')
    .description(
      'Run Holdfast on this machine. For now: start (or reuse) the local Kafka and Redis and print their addresses; the gateway and workers are not wired in yet.',
    )
    .action(async () => {
      const addresses = await runInfraUp();
      process.stdout.write(
        `KAFKA_BROKERS=${addresses.kafkaBrokers}\nREDIS_URL=${addresses.redisUrl}\n`,
      );
      process.stderr.write(
        'holdfast dev: Kafka and Redis are up and keep running (stop them with `holdfast infra down`).\n' +
          'holdfast dev: the gateway and reservation workers are not part of `dev` yet; they come with later work.\n',
      );
    });
}
