/**
 * `holdfast seats cancel <showId> <seatId…> --reason R`: an operator undoes holds and
 * reservations. Each seat decides on its own and the command prints one outcome per seat;
 * it exits non-zero when any seat was not cancelled. With the same `--command-id` a retry
 * (after a timeout, say) gets the first decisions again instead of new ones.
 */
import { randomUUID } from 'node:crypto';
import { type Command, InvalidArgumentError } from 'commander';
import { loadSeatConfig } from '../../config/commands.ts';
import { ERROR_CODES, HoldfastError } from '../../contract/errors.ts';
import {
  CancelReasonSchema,
  CommandIdSchema,
  ID_PATTERN,
  SeatIdSchema,
  ShowIdSchema,
} from '../../contract/ids.ts';
import { isSeatOfShow } from '../../contract/seat-layout.ts';
import { connectConfiguredKafka } from '../../kafka/access.ts';
import { type CancellationOutcome, cancelSeats } from '../../kafka/seat-cancellation.ts';
import { ShowCatalog } from '../../kafka/show-catalog.ts';
import { topicNames } from '../../kafka/topics.ts';
import { createLogger } from '../../observability/logger.ts';
import { parseIntOption } from '../options.ts';
import { terminalSafe } from '../terminal.ts';
import { kafkaClientHelp, kafkaSecurityHelp } from './security-help.ts';

interface CancelOptions {
  reason: string;
  commandId?: string;
  operator: string;
  timeoutMs: number;
  json?: boolean;
}

const REFUSALS_IN_WORDS: Partial<Record<string, string>> = {
  NOT_HOLDER: 'nothing is held or reserved there',
  HOLD_EXPIRED: 'its hold has expired already (the seat frees itself)',
  INVALID_PAYLOAD: 'that --command-id was used for another operation on this seat',
};

function checked<T>(value: string, parse: (v: string) => { success: boolean }, what: string): T {
  if (!parse(value).success) throw new InvalidArgumentError(what);
  return value as T;
}

function describe(outcome: CancellationOutcome): string {
  switch (outcome.outcome) {
    case 'cancelled':
      return outcome.repeated
        ? `${outcome.seatId}: cancelled (by this --command-id before)`
        : `${outcome.seatId}: cancelled (was ${terminalSafe(outcome.ownerId ?? 'unknown')}'s)`;
    case 'refused':
      return `${outcome.seatId}: not cancelled, ${outcome.code}: ${REFUSALS_IN_WORDS[outcome.code] ?? outcome.code}`;
    case 'undecided':
      return `${outcome.seatId}: no decision in time: run the same command again with the same --command-id`;
  }
}

async function runCancel(showId: string, seatIds: string[], options: CancelOptions): Promise<void> {
  if (new Set(seatIds).size !== seatIds.length) {
    throw new HoldfastError(ERROR_CODES.USAGE, 'a seat is named twice: name each seat once');
  }
  const config = loadSeatConfig(process.env);
  const logger = createLogger({ level: 'fatal', destinationFd: 2 });
  const kafka = await connectConfiguredKafka(config, 'holdfast-cli', logger);
  const topics = topicNames(config.kafkaPrefix);
  const catalog = await ShowCatalog.start({
    kafka,
    topic: topics.shows,
    groupPrefix: config.kafkaPrefix,
    logger,
  });
  const show = catalog.get(showId);
  await catalog.stop();
  if (!show) {
    throw new HoldfastError(
      ERROR_CODES.USAGE,
      `no show "${showId}": \`holdfast shows list\` lists them`,
    );
  }
  // Every seat is checked before any is asked: a typo cancels nothing.
  const unknown = seatIds.filter((seatId) => !isSeatOfShow(show, seatId));
  if (unknown.length > 0) {
    throw new HoldfastError(
      ERROR_CODES.USAGE,
      `not seats of ${showId} (${show.rows} rows × ${show.seatsPerRow}): ${unknown.join(' ')}; nothing was cancelled`,
    );
  }
  const commandId = options.commandId ?? randomUUID();
  process.stderr.write(
    `holdfast seats cancel: ${seatIds.length} seat(s) of ${showId}, --command-id ${commandId} (give it again to retry safely)\n`,
  );
  const outcomes = await cancelSeats({
    kafka,
    topics,
    groupPrefix: config.kafkaPrefix,
    showId,
    seatIds,
    reason: options.reason,
    operator: options.operator,
    commandId,
    timeoutMs: options.timeoutMs,
  });
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ showId, commandId, outcomes })}\n`);
  } else {
    for (const outcome of outcomes) process.stdout.write(`${describe(outcome)}\n`);
  }
  if (outcomes.some((o) => o.outcome !== 'cancelled')) process.exitCode = 1;
}

export function registerSeatsCommand(program: Command): void {
  const seats = program
    .command('seats')
    .description('Operator actions on seats (they need Kafka access, not a client token).');
  seats
    .command('cancel')
    .description(
      'Cancel holds and reservations: each seat becomes available, its holder or owner is told ' +
        '(seat:cancelled) and their later confirm or release of that hold is CANCELLED. Prints one ' +
        'outcome per seat; exit 1 if any seat was not cancelled (nothing held there, its hold ' +
        'already expired, no decision in time).',
    )
    .argument('<showId>', 'the show', (v) =>
      checked<string>(v, (x) => ShowIdSchema.safeParse(x), `"${v}" is not a well-formed show id`),
    )
    .argument('<seatId...>', 'seats of the show, e.g. A1 B12', (v, previous: string[] = []) => [
      ...previous,
      checked<string>(v, (x) => SeatIdSchema.safeParse(x), `"${v}" is not a seat id (e.g. A1)`),
    ])
    .requiredOption('--reason <text>', 'why, told to the owner (1–200 characters)', (v) =>
      checked<string>(
        v,
        (x) => CancelReasonSchema.safeParse(x),
        '--reason must be 1–200 characters without control characters',
      ),
    )
    .option(
      '--command-id <id>',
      'the id of this cancellation: the same id again repeats its decisions (default: a new one, printed)',
      (v) =>
        checked<string>(
          v,
          (x) => CommandIdSchema.safeParse(x),
          `--command-id must be 1–64 of [A-Za-z0-9_-] (${ID_PATTERN})`,
        ),
    )
    .option(
      '--operator <name>',
      'who cancels, kept in the log as operator:<name> (1–64 of [A-Za-z0-9_-]; default: $USER)',
      (v) =>
        checked<string>(
          v,
          (x) => CommandIdSchema.safeParse(x),
          '--operator must be 1–64 of [A-Za-z0-9_-]',
        ),
      CommandIdSchema.safeParse(process.env.USER).success
        ? (process.env.USER as string)
        : 'operator',
    )
    .option(
      '--timeout-ms <ms>',
      'how long to wait for the decisions (default 30000)',
      parseIntOption('--timeout-ms', 1000, 600_000),
      30_000,
    )
    .option('--json', 'print { showId, commandId, outcomes: [...] } as JSON')
    .addHelpText(
      'after',
      `
Reads KAFKA_BROKERS and HOLDFAST_KAFKA_PREFIX (and checks HOLDFAST_PARTITIONS and HOLDFAST_LOG_LEVEL),
and logs in to Kafka with:
${kafkaSecurityHelp()}
${kafkaClientHelp()}`,
    )
    .action(runCancel);
}
