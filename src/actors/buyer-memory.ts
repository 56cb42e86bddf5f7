/**
 * The buyer's memories as pure functions: its views of seats (newer versions only, buyers
 * design §9.5), its open operations and the bounded memory of closed ones (docs/design.md
 * §3.17). Every bound drops the oldest first and is applied at the log time of a decision,
 * so what a buyer answers is a function of the log alone, whichever snapshot it was loaded
 * from.
 */
import type { BuyerOutcome, BuyerSeatUpdate } from '../contract/buyer-records.ts';
import {
  type BuyerLimits,
  type BuyerSeat,
  type BuyerState,
  type ClosedOperation,
  counts,
  type OpenOperation,
} from './buyer-state.ts';

/** Whether two lists name the same seats (a repeat may list them in any order). */
export function matchesSeats(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((seatId) => set.has(seatId));
}

/** The closed operation of a `commandId`, if it is inside the window at `logTime`. */
export function rememberedOperation(
  state: BuyerState,
  commandId: string,
  logTime: number,
  limits: BuyerLimits,
): ClosedOperation | undefined {
  for (let i = state.closed.length - 1; i >= 0; i--) {
    const closed = state.closed[i] as ClosedOperation;
    if (closed.commandId !== commandId) continue;
    return logTime - closed.requestedAt < limits.dedupeWindowMs ? closed : undefined;
  }
  return undefined;
}

/** The state with an open operation replaced by its new value (same `requestId`). */
export function replaceOpen(state: BuyerState, op: OpenOperation): BuyerState {
  return {
    ...state,
    open: state.open.map((candidate) => (candidate.requestId === op.requestId ? op : candidate)),
  };
}

/**
 * The operation closed: out of the open ones, into the closed memory (whose oldest is
 * dropped past its count).
 */
export function closeOperation(
  state: BuyerState,
  op: OpenOperation,
  outcome: BuyerOutcome,
  limits: BuyerLimits,
): BuyerState {
  const closed: ClosedOperation = {
    commandId: op.commandId,
    requestId: op.requestId,
    seatIds: [...op.seatIds].sort(),
    requestedAt: op.requestedAt,
    outcome,
  };
  return {
    ...state,
    open: state.open.filter((candidate) => candidate.requestId !== op.requestId),
    closed: newest([...state.closed, closed], limits.maxClosedOperations),
  };
}

/** The view a seat update brings, if newer than the one known; else the same state. */
export function withSeatView(
  state: BuyerState,
  update: BuyerSeatUpdate,
  logTime: number,
): BuyerState {
  const known = state.seats[update.seatId];
  if (known !== undefined && known.version >= update.version) return state;
  const view: BuyerSeat = {
    version: update.version,
    status: update.status,
    mine: update.mine,
    holdId: update.holdId,
    expiresAt: update.expiresAt,
    seenAt: logTime,
  };
  return { ...state, seats: { ...state.seats, [update.seatId]: view } };
}

/**
 * The state without what is out of its bounds at `logTime`: closed operations out of the
 * dedupe window or over `maxClosedOperations`, and views that count nothing out of the window
 * or over `maxForgottenSeats`. The same object when nothing is dropped.
 */
export function pruneBuyer(state: BuyerState, logTime: number, limits: BuyerLimits): BuyerState {
  const closed = newest(
    state.closed.filter((op) => logTime - op.requestedAt < limits.dedupeWindowMs),
    limits.maxClosedOperations,
  );
  const idle = Object.entries(state.seats)
    .filter(([, seat]) => !counts(seat, logTime))
    .sort(([a, x], [b, y]) => x.seenAt - y.seenAt || (a < b ? -1 : a > b ? 1 : 0));
  const over = Math.max(0, idle.length - limits.maxForgottenSeats);
  const dropped = idle.filter(
    ([, seat], index) => index < over || logTime - seat.seenAt >= limits.dedupeWindowMs,
  );
  if (closed.length === state.closed.length && dropped.length === 0) return state;
  let seats = state.seats;
  if (dropped.length > 0) {
    const gone = new Set(dropped.map(([seatId]) => seatId));
    seats = Object.fromEntries(Object.entries(state.seats).filter(([seatId]) => !gone.has(seatId)));
  }
  return { ...state, seats, closed };
}

/** The last `count` items (all of them when there are no more). */
function newest<T>(items: T[], count: number): T[] {
  return items.length > count ? items.slice(items.length - count) : items;
}
