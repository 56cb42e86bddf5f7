/**
 * An operator's cancellation of seats (`holdfast seats cancel`): one `seat.cancelRequest`
 * per seat on `seat-commands`, then each seat's decision read off `seat-events` (no gateway
 * waits on these commands: their `replyTo` is empty). The same `commandId` on a retry gets
 * the seat's remembered decision, so a retry after a timeout is safe.
 */
import { randomUUID } from 'node:crypto';
import { ERROR_CODES, isHoldfastError } from '../contract/errors.ts';
import { operatorUserId, seatKey } from '../contract/ids.ts';
import type { CancelRequest, SeatEvent } from '../contract/kafka-records.ts';
import type { RejectionReason } from '../contract/refusals.ts';
import { withAdmin } from './admin.ts';
import type { KafkaClient } from './client.ts';
import { decodeEvent, encodeCommand } from './codec.ts';
import { partitionOfKey } from './partitioning.ts';
import { createProducer, sendInOrder } from './producer.ts';
import { OPEN_END, readRanges } from './range-reader.ts';

export interface CancellationRequest {
  kafka: KafkaClient;
  topics: { commands: string; events: string };
  /** The deployment's `HOLDFAST_KAFKA_PREFIX`: the reading group's name starts with it. */
  groupPrefix: string;
  showId: string;
  /** Distinct seats of the show's layout (the caller checks both). */
  seatIds: readonly string[];
  reason: string;
  /** Who cancels: the commands' user is `operatorUserId(operator)`. */
  operator: string;
  /** The same id again repeats the first decisions instead of deciding afresh. */
  commandId: string;
  /** How long to wait for every seat's decision. */
  timeoutMs: number;
}

/** What became of one seat. */
export type CancellationOutcome =
  | {
      seatId: string;
      outcome: 'cancelled';
      /** Who held or owned it (absent when a retry repeats an earlier cancellation). */
      ownerId?: string;
      version: number;
      repeated: boolean;
    }
  | { seatId: string; outcome: 'refused'; code: RejectionReason; version: number }
  | { seatId: string; outcome: 'undecided' };

export async function cancelSeats(request: CancellationRequest): Promise<CancellationOutcome[]> {
  const { kafka, topics } = request;
  const attempt = randomUUID();
  const commands: CancelRequest[] = request.seatIds.map((seatId) => ({
    type: 'seat.cancelRequest',
    commandId: request.commandId,
    correlationId: `${attempt}/${seatId}`,
    replyTo: '',
    showId: request.showId,
    seatId,
    userId: operatorUserId(request.operator),
    sentAt: Date.now(),
    reason: request.reason,
  }));
  // Where each seat's partition of seat-events ends now: its decision comes after.
  const ends = await withAdmin(kafka, (admin) => admin.fetchTopicOffsets(topics.events));
  const from = new Map<number, { from: bigint; end: bigint }>();
  for (const command of commands) {
    const partition = partitionOfKey(seatKey(command.showId, command.seatId), ends.length);
    const high = ends.find((o) => o.partition === partition)?.high ?? '0';
    from.set(partition, { from: BigInt(high), end: OPEN_END });
  }
  const producer = createProducer(kafka);
  await producer.connect();
  try {
    await sendInOrder(producer, [
      { topic: topics.commands, messages: commands.map(encodeCommand) },
    ]);
  } finally {
    await producer.disconnect();
  }
  const decisions = new Map<string, SeatEvent>();
  const wanted = new Set(commands.map((c) => c.correlationId));
  try {
    await readRanges({
      kafka,
      topic: topics.events,
      groupPrefix: request.groupPrefix,
      purpose: 'cancellation',
      ranges: from,
      timeoutMs: request.timeoutMs,
      onRecord: (_partition, message) => {
        const decoded = decodeEvent(message);
        if (!decoded.ok || !wanted.has(decoded.value.correlationId)) return;
        // A decision's first event is its answer (a cancellation makes one).
        if (!decisions.has(decoded.value.correlationId)) {
          decisions.set(decoded.value.correlationId, decoded.value);
        }
      },
      until: () => decisions.size === wanted.size,
    });
  } catch (error) {
    // Out of time: the seats without a decision say so; the others are still reported.
    if (!isHoldfastError(error, ERROR_CODES.TIMEOUT)) throw error;
  }
  return commands.map((command) => outcomeOf(command.seatId, decisions.get(command.correlationId)));
}

function outcomeOf(seatId: string, event: SeatEvent | undefined): CancellationOutcome {
  if (event === undefined) return { seatId, outcome: 'undecided' };
  switch (event.type) {
    case 'seat.released':
      return {
        seatId,
        outcome: 'cancelled',
        ownerId: event.ownerId,
        version: event.version,
        repeated: false,
      };
    case 'seat.rejected':
      return { seatId, outcome: 'refused', code: event.reason, version: event.version };
    case 'seat.decisionRepeated': {
      const { decision } = event;
      if (decision.outcome === 'released' && decision.cause === 'cancelled') {
        return { seatId, outcome: 'cancelled', version: decision.version, repeated: true };
      }
      if (decision.outcome === 'rejected') {
        return { seatId, outcome: 'refused', code: decision.reason, version: decision.version };
      }
      // The commandId was used for another operation on this seat.
      return { seatId, outcome: 'refused', code: 'INVALID_PAYLOAD', version: event.version };
    }
    default:
      return { seatId, outcome: 'refused', code: 'INVALID_PAYLOAD', version: event.version };
  }
}
