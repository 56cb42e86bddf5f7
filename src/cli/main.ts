/**
 * `holdfast`: one CLI for every process and operator task. Each command lives in its own
 * module under `commands/` and is registered here.
 */
import { Command, CommanderError } from 'commander';
import { isHoldfastError } from '../contract/errors.ts';
import { registerCommands } from './commands/index.ts';
import { terminalSafeLines } from './terminal.ts';

const program = new Command()
  .name('holdfast')
  .description('Real-time seat reservation on Kafka, Redis and Socket.IO.')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

registerCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode;
  } else if (isHoldfastError(error)) {
    // Messages quote what was given (ids, arguments, values read back): never raw to a terminal.
    process.stderr.write(`holdfast: ${terminalSafeLines(error.message)} [${error.code}]\n`);
    process.exitCode = 1;
  } else {
    process.stderr.write(
      `holdfast: unexpected failure: ${String((error as Error)?.stack ?? error)}\n`,
    );
    process.exitCode = 1;
  }
}
