/**
 * `rememberDecision` builds its arrays in one pass for speed; these properties hold it to the
 * plain definition (drop what left the window, append, drop the oldest refusal over the
 * cap) on random sequences, caps of 0 included.
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

/** The definition, written the slow and obvious way. */
function reference(
  entries: readonly RememberedDecision[],
  added: RememberedDecision,
  windowMs: number,
  cap: number,
): RememberedDecision[] {
  const kept = entries.filter((e) => added.decidedAt - e.decidedAt < windowMs);
  // Entries arrive in log order, so the ones out of the window are a prefix.
  const fromFirstInWindow = entries.slice(entries.length - kept.length);
  const next = [...fromFirstInWindow, added];
  const refusals = next.filter((e) => e.decision.outcome === 'rejected').length;
  if (added.decision.outcome === 'rejected' && refusals > cap) {
    next.splice(
      next.findIndex((e) => e.decision.outcome === 'rejected'),
      1,
    );
  }
  return next;
}

const held: Decision = { outcome: 'held', eventId: 'e', version: 1, holdId: 'h', expiresAt: 9 };
const rejected: Decision = { outcome: 'rejected', eventId: 'e', version: 1, reason: 'SEAT_TAKEN' };

describe('rememberDecision', () => {
  it('keeps what the plain definition keeps, with keys and refusal counts to match', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 1, max: 50 }),
        fc.array(
          fc.record({
            dt: fc.integer({ min: 0, max: 20 }),
            user: fc.constantFrom('ann', 'bob'),
            refusal: fc.boolean(),
          }),
          { maxLength: 40 },
        ),
        (cap, windowMs, steps) => {
          const limits = seatMemoryLimits({ dedupeWindowMs: windowMs, maxRememberedRefusals: cap });
          let memory: SeatMemory = EMPTY_SEAT_MEMORY;
          let expected: RememberedDecision[] = [];
          let now = 0;
          steps.forEach((step, i) => {
            now += step.dt;
            const added = {
              userId: step.user,
              commandId: `c${i}`,
              decidedAt: now,
              decision: step.refusal ? rejected : held,
            };
            const before = memory;
            memory = rememberDecision(
              memory,
              added.userId,
              added.commandId,
              now,
              added.decision,
              limits,
            );
            expected = reference(expected, added, windowMs, cap);
            expect(memory).not.toBe(before);
            expect(memory.decisions).toEqual(expected);
            expect(memory.decisionKeys).toEqual(
              expected.map((e) => decisionKey(e.userId, e.commandId)),
            );
            expect(memory.refusals).toBe(
              expected.filter((e) => e.decision.outcome === 'rejected').length,
            );
            for (const e of expected) {
              expect(rememberedDecision(memory, e.userId, e.commandId, now, windowMs)).toBe(
                e.decision,
              );
            }
          });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('leaves the memory it was given as it was', () => {
    const limits = seatMemoryLimits({ maxRememberedRefusals: 1 });
    const one = rememberDecision(EMPTY_SEAT_MEMORY, 'ann', 'a', 0, rejected, limits);
    const snapshot = structuredClone(one);
    rememberDecision(one, 'bob', 'b', 1, rejected, limits);
    expect(one).toEqual(snapshot);
  });

  it('hashes a pair the same whether or not it was the last one hashed', () => {
    const first = decisionKey('ann', 'cmd-1');
    decisionKey('bob', 'cmd-2');
    expect(decisionKey('ann', 'cmd-1')).toBe(first);
    expect(decisionKey('ann', 'cmd-1')).toBe(first);
    expect(decisionKey('an', 'ncmd-1')).not.toBe(first);
  });
});
