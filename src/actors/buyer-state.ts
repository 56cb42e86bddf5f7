/**
 * The state of one show's buyer actor (docs/design.md §9.1, §9.4, §9.5): what it knows of the
 * seats it was told about, its open group operations, and a bounded memory of the ones it
 * closed. An immutable value: only `decideBuyer` makes the next one.
 */
import type { BuyerOutcome } from '../contract/buyer-records.ts';
import type { RejectionReason } from '../contract/refusals.ts';

/** The latest view of a seat the buyer was told (by an answer or a notice). */
export interface BuyerSeat {
  readonly version: number;
  readonly status: 'available' | 'held' | 'reserved';
  /** Whether the buyer held or owned the seat in that view. */
  readonly mine: boolean;
  readonly holdId?: string;
  readonly expiresAt?: number;
  /** Log time the buyer learned it: the oldest views that count nothing are forgotten first. */
  readonly seenAt: number;
}

/** Where a request's answer goes: the gateway and the attempt waiting on it. */
export interface Route {
  readonly replyTo: string;
  readonly correlationId: string;
}

/** The first answer a seat gave an operation (the one that counts, §9.5). */
export interface OperationAnswer {
  readonly outcome: 'granted' | 'alreadyHeld' | 'refused';
  readonly version: number;
  /** With `granted` / `alreadyHeld`: the buyer's hold. */
  readonly holdId?: string;
  readonly expiresAt?: number;
  /** With `refused`. */
  readonly reason?: RejectionReason;
}

/** A group hold that has not settled: answers or compensations are outstanding. */
export interface OpenOperation {
  /** `partition-offset` of the client request. */
  readonly requestId: string;
  readonly commandId: string;
  /** Every route that asked (a repeat of an open request attaches its own). */
  readonly routes: readonly Route[];
  /** The seats asked, in the request's order. */
  readonly seatIds: readonly string[];
  /** Log time of the client request. */
  readonly requestedAt: number;
  /** seatId → its first answer. */
  readonly answers: Readonly<Record<string, OperationAnswer>>;
  /** seatId → the hold being released as compensation, until the seat answers. */
  readonly compensating: Readonly<Record<string, string>>;
  /** Set once every seat answered and the decision went out. */
  readonly outcome?: BuyerOutcome;
}

/** A settled operation, remembered to answer a repeat of its `commandId`. */
export interface ClosedOperation {
  readonly commandId: string;
  readonly requestId: string;
  /** Sorted: a repeat names the same seats in any order. */
  readonly seatIds: readonly string[];
  readonly requestedAt: number;
  readonly outcome: BuyerOutcome;
}

export interface BuyerState {
  /** seatId → the latest view told; the seats the buyer counts are among them. */
  readonly seats: Readonly<Record<string, BuyerSeat>>;
  /** Oldest first. */
  readonly open: readonly OpenOperation[];
  /** Oldest first, bounded by `BuyerLimits`. */
  readonly closed: readonly ClosedOperation[];
}

export const INITIAL_BUYER_STATE: BuyerState = Object.freeze({
  seats: Object.freeze({}),
  open: Object.freeze([]),
  closed: Object.freeze([]),
});

/** How much a buyer remembers; decisions and replays must use the same limits. */
export interface BuyerLimits {
  /**
   * How long, in log time after the request, a closed operation's `commandId` is answered
   * with its decision (like a seat's dedupe window, docs/design.md §3.10). Past it, or past
   * `maxClosedOperations`, a repeat is decided afresh as a new request.
   * @defaultValue 900_000 (15 minutes)
   */
  readonly dedupeWindowMs: number;
  /** @defaultValue 16 */
  readonly maxClosedOperations: number;
  /**
   * How many views of seats that count nothing (not the buyer's, or a hold of its past its
   * expiry) it keeps to tell a stale notice from a new one; the oldest go first, and all go
   * after `dedupeWindowMs`. Past it, a very late duplicate notice of an old hold can count a
   * seat again, at most until that hold's expiry by log time — an over-count, never under.
   * @defaultValue 32
   */
  readonly maxForgottenSeats: number;
}

export const DEFAULT_BUYER_LIMITS: BuyerLimits = Object.freeze({
  dedupeWindowMs: 900_000,
  maxClosedOperations: 16,
  maxForgottenSeats: 32,
});

export function buyerLimits(input: Partial<BuyerLimits> = {}): BuyerLimits {
  const limits = { ...DEFAULT_BUYER_LIMITS, ...input };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`buyer limit ${name} must be a non-negative integer: ${value}`);
    }
  }
  return Object.freeze(limits);
}

/**
 * Whether a view counts against the cap at `logTime`: a seat the buyer owns, or holds
 * before its expiry by log time (a hold past it blocks nobody, §3.5, and is not counted).
 */
export function counts(seat: BuyerSeat, logTime: number): boolean {
  if (!seat.mine) return false;
  if (seat.status === 'reserved') return true;
  return seat.status === 'held' && seat.expiresAt !== undefined && seat.expiresAt > logTime;
}

/** The seats the buyer holds or owns at `logTime`, as it knows them (settled holdings). */
export function heldSeats(state: BuyerState, logTime: number): string[] {
  return Object.keys(state.seats).filter((seatId) => {
    const seat = state.seats[seatId];
    return seat !== undefined && counts(seat, logTime);
  });
}

/** Whether a buyer differs from one that never did anything (and so needs a snapshot entry). */
export function isBuyerTouched(state: BuyerState): boolean {
  return state.open.length > 0 || state.closed.length > 0 || Object.keys(state.seats).length > 0;
}
