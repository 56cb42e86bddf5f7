/**
 * 5, `oneDecision`: every client command record gets exactly one logical decision (its
 * events form one decision of a legal shape, no event lacks its command, one `commandId`
 * changes a seat at most once), and every definite ack is a decision the log holds.
 */
import type { SeatEvent } from '../../src/contract/kafka-records.ts';
import { REJECTION_REASONS } from '../../src/contract/refusals.ts';
import type { CheckInput } from '../records.ts';
import { distinctEvents, seatKeyOf } from '../replay.ts';
import type { Findings } from './findings.ts';

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

/** 5: one logical decision per command record and per (user, seat, commandId). */
export function checkDecisions(
  input: Pick<CheckInput, 'commands' | 'events'>,
  findings: Findings,
): number {
  // Events by the position of the command that caused them (copies judged by sameIdSameEvent).
  const byCommand = new Map<string, Map<number, SeatEvent>>();
  for (const { event } of distinctEvents(input.events)) {
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
export function checkAcksAgainstLog(
  input: Pick<CheckInput, 'history' | 'events'>,
  findings: Findings,
): void {
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

/** The refusals a seat's actor decides (the others are the gateway's own). */
const BUSINESS_CODES: ReadonlySet<string> = new Set(REJECTION_REASONS);
function isBusinessCode(code: string | undefined): boolean {
  return code !== undefined && BUSINESS_CODES.has(code);
}
