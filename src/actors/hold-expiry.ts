/**
 * The `seat.holdExpiry` command a hold's timer produces (docs/design.md §2.5): timers emit
 * commands, never state changes. Its ids derive from the hold, so a timer that fires twice
 * (after a restart or a retry) produces the same command again, and the second is a no-op.
 */
import type { HoldExpiry } from '../contract/kafka-records.ts';

/** The hold a timer expires. */
export interface HoldDeadline {
  readonly showId: string;
  readonly seatId: string;
  readonly holdId: string;
  /** The holder: the expiry is "their" command. */
  readonly userId: string;
  /** Log time at which the hold ends. */
  readonly expiresAt: number;
}

export function holdExpiryCommand(hold: HoldDeadline, now: number): HoldExpiry {
  const id = `exp-${hold.holdId}`;
  return {
    type: 'seat.holdExpiry',
    commandId: id,
    correlationId: id,
    replyTo: '',
    showId: hold.showId,
    seatId: hold.seatId,
    userId: hold.userId,
    holdId: hold.holdId,
    expiresAt: hold.expiresAt,
    sentAt: now,
  };
}
