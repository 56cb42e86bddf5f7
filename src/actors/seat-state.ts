/**
 * The state of one seat as its actor holds it: an immutable value that only `evolve`
 * turns into the next one. See docs/design.md §3.5 Decision rules, §3.9 Deterministic ids
 * and versions, §3.10 Idempotent commands.
 */

import type { ClientCommandType, Decision, ReleaseCause } from '../contract/kafka-records.ts';
import { DecisionQueue } from './decision-queue.ts';

/** How a hold (or the reservation it became) that is no longer current came to an end. */
export type HoldEnding = ReleaseCause;

/** A hold that ended, remembered to tell `HOLD_EXPIRED` and `CANCELLED` from `NOT_HOLDER`. */
export interface EndedHold {
  readonly holdId: string;
  readonly ending: HoldEnding;
  /** Log time of the release. */
  readonly endedAt: number;
  /** The buyer operation that made the hold, if a buyer's `seat.tryHold` made it (§9.2). */
  readonly requestId: string | undefined;
}

/** The dedupe memory: what a user's `commandId` decided on this seat. */
export interface RememberedDecision {
  readonly userId: string;
  readonly commandId: string;
  /** Log time of the original command. */
  readonly decidedAt: number;
  readonly decision: Decision;
  /**
   * The kind of command it decided: the same `commandId` sent for another kind is refused.
   * Unknown (undefined) only for a refusal read from a snapshot written before it was kept.
   */
  readonly commandType: ClientCommandType | undefined;
}

/**
 * The small per-seat memories the decision rules need, each bounded in count as well as in
 * log time (see `SeatMemoryLimits`), each oldest first.
 */
export interface SeatMemory {
  readonly endedHolds: readonly EndedHold[];
  /** Remembered decisions that were not refusals: grants, releases, answers with the hold. */
  readonly decisions: DecisionQueue;
  /** Remembered refusals, in a queue of their own so that buyers refused in a rush cannot push out a grant. */
  readonly refusals: DecisionQueue;
}

interface SeatStateBase {
  /** Grows by one per state change; a never-touched seat is at 0. */
  readonly version: number;
  readonly memory: SeatMemory;
}

export interface AvailableSeat extends SeatStateBase {
  readonly status: 'available';
}

export interface HeldSeat extends SeatStateBase {
  readonly status: 'held';
  /** The `eventId` of the `seat.held` event that granted the hold. */
  readonly holdId: string;
  readonly userId: string;
  /** Log time of the hold. */
  readonly heldAt: number;
  /** `heldAt + show.holdTtlMs`: a confirmation or release counts only strictly before. */
  readonly expiresAt: number;
  /**
   * The buyer operation whose `seat.tryHold` made the hold (docs/design.md §9.2): a repeat of
   * that request is answered with this hold, never given a second one. Absent for a client's
   * own hold.
   */
  readonly requestId: string | undefined;
}

export interface ReservedSeat extends SeatStateBase {
  readonly status: 'reserved';
  /** The hold the reservation confirmed. */
  readonly holdId: string;
  /** The owner. */
  readonly userId: string;
  /** Log time of the confirmation. */
  readonly reservedAt: number;
  /** The `eventId` of the `seat.reserved` event: the owner's repeated confirm answers with it. */
  readonly reservedEventId: string;
}

export type SeatState = AvailableSeat | HeldSeat | ReservedSeat;
export type SeatStatus = SeatState['status'];

export const EMPTY_SEAT_MEMORY: SeatMemory = Object.freeze({
  endedHolds: Object.freeze([]),
  decisions: DecisionQueue.EMPTY,
  refusals: DecisionQueue.EMPTY,
});

/** A seat nobody has touched. */
export const INITIAL_SEAT_STATE: AvailableSeat = Object.freeze({
  status: 'available',
  version: 0,
  memory: EMPTY_SEAT_MEMORY,
});

/**
 * The same seat with another memory. Spelled out per status rather than spread: it runs for
 * nearly every refusal, and one literal shape per status keeps the hot path monomorphic.
 */
export function withMemory(state: SeatState, memory: SeatMemory): SeatState {
  switch (state.status) {
    case 'available':
      return { status: 'available', version: state.version, memory };
    case 'held':
      return {
        status: 'held',
        version: state.version,
        holdId: state.holdId,
        userId: state.userId,
        heldAt: state.heldAt,
        expiresAt: state.expiresAt,
        requestId: state.requestId,
        memory,
      };
    case 'reserved':
      return {
        status: 'reserved',
        version: state.version,
        holdId: state.holdId,
        userId: state.userId,
        reservedAt: state.reservedAt,
        reservedEventId: state.reservedEventId,
        memory,
      };
  }
}

/** Whether a seat differs from a never-touched one (and so needs a snapshot entry). */
export function isTouched(state: SeatState): boolean {
  return (
    state.version > 0 ||
    state.memory.decisions.length > 0 ||
    state.memory.refusals.length > 0 ||
    state.memory.endedHolds.length > 0
  );
}

/**
 * How much a seat remembers. `decide` and `evolve` must be given the same limits, or a
 * replay could decide differently.
 */
export interface SeatMemoryLimits {
  /**
   * How long, in log time, a `(userId, commandId)` decision is remembered (docs/design.md §3.10).
   * @defaultValue 900_000 (15 minutes)
   */
  readonly dedupeWindowMs: number;
  /**
   * How long, in log time, an ended hold is remembered to answer `HOLD_EXPIRED`.
   * @defaultValue 3_600_000 (1 hour)
   */
  readonly endedHoldsWindowMs: number;
  /**
   * How many ended holds a seat remembers at most (the newest win). Past it, a confirm or
   * release naming a hold that expired is answered `NOT_HOLDER` instead of `HOLD_EXPIRED`.
   * @defaultValue 8
   */
  readonly maxEndedHolds: number;
  /**
   * How many decisions other than refusals (grants, confirmations, releases, a holder's new
   * `commandId` answered with the current hold) a seat remembers at most inside the dedupe
   * window; the newest win. Without it a holder repeating with fresh `commandId`s, or
   * holding and releasing in a loop, would grow the seat's record without limit. A repeat of
   * a forgotten decision is decided afresh against the seat as it is then (a hold the caller
   * still has is answered with that hold; a release of a hold that is gone is `NOT_HOLDER`).
   * @defaultValue 16
   */
  readonly maxRememberedDecisions: number;
  /**
   * How many refusals a seat remembers at most inside the dedupe window (the newest win).
   * They are counted apart from other decisions, so that a rush of refused buyers never
   * pushes a grant out of the memory. A repeat of a forgotten refusal is decided afresh.
   * The cap keeps a hot seat's memory (and snapshot record) small in a flash sale.
   * @defaultValue 16
   */
  readonly maxRememberedRefusals: number;
}

export const DEFAULT_SEAT_MEMORY_LIMITS: SeatMemoryLimits = Object.freeze({
  dedupeWindowMs: 900_000,
  endedHoldsWindowMs: 3_600_000,
  maxEndedHolds: 8,
  maxRememberedDecisions: 16,
  maxRememberedRefusals: 16,
});

/** Defaults filled in, checked, frozen. Throws a `RangeError` on a value that is not a count. */
export function seatMemoryLimits(input: Partial<SeatMemoryLimits> = {}): SeatMemoryLimits {
  const limits = { ...DEFAULT_SEAT_MEMORY_LIMITS, ...input };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`seat memory limit ${name} must be a non-negative integer: ${value}`);
    }
  }
  return Object.freeze(limits);
}
