/**
 * The decision an event stands for: what a repeated command is answered with
 * (docs/design.md §3.10 Idempotent commands and the repeat memory).
 */
import type { Decision, SeatEvent } from '../contract/kafka-records.ts';

/**
 * The decision that a user command's event records, or `undefined` for an event that is no
 * user's decision: a `seat.released` by expiry (an expiry is the worker's own command, and
 * the release in front of a hold only clears the way for it).
 */
export function decisionOf(event: SeatEvent): Decision | undefined {
  switch (event.type) {
    case 'seat.held':
      return {
        outcome: 'held',
        eventId: event.eventId,
        version: event.version,
        holdId: event.holdId,
        expiresAt: event.expiresAt,
      };
    case 'seat.reserved':
      return {
        outcome: 'reserved',
        eventId: event.eventId,
        version: event.version,
        holdId: event.holdId,
      };
    case 'seat.released':
      if (event.cause === 'expired') return undefined;
      return {
        outcome: 'released',
        eventId: event.eventId,
        version: event.version,
        holdId: event.holdId,
        cause: event.cause,
      };
    case 'seat.rejected':
      return {
        outcome: 'rejected',
        eventId: event.eventId,
        version: event.version,
        reason: event.reason,
      };
    case 'seat.decisionRepeated':
      return event.decision;
  }
}
