/**
 * The checks on each seat's own history of state changes, replayed in version order:
 * versions (3), legal transitions and non-overlapping holds (1, the log's side) and holds
 * that end in time (4).
 */
import type { SeatStateChange } from '../../src/contract/kafka-records.ts';
import type { CheckInput } from '../records.ts';
import { applyChange, type ReplayedSeat } from '../replay.ts';
import type { Findings } from './findings.ts';

type ChangesBySeat = ReadonlyMap<string, readonly SeatStateChange[]>;

/** 3: versions 1, 2, 3… per seat, one change each. */
export function checkVersions(bySeat: ChangesBySeat, findings: Findings): void {
  for (const [seat, changes] of bySeat) {
    let expected = 1;
    for (const change of changes) {
      if (change.version === expected - 1) {
        findings.add(
          'versions',
          `two changes at version ${change.version} (${change.eventId})`,
          seat,
        );
        continue;
      }
      if (change.version !== expected) {
        findings.add(
          'versions',
          `version ${change.version} follows ${expected - 1} (${change.eventId})`,
          seat,
        );
      }
      expected = change.version + 1;
    }
  }
}

/**
 * 1: each change must be legal from the state the previous version left (the replay goes
 * on after an illegal one, to report the rest).
 */
export function checkTransitions(bySeat: ChangesBySeat, findings: Findings): void {
  for (const [seat, changes] of bySeat) {
    let state: ReplayedSeat = { status: 'available', version: 0 };
    const reservedHolds = new Set<string>();
    const reservedUsers = new Set<string>();
    for (const change of changes) {
      if (change.type === 'seat.reserved') {
        reservedHolds.add(change.holdId);
        reservedUsers.add(change.userId);
      }
      const problem = illegalTransition(state, change);
      if (problem) findings.add('noDoubleSale', `${problem} (${change.eventId})`, seat);
      state = applyChange(change);
    }
    if (reservedHolds.size > 1 || reservedUsers.size > 1) {
      findings.add(
        'noDoubleSale',
        `reserved under ${reservedHolds.size} holds by ${reservedUsers.size} users: ${[...reservedUsers].join(', ')}`,
        seat,
      );
    }
  }
}

function illegalTransition(state: ReplayedSeat, change: SeatStateChange): string | undefined {
  switch (change.type) {
    case 'seat.held':
      return state.status === 'available' ? undefined : `held while ${state.status}`;
    case 'seat.reserved':
    case 'seat.released':
      if (state.status !== 'held') return `${change.type} while ${state.status}`;
      if (state.holdId !== change.holdId) {
        return `${change.type} of hold ${change.holdId} while ${state.holdId} is current`;
      }
      return undefined;
  }
}

interface HoldSpan {
  readonly holdId: string;
  readonly userId: string;
  readonly start: number;
  readonly expiresAt: number;
  /** When it stopped blocking others: reserved → never; released → then; else its expiry. */
  readonly end: number;
  readonly ending?: SeatStateChange;
}

function holdSpans(changes: readonly SeatStateChange[]): HoldSpan[] {
  const endings = new Map<string, SeatStateChange>();
  for (const change of changes) {
    if (change.type !== 'seat.held' && !endings.has(change.holdId))
      endings.set(change.holdId, change);
  }
  const spans: HoldSpan[] = [];
  for (const change of changes) {
    if (change.type !== 'seat.held') continue;
    const ending = endings.get(change.holdId);
    let end = change.expiresAt;
    if (ending?.type === 'seat.reserved') end = Number.POSITIVE_INFINITY;
    else if (ending?.type === 'seat.released') end = Math.min(ending.occurredAt, change.expiresAt);
    spans.push({
      holdId: change.holdId,
      userId: change.userId,
      start: change.occurredAt,
      expiresAt: change.expiresAt,
      end,
      ...(ending ? { ending } : {}),
    });
  }
  return spans.sort((a, b) => a.start - b.start);
}

/** 1: by log time, no two holds of a seat overlap (a reservation blocks forever). */
export function checkHoldOverlaps(bySeat: ChangesBySeat, findings: Findings): void {
  for (const [seat, changes] of bySeat) {
    const spans = holdSpans(changes);
    let blocking: HoldSpan | undefined;
    for (const span of spans) {
      if (blocking && span.start < blocking.end) {
        findings.add(
          'noDoubleSale',
          `hold ${span.holdId} (${span.userId}) granted at ${span.start} while hold ${blocking.holdId} (${blocking.userId}) lasted until ${blocking.end}`,
          seat,
        );
      }
      if (!blocking || span.end > blocking.end) blocking = span;
    }
  }
}

/** How much of [from, to] the broker was down. */
function downWithin(windows: CheckInput['brokerDown'], from: number, to: number): number {
  let down = 0;
  for (const window of windows ?? []) {
    down += Math.max(0, Math.min(to, window.to) - Math.max(from, window.from));
  }
  return down;
}

/**
 * 4: every hold ends, within its expiry plus the bound, and never by expiry too early.
 * Returns the longest time a hold outlived its expiry.
 */
export function checkHoldsEnd(
  bySeat: ChangesBySeat,
  input: Pick<CheckInput, 'holdEndBoundMs' | 'judgedUntil' | 'brokerDown'>,
  findings: Findings,
): number {
  let maxOverrun = 0;
  for (const [seat, changes] of bySeat) {
    for (const span of holdSpans(changes)) {
      const ending = span.ending;
      if (!ending) {
        if (span.expiresAt + input.holdEndBoundMs <= input.judgedUntil) {
          findings.add(
            'holdsEnd',
            `hold ${span.holdId} expiring at ${span.expiresAt} never ended`,
            seat,
          );
        }
        continue;
      }
      const overrun = ending.occurredAt - span.expiresAt;
      if (ending.type === 'seat.released' && ending.cause === 'expired') {
        const late = overrun - downWithin(input.brokerDown, span.expiresAt, ending.occurredAt);
        if (overrun < 0) {
          findings.add('holdsEnd', `hold ${span.holdId} expired ${-overrun} ms early`, seat);
        } else {
          maxOverrun = Math.max(maxOverrun, late);
          if (late > input.holdEndBoundMs) {
            findings.add(
              'holdsEnd',
              `hold ${span.holdId} expired ${overrun} ms after its expiry, ${late} ms of it with the broker up (bound ${input.holdEndBoundMs} ms)`,
              seat,
            );
          }
        }
      } else if (overrun >= 0) {
        findings.add(
          'holdsEnd',
          `hold ${span.holdId} ${ending.type === 'seat.reserved' ? 'confirmed' : 'released'} ${overrun} ms after its expiry`,
          seat,
        );
      }
    }
  }
  return maxOverrun;
}
