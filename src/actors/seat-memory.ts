/**
 * The per-seat memories: decisions by `(userId, commandId)` (the dedupe memory of DESIGN
 * §3.11) and recently ended holds. Pure functions over small arrays in log-time order: a
 * seat rarely remembers more than a handful of entries, where a scan beats a map.
 *
 * Lookups check the window themselves, so when pruning happens never changes a decision.
 */
import type { Decision } from './messages.ts';
import type { HoldEnding, RememberedDecision, SeatMemory, SeatMemoryLimits } from './seat-state.ts';

/** The remembered decision of a user's command, if it is inside the window at `logTime`. */
export function rememberedDecision(
  memory: SeatMemory,
  userId: string,
  commandId: string,
  logTime: number,
  dedupeWindowMs: number,
): Decision | undefined {
  const { decisions } = memory;
  for (let i = decisions.length - 1; i >= 0; i--) {
    const entry = decisions[i];
    if (entry === undefined) continue;
    if (entry.commandId === commandId && entry.userId === userId) {
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
 * The memory with one more decision, pruned at its log time. One pass, no closures: this
 * runs for nearly every command.
 */
export function rememberDecision(
  memory: SeatMemory,
  userId: string,
  commandId: string,
  decidedAt: number,
  decision: Decision,
  limits: SeatMemoryLimits,
): SeatMemory {
  const kept: RememberedDecision[] = [];
  let refusals = decision.outcome === 'rejected' ? 1 : 0;
  for (const entry of memory.decisions) {
    if (decidedAt - entry.decidedAt >= limits.dedupeWindowMs) continue;
    if (entry.commandId === commandId && entry.userId === userId) continue;
    if (entry.decision.outcome === 'rejected') refusals++;
    kept.push(entry);
  }
  kept.push({ userId, commandId, decidedAt, decision });
  if (refusals > limits.maxRememberedRefusals) {
    // The new entry is a refusal, so there is one to drop.
    kept.splice(
      kept.findIndex((entry) => entry.decision.outcome === 'rejected'),
      1,
    );
  }
  return { endedHolds: memory.endedHolds, decisions: kept };
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
  return { endedHolds: kept, decisions: memory.decisions };
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
  const decisions = memory.decisions.filter(
    (entry) => logTime - entry.decidedAt < limits.dedupeWindowMs,
  );
  const endedHolds = memory.endedHolds.filter(
    (ended) => logTime - ended.endedAt < limits.endedHoldsWindowMs,
  );
  if (
    decisions.length === memory.decisions.length &&
    endedHolds.length === memory.endedHolds.length
  ) {
    return memory;
  }
  return { endedHolds, decisions };
}
