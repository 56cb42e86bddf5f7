/**
 * The seat memory's queues share their stores and grow in place; these properties hold them
 * to the plain definition (per queue: drop what left the window, append, drop the oldest over
 * the cap) on random sequences, caps of 0 included, and check that no state is changed by
 * another state growing from it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decisionKey,
  rememberDecision,
  rememberedDecision,
} from '../../../src/actors/seat-memory.ts';
import {
  EMPTY_SEAT_MEMORY,
  type RememberedDecision,
  type SeatMemory,
  seatMemoryLimits,
} from '../../../src/actors/seat-state.ts';
import type { Decision } from '../../../src/contract/kafka-records.ts';
import { entriesOf } from './fixtures.ts';

/** The definition of one queue, written the slow and obvious way. */
function reference(
  entries: readonly RememberedDecision[],
  added: RememberedDecision,
  windowMs: number,
  cap: number,
): RememberedDecision[] {
  const kept = entries.filter((e) => added.decidedAt - e.decidedAt < windowMs);
  // Entries arrive in log order, so the ones out of the window are a prefix.
  const next = [...entries.slice(entries.length - kept.length), added];
  return cap === 0 ? [] : next.slice(Math.max(0, next.length - cap));
}

const held: Decision = { outcome: 'held', eventId: 'e', version: 1, holdId: 'h', expiresAt: 9 };
const rejected: Decision = { outcome: 'rejected', eventId: 'e', version: 1, reason: 'SEAT_TAKEN' };

const stepArb = fc.record({
  dt: fc.integer({ min: 0, max: 20 }),
  user: fc.constantFrom('ann', 'bob'),
  refusal: fc.boolean(),
  /** Grow from this many states back instead of the newest: a branch, as a replay makes. */
  back: fc.constantFrom(0, 0, 0, 1, 2),
});

describe('rememberDecision', () => {
  it('keeps in each queue what the plain definition keeps, whichever state it grows from', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 1, max: 50 }),
        fc.array(stepArb, { maxLength: 60 }),
        (refusalCap, decisionCap, windowMs, steps) => {
          const limits = seatMemoryLimits({
            dedupeWindowMs: windowMs,
            maxRememberedRefusals: refusalCap,
            maxRememberedDecisions: decisionCap,
          });
          // Every state made so far, with what it must hold, checked again at the end.
          const states: {
            memory: SeatMemory;
            decisions: RememberedDecision[];
            refusals: RememberedDecision[];
          }[] = [{ memory: EMPTY_SEAT_MEMORY, decisions: [], refusals: [] }];
          let now = 0;
          steps.forEach((step, i) => {
            now += step.dt;
            const from = states[Math.max(0, states.length - 1 - step.back)] ?? states[0];
            if (from === undefined) return;
            const added = {
              userId: step.user,
              commandId: `c${i}`,
              decidedAt: now,
              decision: step.refusal ? rejected : held,
              commandType: 'seat.holdRequest' as const,
            };
            const memory = rememberDecision(
              from.memory,
              added.userId,
              added.commandId,
              now,
              added.decision,
              added.commandType,
              limits,
            );
            const next = {
              memory,
              decisions: step.refusal
                ? from.decisions
                : reference(from.decisions, added, windowMs, decisionCap),
              refusals: step.refusal
                ? reference(from.refusals, added, windowMs, refusalCap)
                : from.refusals,
            };
            states.push(next);
            expect(memory).not.toBe(from.memory);
            // A queue is pruned only when it grows, but answers only inside the window.
            for (const e of [...next.decisions, ...next.refusals]) {
              expect(
                rememberedDecision(memory, e.userId, e.commandId, now, windowMs)?.decision,
              ).toBe(now - e.decidedAt < windowMs ? e.decision : undefined);
            }
          });
          for (const state of states) {
            expect(entriesOf(state.memory.decisions)).toEqual(state.decisions);
            expect(entriesOf(state.memory.refusals)).toEqual(state.refusals);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never lets a rush of refusals push out a grant', () => {
    const limits = seatMemoryLimits({ maxRememberedRefusals: 2, maxRememberedDecisions: 1 });
    const hold = 'seat.holdRequest';
    let memory = rememberDecision(EMPTY_SEAT_MEMORY, 'ann', 'a', 0, held, hold, limits);
    for (let i = 0; i < 100; i++) {
      memory = rememberDecision(memory, `u${i}`, `x${i}`, i, rejected, hold, limits);
    }
    expect(rememberedDecision(memory, 'ann', 'a', 100, 900_000)?.decision).toBe(held);
    expect(entriesOf(memory.refusals).map((e) => e.userId)).toEqual(['u98', 'u99']);
  });

  it('hashes a pair the same whether or not it was the last one hashed', () => {
    const first = decisionKey('ann', 'cmd-1');
    decisionKey('bob', 'cmd-2');
    expect(decisionKey('ann', 'cmd-1')).toBe(first);
    expect(decisionKey('ann', 'cmd-1')).toBe(first);
    expect(decisionKey('an', 'ncmd-1')).not.toBe(first);
  });
});
