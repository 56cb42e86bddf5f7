/**
 * The per-seat memories: decisions by `(userId, commandId)` (the dedupe memory of DESIGN
 * §3.11) and recently ended holds. Pure functions over small arrays in log-time order: a
 * seat rarely remembers more than a handful of entries, where a scan beats a map.
 *
 * Lookups check the window themselves, so when pruning happens never changes a decision.
 */
import type { Decision } from '../contract/kafka-records.ts';
import type { HoldEnding, RememberedDecision, SeatMemory, SeatMemoryLimits } from './seat-state.ts';

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

/** The remembered decision of a user's command, if it is inside the window at `logTime`. */
export function rememberedDecision(
  memory: SeatMemory,
  userId: string,
  commandId: string,
  logTime: number,
  dedupeWindowMs: number,
): Decision | undefined {
  const { decisionKeys } = memory;
  if (decisionKeys.length === 0) return undefined;
  const key = decisionKey(userId, commandId);
  // Newest first: a key decided again after its window has its newest entry last.
  for (let i = decisionKeys.length - 1; i >= 0; i--) {
    if (decisionKeys[i] !== key) continue;
    const entry = memory.decisions[i];
    if (entry?.commandId === commandId && entry.userId === userId) {
      return logTime - entry.decidedAt < dedupeWindowMs ? entry.decision : undefined;
    }
  }
  return undefined;
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
 * The memory with one more decision. Entries out of the window are dropped from the front
 * (entries arrive in log order), and the oldest refusal beyond the cap; only those entries
 * are read, the rest are copied as they are.
 */
export function rememberDecision(
  memory: SeatMemory,
  userId: string,
  commandId: string,
  decidedAt: number,
  decision: Decision,
  limits: SeatMemoryLimits,
): SeatMemory {
  const { decisions: previous, decisionKeys: previousKeys } = memory;
  let refusals = memory.refusals;
  let start = 0;
  for (; start < previous.length; start++) {
    const entry = previous[start];
    if (entry === undefined || decidedAt - entry.decidedAt < limits.dedupeWindowMs) break;
    if (entry.decision.outcome === 'rejected') refusals--;
  }
  // Over the cap, the oldest remembered refusal makes way for the new one.
  const rejected = decision.outcome === 'rejected';
  if (rejected) refusals++;
  let skip = -1;
  const overCap = rejected && refusals > limits.maxRememberedRefusals;
  if (overCap) {
    for (let i = start; i < previous.length; i++) {
      if (previous[i]?.decision.outcome === 'rejected') {
        skip = i;
        break;
      }
    }
    refusals--;
  }
  // One pass into new arrays: this runs for nearly every command.
  const decisions: RememberedDecision[] = [];
  const decisionKeys: number[] = [];
  for (let i = start; i < previous.length; i++) {
    if (i === skip) continue;
    decisions.push(previous[i] as RememberedDecision);
    decisionKeys.push(previousKeys[i] as number);
  }
  // With no older refusal to drop (a cap of 0), the new refusal itself is not kept.
  if (!overCap || skip >= 0) {
    decisions.push({ userId, commandId, decidedAt, decision });
    decisionKeys.push(decisionKey(userId, commandId));
  }
  return { endedHolds: memory.endedHolds, decisions, decisionKeys, refusals };
}

/** The memory with one more ended hold, pruned at its log time. */
export function rememberEndedHold(
  memory: SeatMemory,
  holdId: string,
  ending: HoldEnding,
  endedAt: number,
  limits: SeatMemoryLimits,
): SeatMemory {
  const kept = memory.endedHolds.filter(
    (ended) => endedAt - ended.endedAt < limits.endedHoldsWindowMs,
  );
  kept.push({ holdId, ending, endedAt });
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
  const endedHolds = memory.endedHolds.filter(
    (ended) => logTime - ended.endedAt < limits.endedHoldsWindowMs,
  );
  const kept = memory.decisions.filter(
    (entry) => logTime - entry.decidedAt < limits.dedupeWindowMs,
  );
  if (kept.length === memory.decisions.length && endedHolds.length === memory.endedHolds.length) {
    return memory;
  }
  return { ...indexDecisions(kept), endedHolds };
}

/** A memory of these decisions (and no ended holds), with its index. */
export function indexDecisions(decisions: RememberedDecision[]): SeatMemory {
  let refusals = 0;
  for (const entry of decisions) if (entry.decision.outcome === 'rejected') refusals++;
  return {
    endedHolds: [],
    decisions,
    decisionKeys: decisions.map((entry) => decisionKey(entry.userId, entry.commandId)),
    refusals,
  };
}
