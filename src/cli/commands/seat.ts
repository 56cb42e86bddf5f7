/**
 * `holdfast seat <showId> <seatId>`: a seat's current state and every event of its history,
 * read from `seat-events` (the decisions as they were logged) — for an operator answering
 * "who has this seat, and how did it get there".
 */
import type { Command } from 'commander';
import { loadSeatConfig } from '../../config/commands.ts';
import { ERROR_CODES, HoldfastError } from '../../contract/errors.ts';
import { SeatIdSchema, ShowIdSchema } from '../../contract/ids.ts';
import type { SeatEvent } from '../../contract/kafka-records.ts';
import { connectConfiguredKafka } from '../../kafka/access.ts';
import { readSeatHistory } from '../../kafka/seat-history.ts';
import { topicNames } from '../../kafka/topics.ts';
import { createLogger } from '../../observability/logger.ts';
import { type StoredSeat, storedSeatOf } from '../../state/read-model.ts';
import { terminalSafe } from '../terminal.ts';
import { kafkaClientHelp, kafkaSecurityHelp } from './security-help.ts';

/** The state after the newest state change (events deduplicated by id), as the read model stores it. */
export function currentState(history: readonly SeatEvent[]): StoredSeat {
  let state: StoredSeat = { status: 'available', version: 0 };
  for (const event of history) {
    const stored = storedSeatOf(event);
    if (stored && stored.version > state.version) state = stored;
  }
  return state;
}

function describeEvent(event: SeatEvent): string {
  const detail =
    event.type === 'seat.held'
      ? `hold ${event.holdId} until ${new Date(event.expiresAt).toISOString()}`
      : event.type === 'seat.reserved'
        ? `hold ${event.holdId}`
        : event.type === 'seat.released'
          ? event.cause === 'cancelled'
            ? `hold ${event.holdId} (cancelled from ${event.ownerId ?? '?'}: ${event.reason ?? ''})`
            : `hold ${event.holdId} (${event.cause})`
          : event.type === 'seat.rejected'
            ? event.reason
            : `repeat of ${event.decision.outcome}`;
  // Everything after the type comes from the log, the user id from a client: escaped.
  return [
    new Date(event.occurredAt).toISOString(),
    `v${event.version}`,
    event.type.padEnd(21),
    terminalSafe(event.userId),
    terminalSafe(detail),
    terminalSafe(event.eventId),
  ].join('  ');
}

export function registerSeatCommand(program: Command): void {
  program
    .command('seat')
    .description("Show a seat's current state and its event history from seat-events.")
    .argument('<showId>')
    .argument('<seatId>', 'row label and number, e.g. A1, B12')
    .option('--json', 'print { state, events } as JSON')
    .addHelpText(
      'after',
      `
Reads KAFKA_BROKERS and HOLDFAST_KAFKA_PREFIX (and checks HOLDFAST_PARTITIONS and HOLDFAST_LOG_LEVEL),
and logs in to Kafka with:
${kafkaSecurityHelp()}
${kafkaClientHelp()}
Logs go to stderr. User ids and other values from the log are printed with control characters escaped.`,
    )
    .action(async (showId: string, seatId: string, options: { json?: boolean }) => {
      if (!ShowIdSchema.safeParse(showId).success || !SeatIdSchema.safeParse(seatId).success) {
        throw new HoldfastError(
          ERROR_CODES.USAGE,
          `"${showId}" "${seatId}" is not a well-formed show id and seat id (e.g. demo A1)`,
        );
      }
      const config = loadSeatConfig(process.env);
      const logger = createLogger({ level: 'fatal', destinationFd: 2 });
      const kafka = await connectConfiguredKafka(config, 'holdfast-cli', logger);
      const topic = topicNames(config.kafkaPrefix).events;
      const events = await readSeatHistory({
        kafka,
        topic,
        groupPrefix: config.kafkaPrefix,
        showId,
        seatId,
      });
      const state = currentState(events);
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ showId, seatId, state, events })}\n`);
        return;
      }
      const owner = state.userId ? ` by ${terminalSafe(state.userId)}` : '';
      const until = state.expiresAt ? ` until ${new Date(state.expiresAt).toISOString()}` : '';
      process.stdout.write(
        `${showId}/${seatId}: ${state.status}${owner}${until} (version ${state.version})\n`,
      );
      if (events.length === 0)
        process.stdout.write('no events: never touched (or the show does not exist)\n');
      for (const event of events) process.stdout.write(`  ${describeEvent(event)}\n`);
    });
}
