/**
 * The state of one seat as its actor holds it: an immutable value that only `evolve`
 * turns into the next one. DESIGN §3.5–3.6 and §3.10–3.11.
 */
import type { Decision } from '../contract/kafka-records.ts';

/** How a hold that is no longer current came to an end. */
export type HoldEnding = 'expired' | 'released';

/** A hold that ended, remembered to tell `HOLD_EXPIRED` from `NOT_HOLDER`. */
export interface EndedHold {
  readonly holdId: string;
  readonly ending: HoldEnding;
  /** Log time of the release. */
  readonly endedAt: number;
}

/** The dedupe memory of DESIGN §3.11: what a user's `commandId` decided on this seat. */
export interface RememberedDecision {
  readonly userId: string;
  readonly commandId: string;
  /** Log time of the original command. */
  readonly decidedAt: number;
  readonly decision: Decision;
}

/** The small per-seat memories the decision rules need; both kept in log-time order. */
export interface SeatMemory {
  readonly endedHolds: readonly EndedHold[];
  readonly decisions: readonly RememberedDecision[];
  /**
   * `decisionKey(userId, commandId)` of each entry of `decisions`, index for index. Nearly
   * every command misses the memory, and a scan of these numbers touches no entry (and no
   * string) on a miss: with thousands of seats in play, those touches were cache misses.
   */
  readonly decisionKeys: readonly number[];
  /** How many of `decisions` are refusals. */
  readonly refusals: number;
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
  decisions: Object.freeze([]),
  decisionKeys: Object.freeze([]),
  refusals: 0,
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
    state.version > 0 || state.memory.decisions.length > 0 || state.memory.endedHolds.length > 0
  );
}

/**
 * How much a seat remembers. `decide` and `evolve` must be given the same limits, or a
 * replay could decide differently.
 */
export interface SeatMemoryLimits {
  /**
   * How long, in log time, a `(userId, commandId)` decision is remembered (DESIGN §3.11).
   * @defaultValue 900_000 (15 minutes)
   */
  readonly dedupeWindowMs: number;
  /**
   * How long, in log time, an ended hold is remembered to answer `HOLD_EXPIRED`.
   * @defaultValue 3_600_000 (1 hour)
   */
  readonly endedHoldsWindowMs: number;
  /**
   * How many ended holds a seat remembers at most (the newest win).
   * @defaultValue 8
   */
  readonly maxEndedHolds: number;
  /**
   * How many refusals a seat remembers at most inside the dedupe window (the newest win).
   * Decisions that changed the seat are always remembered for the whole window: forgetting
   * one could let a repeat change the seat twice, while a forgotten refusal is only decided
   * again. The cap keeps a hot seat's memory (and snapshot entry) small in a flash sale.
   * @defaultValue 16
   */
  readonly maxRememberedRefusals: number;
}

export const DEFAULT_SEAT_MEMORY_LIMITS: SeatMemoryLimits = Object.freeze({
  dedupeWindowMs: 900_000,
  endedHoldsWindowMs: 3_600_000,
  maxEndedHolds: 8,
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
