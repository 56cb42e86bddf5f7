/**
 * The per-seat memories: decisions by `(userId, commandId)` (the repeat memory of
 * docs/design.md §3.10) and recently ended holds. Pure functions over small bounded queues in
 * log-time order: a seat remembers at most a few dozen entries, where a scan beats a map.
 *
 * Lookups check the window themselves, and every bound drops the oldest entries first, so
 * when pruning happens never changes a decision: what a seat answers is a function of the
 * log alone, whichever snapshot it was loaded from.
 */

import type { ClientCommandType, Decision } from '../contract/kafka-records.ts';
import { DecisionQueue } from './decision-queue.ts';
import type {
  EndedHold,
  HoldEnding,
  RememberedDecision,
  SeatMemory,
  SeatMemoryLimits,
} from './seat-state.ts';

/** A 31-bit FNV-1a hash of `(userId, commandId)`: the dedupe memory's index key. */
export function decisionKey(userId: string, commandId: string): number {
  // A decision looks its key up, then its event remembers it under the same key: the last
  // pair answers the second call without hashing again.
  if (userId === lastKeyUserId && commandId === lastKeyCommandId) return lastKey;
  let hash = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) hash = Math.imul(hash ^ userId.charCodeAt(i), 0x01000193);
  hash = Math.imul(hash ^ 0, 0x01000193);
  for (let i = 0; i < commandId.length; i++) {
    hash = Math.imul(hash ^ commandId.charCodeAt(i), 0x01000193);
  }
  lastKeyUserId = userId;
  lastKeyCommandId = commandId;
  lastKey = hash >>> 1;
  return lastKey;
}
let lastKeyUserId: string | undefined;
let lastKeyCommandId: string | undefined;
let lastKey = 0;

/** The remembered decision of a user's `commandId`, if it is inside the window at `logTime`. */
export function rememberedDecision(
  memory: SeatMemory,
  userId: string,
  commandId: string,
  logTime: number,
  dedupeWindowMs: number,
): RememberedDecision | undefined {
  const { decisions, refusals } = memory;
  if (decisions.length === 0 && refusals.length === 0) return undefined;
  const key = decisionKey(userId, commandId);
  const granted = decisions.find(key, userId, commandId);
  const refused = refusals.find(key, userId, commandId);
  // A commandId decided again after its window has its newest entry last.
  const entry =
    granted === undefined || (refused !== undefined && refused.decidedAt > granted.decidedAt)
      ? refused
      : granted;
  if (entry === undefined) return undefined;
  return logTime - entry.decidedAt < dedupeWindowMs ? entry : undefined;
}

/** How a hold that is no longer current ended, if the seat still remembers it at `logTime`. */
export function holdEnding(
  memory: SeatMemory,
  holdId: string,
  logTime: number,
  endedHoldsWindowMs: number,
): HoldEnding | undefined {
  for (const ended of memory.endedHolds) {
    if (ended.holdId === holdId) {
      return logTime - ended.endedAt < endedHoldsWindowMs ? ended.ending : undefined;
    }
  }
  return undefined;
}

/**
 * The memory with one more decision, in the refusals' queue or the other one. Either queue
 * drops its entries out of the window, then its oldest over its cap; neither is copied.
 */
export function rememberDecision(
  memory: SeatMemory,
  userId: string,
  commandId: string,
  decidedAt: number,
  decision: Decision,
  commandType: ClientCommandType,
  limits: SeatMemoryLimits,
): SeatMemory {
  const entry: RememberedDecision = { userId, commandId, decidedAt, decision, commandType };
  const key = decisionKey(userId, commandId);
  if (decision.outcome === 'rejected') {
    return {
      endedHolds: memory.endedHolds,
      decisions: memory.decisions,
      refusals: memory.refusals.push(
        entry,
        key,
        limits.maxRememberedRefusals,
        limits.dedupeWindowMs,
      ),
    };
  }
  return {
    endedHolds: memory.endedHolds,
    decisions: memory.decisions.push(
      entry,
      key,
      limits.maxRememberedDecisions,
      limits.dedupeWindowMs,
    ),
    refusals: memory.refusals,
  };
}

/** The ended holds still in their window at `logTime`, as a new array. */
function endedHoldsWithinWindow(
  memory: SeatMemory,
  logTime: number,
  limits: SeatMemoryLimits,
): EndedHold[] {
  return memory.endedHolds.filter((ended) => logTime - ended.endedAt < limits.endedHoldsWindowMs);
}

/**
 * The ended hold that a buyer operation's `seat.tryHold` made, if the seat still remembers it
 * at `logTime`: a repeat of that request must not make a second hold (§9.2).
 */
export function endedHoldOfRequest(
  memory: SeatMemory,
  requestId: string,
  logTime: number,
  endedHoldsWindowMs: number,
): EndedHold | undefined {
  for (const ended of memory.endedHolds) {
    if (ended.requestId === requestId && logTime - ended.endedAt < endedHoldsWindowMs) return ended;
  }
  return undefined;
}

/** The memory with one more ended hold, pruned at its log time. */
export function rememberEndedHold(
  memory: SeatMemory,
  holdId: string,
  ending: HoldEnding,
  endedAt: number,
  limits: SeatMemoryLimits,
  requestId?: string,
): SeatMemory {
  const kept = endedHoldsWithinWindow(memory, endedAt, limits);
  kept.push({ holdId, ending, endedAt, requestId });
  if (kept.length > limits.maxEndedHolds) kept.splice(0, kept.length - limits.maxEndedHolds);
  return { ...memory, endedHolds: kept };
}

/**
 * The memory without the entries that are out of their windows at `logTime`; the same
 * object when nothing is out, so callers can tell whether anything changed.
 */
export function pruneMemory(
  memory: SeatMemory,
  logTime: number,
  limits: SeatMemoryLimits,
): SeatMemory {
  const endedHolds = endedHoldsWithinWindow(memory, logTime, limits);
  const outOfWindow = (entry: RememberedDecision) =>
    logTime - entry.decidedAt >= limits.dedupeWindowMs;
  const decisions = memory.decisions.dropWhile(outOfWindow);
  const refusals = memory.refusals.dropWhile(outOfWindow);
  if (
    decisions === memory.decisions &&
    refusals === memory.refusals &&
    endedHolds.length === memory.endedHolds.length
  ) {
    return memory;
  }
  return { endedHolds, decisions, refusals };
}

/**
 * A memory of these decisions, in log order, and ended holds: each decision goes to the
 * queue its outcome belongs in.
 */
export function memoryOf(
  decided: readonly RememberedDecision[],
  endedHolds: readonly EndedHold[],
): SeatMemory {
  const queueOf = (entries: RememberedDecision[]) =>
    DecisionQueue.of(
      entries,
      entries.map((entry) => decisionKey(entry.userId, entry.commandId)),
    );
  return {
    endedHolds,
    decisions: queueOf(decided.filter((entry) => entry.decision.outcome !== 'rejected')),
    refusals: queueOf(decided.filter((entry) => entry.decision.outcome === 'rejected')),
  };
}
