/**
 * The history checker: after the faults stop and every hold has had time to end, it checks
 * the six invariants of a chaos run against the client history, the `seat-commands` and
 * `seat-events` logs and the read model. Pure: it reads only its input.
 *
 * 1. `noDoubleSale` — no seat reserved under two holds (or by two users), no two holds of a
 *    seat granted for overlapping log times, no state change out of order (held over a
 *    held or reserved seat; a confirm or release of a hold that is not current).
 * 2. `confirmedKept` — every confirmation a client saw `ok` holds in the final state.
 * 3. `versions` — per seat, the versions of state changes (repeats dropped by event id)
 *    are exactly 1, 2, 3… with no gap and no two changes on one version.
 * 4. `holdsEnd` — every hold ends (confirmed, released or expired) and no later than its
 *    expiry plus `holdEndBoundMs`; none is expired early or confirmed/released after expiry.
 * 5. `oneDecision` — every client command record gets exactly one logical decision: its
 *    events form one decision, a replayed event equals the first, no event lacks its
 *    command, one `commandId` changes a seat at most once, and acks match the log.
 * 6. `readModel` — the read model equals the state replayed from the log.
 */
import type { SeatEvent, SeatStateChange } from '../src/contract/kafka-records.ts';
import { seatIdsOf } from '../src/contract/seat-layout.ts';
import type { ShowDefinition } from '../src/contract/shows.ts';
import type { StoredSeat } from '../src/state/read-model.ts';
import type { Operation } from './history.ts';
import type { LoggedCommand, LoggedEvent, ShowReadModel } from './records.ts';
import { changesBySeat, type ReplayedSeat, replayFinalState, seatKeyOf } from './replay.ts';

export const INVARIANTS = [
  'noDoubleSale',
  'confirmedKept',
  'versions',
  'holdsEnd',
  'oneDecision',
  'readModel',
] as const;
export type Invariant = (typeof INVARIANTS)[number];

export interface Violation {
  readonly invariant: Invariant;
  /** `showId/seatId` where it applies. */
  readonly seat?: string;
  readonly detail: string;
}

export interface CheckInput {
  readonly shows: readonly ShowDefinition[];
  readonly history: readonly Operation[];
  readonly commands: readonly LoggedCommand[];
  readonly events: readonly LoggedEvent[];
  /** The read model per showId; a show missing here is checked as entirely absent. */
  readonly readModel: ReadonlyMap<string, ShowReadModel>;
  /** How long after its expiry (log time) a hold may still end. */
  readonly holdEndBoundMs: number;
  /** Log time up to which holds must have ended (holds expiring later are not judged). */
  readonly judgedUntil: number;
}

export interface CheckResult {
  readonly violations: readonly Violation[];
  readonly counts: Readonly<Record<Invariant, number>>;
  readonly figures: {
    readonly seatsTouched: number;
    readonly holds: number;
    readonly reservations: number;
    readonly decisions: number;
    /** Longest time a hold outlived its expiry (log time), in ms. */
    readonly maxHoldOverrunMs: number;
  };
}

/** At most this many violations are listed per invariant (all are counted). */
const LISTED_PER_INVARIANT = 50;

class Findings {
  readonly list: Violation[] = [];
  readonly counts: Record<Invariant, number> = {
    noDoubleSale: 0,
    confirmedKept: 0,
    versions: 0,
    holdsEnd: 0,
    oneDecision: 0,
    readModel: 0,
  };

  add(invariant: Invariant, detail: string, seat?: string): void {
    this.counts[invariant]++;
    if (this.counts[invariant] <= LISTED_PER_INVARIANT) {
      this.list.push(seat === undefined ? { invariant, detail } : { invariant, seat, detail });
    }
  }
}

export function check(input: CheckInput): CheckResult {
  const findings = new Findings();
  const bySeat = changesBySeat(input.events);
  const final = replayFinalState(bySeat);
  checkVersions(bySeat, findings);
  checkTransitions(bySeat, findings);
  checkHoldOverlaps(bySeat, findings);
  checkConfirmedAcks(input.history, findings);
  checkConfirmedKept(input.history, final, findings);
  const maxHoldOverrunMs = checkHoldsEnd(bySeat, input, findings);
  const decisions = checkDecisions(input, findings);
  checkAcksAgainstLog(input, findings);
  checkReadModel(input, final, findings);
  let holds = 0;
  let reservations = 0;
  for (const changes of bySeat.values()) {
    for (const change of changes) {
      if (change.type === 'seat.held') holds++;
      if (change.type === 'seat.reserved') reservations++;
    }
  }
  return {
    violations: findings.list,
    counts: findings.counts,
    figures: { seatsTouched: bySeat.size, holds, reservations, decisions, maxHoldOverrunMs },
  };
}

/** 3: versions 1, 2, 3… per seat, one change each. */
function checkVersions(bySeat: Map<string, SeatStateChange[]>, findings: Findings): void {
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

/** 1: each change must be legal from the state the previous version left. */
function checkTransitions(bySeat: Map<string, SeatStateChange[]>, findings: Findings): void {
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
      state = nextState(state, change);
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

/** A state after a change that keeps going even after an illegal one (to report the rest). */
function nextState(state: ReplayedSeat, change: SeatStateChange): ReplayedSeat {
  switch (change.type) {
    case 'seat.held':
      return {
        status: 'held',
        version: change.version,
        holdId: change.holdId,
        userId: change.userId,
        expiresAt: change.expiresAt,
      };
    case 'seat.reserved':
      return {
        ...state,
        status: 'reserved',
        version: change.version,
        holdId: change.holdId,
        userId: change.userId,
      };
    case 'seat.released':
      return { status: 'available', version: change.version };
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
function checkHoldOverlaps(bySeat: Map<string, SeatStateChange[]>, findings: Findings): void {
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

/** 1, from the clients' side: no seat confirmed `ok` to two users or under two holds. */
function checkConfirmedAcks(history: readonly Operation[], findings: Findings): void {
  const confirmed = new Map<string, { users: Set<string>; holds: Set<string> }>();
  for (const op of history) {
    if (op.kind !== 'confirm' || op.outcome !== 'ok') continue;
    const key = seatKeyOf(op.showId, op.seatId);
    const entry = confirmed.get(key) ?? { users: new Set(), holds: new Set() };
    entry.users.add(op.userId);
    if (op.holdId !== undefined) entry.holds.add(op.holdId);
    confirmed.set(key, entry);
  }
  for (const [seat, entry] of confirmed) {
    if (entry.users.size > 1 || entry.holds.size > 1) {
      findings.add(
        'noDoubleSale',
        `clients saw it confirmed to ${[...entry.users].join(', ')} under holds ${[...entry.holds].join(', ')}`,
        seat,
      );
    }
  }
}

/** 2: an `ok` confirmation is final: the seat ends reserved, by that user, under that hold. */
function checkConfirmedKept(
  history: readonly Operation[],
  final: ReadonlyMap<string, ReplayedSeat>,
  findings: Findings,
): void {
  for (const op of history) {
    if (op.kind !== 'confirm' || op.outcome !== 'ok') continue;
    const seat = seatKeyOf(op.showId, op.seatId);
    const state = final.get(seat);
    if (state?.status !== 'reserved' || state.userId !== op.userId || state.holdId !== op.holdId) {
      findings.add(
        'confirmedKept',
        `op ${op.id}: ${op.userId} saw hold ${op.holdId} confirmed; final state ${state?.status ?? 'available'} (${state?.userId ?? '-'}, ${state?.holdId ?? '-'})`,
        seat,
      );
    }
  }
}

/** 4: every hold ends, within its expiry plus the bound, and never by expiry too early. */
function checkHoldsEnd(
  bySeat: Map<string, SeatStateChange[]>,
  input: CheckInput,
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
        if (overrun < 0) {
          findings.add('holdsEnd', `hold ${span.holdId} expired ${-overrun} ms early`, seat);
        } else {
          maxOverrun = Math.max(maxOverrun, overrun);
          if (overrun > input.holdEndBoundMs) {
            findings.add(
              'holdsEnd',
              `hold ${span.holdId} expired ${overrun} ms after its expiry (bound ${input.holdEndBoundMs} ms)`,
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

type DecisionShape = string;

/** The shape of one command's events: `held`, `released+held`, `rejected`, `repeated`… */
function shapeOf(events: readonly SeatEvent[]): DecisionShape {
  return events.map((event) => event.type.replace('seat.', '')).join('+');
}

const LEGAL_SHAPES: Readonly<Record<string, ReadonlySet<DecisionShape>>> = {
  'seat.holdRequest': new Set(['held', 'released+held', 'rejected', 'decisionRepeated']),
  'seat.confirmationRequest': new Set(['reserved', 'rejected', 'decisionRepeated']),
  'seat.releaseRequest': new Set(['released', 'rejected', 'decisionRepeated']),
  'seat.holdExpiry': new Set(['', 'released']),
};

function stableJson(event: SeatEvent): string {
  return JSON.stringify(event, Object.keys(event).sort());
}

/** 5: one logical decision per command record and per (user, seat, commandId). */
function checkDecisions(input: CheckInput, findings: Findings): number {
  // Events by the position of the command that caused them; replays must be identical.
  const byCommand = new Map<string, Map<number, SeatEvent>>();
  const firstCopy = new Map<string, string>();
  for (const { event } of input.events) {
    const copy = stableJson(event);
    const previous = firstCopy.get(event.eventId);
    if (previous !== undefined) {
      if (previous !== copy) {
        findings.add(
          'oneDecision',
          `event ${event.eventId} logged twice with different content`,
          seatKeyOf(event.showId, event.seatId),
        );
      }
      continue;
    }
    firstCopy.set(event.eventId, copy);
    const dash = event.eventId.lastIndexOf('-');
    const base = event.eventId.slice(0, dash);
    const index = Number(event.eventId.slice(dash + 1));
    const group = byCommand.get(base) ?? new Map<number, SeatEvent>();
    group.set(index, event);
    byCommand.set(base, group);
  }
  const commandPositions = new Set<string>();
  // Per (user, seat, commandId): the fresh decisions, in log order.
  const freshByKey = new Map<string, { position: string; shape: string }[]>();
  let decisions = 0;
  for (const logged of input.commands) {
    const { command } = logged;
    const position = `${logged.partition}-${logged.offset}`;
    commandPositions.add(position);
    const group = byCommand.get(position);
    const events = group ? [...group.entries()].sort((a, b) => a[0] - b[0]).map(([, e]) => e) : [];
    const seat = seatKeyOf(command.showId, command.seatId);
    const shape = shapeOf(events);
    if (command.type !== 'seat.holdExpiry') {
      if (events.length === 0) {
        findings.add(
          'oneDecision',
          `command ${command.commandId} at ${position} (${command.type}) was never decided`,
          seat,
        );
        continue;
      }
      decisions++;
    }
    if (!LEGAL_SHAPES[command.type]?.has(shape)) {
      findings.add(
        'oneDecision',
        `command ${command.commandId} at ${position} (${command.type}) decided as "${shape}"`,
        seat,
      );
    }
    for (const event of events) {
      if (
        event.commandId !== command.commandId ||
        event.showId !== command.showId ||
        event.seatId !== command.seatId
      ) {
        findings.add(
          'oneDecision',
          `event ${event.eventId} names command ${event.commandId}, not ${command.commandId}`,
          seat,
        );
      }
    }
    if (command.type === 'seat.holdExpiry' || shape === 'decisionRepeated') continue;
    const key = `${command.userId}\u0000${seat}\u0000${command.commandId}`;
    const fresh = freshByKey.get(key) ?? [];
    fresh.push({ position, shape });
    freshByKey.set(key, fresh);
  }
  for (const [key, fresh] of freshByKey) {
    // A forgotten refusal may be decided again (seat memory caps refusals); a change may not.
    const changed = fresh.findIndex((d) => d.shape !== 'rejected');
    if (changed >= 0 && changed < fresh.length - 1) {
      const [userId, seat, commandId] = key.split('\u0000');
      findings.add(
        'oneDecision',
        `${userId}'s command ${commandId} decided ${fresh.length} times: ${fresh.map((d) => `${d.shape}@${d.position}`).join(', ')}`,
        seat,
      );
    }
  }
  for (const [base, group] of byCommand) {
    if (commandPositions.has(base)) continue;
    const event = group.values().next().value;
    findings.add(
      'oneDecision',
      `events ${base}-* have no command at ${base}`,
      event ? seatKeyOf(event.showId, event.seatId) : undefined,
    );
  }
  return decisions;
}

/** 5, from the clients' side: a definite ack must be the decision the log holds. */
function checkAcksAgainstLog(input: CheckInput, findings: Findings): void {
  const outcomes = new Map<
    string,
    { holds: Set<string>; reasons: Set<string>; reserved: Set<string>; released: Set<string> }
  >();
  const entry = (userId: string, commandId: string) => {
    const key = `${userId}\u0000${commandId}`;
    let found = outcomes.get(key);
    if (!found) {
      found = { holds: new Set(), reasons: new Set(), reserved: new Set(), released: new Set() };
      outcomes.set(key, found);
    }
    return found;
  };
  for (const { event } of input.events) {
    const found = entry(event.userId, event.commandId);
    const decision =
      event.type === 'seat.decisionRepeated'
        ? event.decision
        : event.type === 'seat.held'
          ? { outcome: 'held' as const, holdId: event.holdId }
          : event.type === 'seat.reserved'
            ? { outcome: 'reserved' as const, holdId: event.holdId }
            : event.type === 'seat.released'
              ? { outcome: 'released' as const, holdId: event.holdId }
              : { outcome: 'rejected' as const, reason: event.reason };
    if (decision.outcome === 'held') found.holds.add(decision.holdId);
    else if (decision.outcome === 'reserved') found.reserved.add(decision.holdId);
    else if (decision.outcome === 'released') found.released.add(decision.holdId);
    else found.reasons.add(decision.reason);
  }
  for (const op of input.history) {
    if (op.outcome !== 'ok' && op.outcome !== 'fail') continue;
    const logged = outcomes.get(`${op.userId}\u0000${op.commandId}`);
    const seat = seatKeyOf(op.showId, op.seatId);
    let agrees: boolean;
    if (op.outcome === 'fail') {
      // Refusals the worker never sees (rate limit, bad payload) have nothing to match.
      agrees = !isBusinessCode(op.code) || (logged?.reasons.has(op.code ?? '') ?? false);
    } else if (op.kind === 'hold') {
      agrees = op.holdId !== undefined && (logged?.holds.has(op.holdId) ?? false);
    } else if (op.kind === 'confirm') {
      agrees = op.holdId !== undefined && (logged?.reserved.has(op.holdId) ?? false);
    } else {
      agrees = op.holdId !== undefined && (logged?.released.has(op.holdId) ?? false);
    }
    if (!agrees) {
      findings.add(
        'oneDecision',
        `op ${op.id}: ${op.userId}'s ${op.kind} ${op.commandId} acked ${op.outcome}${op.code ? ` ${op.code}` : ''}${op.holdId ? ` (hold ${op.holdId})` : ''}, the log has no such decision`,
        seat,
      );
    }
  }
}

const BUSINESS_CODES = new Set([
  'SEAT_TAKEN',
  'NOT_HOLDER',
  'HOLD_EXPIRED',
  'UNKNOWN_SHOW',
  'UNKNOWN_SEAT',
]);
function isBusinessCode(code: string | undefined): boolean {
  return code !== undefined && BUSINESS_CODES.has(code);
}

/** 6: every seat of every show as the read model stores it equals the replayed state. */
function checkReadModel(
  input: CheckInput,
  final: ReadonlyMap<string, ReplayedSeat>,
  findings: Findings,
): void {
  for (const show of input.shows) {
    const model = input.readModel.get(show.showId);
    let held = 0;
    let reserved = 0;
    for (const seatId of seatIdsOf(show)) {
      const key = seatKeyOf(show.showId, seatId);
      const expected = final.get(key) ?? { status: 'available', version: 0 };
      if (expected.status === 'held') held++;
      if (expected.status === 'reserved') reserved++;
      const stored = model?.seats.get(seatId);
      const problem = readModelDifference(expected, stored);
      if (problem) findings.add('readModel', problem, key);
    }
    const counts = model?.counts ?? { held: 0, reserved: 0 };
    if (counts.held !== held || counts.reserved !== reserved) {
      findings.add(
        'readModel',
        `counts held ${counts.held} / reserved ${counts.reserved}, replayed ${held} / ${reserved}`,
        show.showId,
      );
    }
  }
}

function readModelDifference(
  expected: ReplayedSeat,
  stored: StoredSeat | undefined,
): string | undefined {
  const actual: ReplayedSeat = stored ?? { status: 'available', version: 0 };
  const fields: (keyof ReplayedSeat)[] = ['status', 'version'];
  if (expected.status !== 'available') fields.push('holdId', 'userId');
  if (expected.status === 'held') fields.push('expiresAt');
  const differing = fields.filter((field) => expected[field] !== actual[field]);
  if (differing.length === 0) return undefined;
  return `read model ${differing.map((f) => `${f}=${String(actual[f])}`).join(' ')}, log says ${differing.map((f) => `${f}=${String(expected[f])}`).join(' ')}`;
}
