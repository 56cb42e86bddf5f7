import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { indexDecisions } from '../../../src/actors/seat-memory.ts';
import {
  type EndedHold,
  INITIAL_SEAT_STATE,
  type RememberedDecision,
  type SeatState,
} from '../../../src/actors/seat-state.ts';
import { decodeSeat, encodeSeat, SNAPSHOT_FORMAT } from '../../../src/actors/snapshot-codec.ts';
import { isHoldfastError } from '../../../src/contract/errors.ts';
import type { Decision } from '../../../src/contract/kafka-records.ts';
import { as, confirmation, expiry, holdRequest, release, SeatRunner, T0 } from './fixtures.ts';

function seatsInEveryShape(): SeatState[] {
  const seat = new SeatRunner();
  const shapes: SeatState[] = [seat.state];
  const first = as(seat.one(holdRequest({ userId: 'ann' }), T0), 'seat.held');
  shapes.push(seat.state);
  seat.one(holdRequest({ userId: 'bob' }), T0 + 1);
  seat.one(release({ userId: 'ann', holdId: first.holdId }), T0 + 2);
  shapes.push(seat.state);
  const second = as(seat.one(holdRequest({ userId: 'bob' }), T0 + 3), 'seat.held');
  seat.one(expiry(second), second.expiresAt);
  const third = as(seat.one(holdRequest({ userId: 'cid' }), second.expiresAt + 1), 'seat.held');
  seat.one(holdRequest({ userId: 'cid' }), second.expiresAt + 2);
  seat.one(confirmation({ userId: 'cid', holdId: third.holdId }), second.expiresAt + 3);
  shapes.push(seat.state);
  return shapes;
}

describe('snapshot codec', () => {
  it('round-trips every shape of seat, memories included', () => {
    for (const state of seatsInEveryShape()) {
      expect(decodeSeat(encodeSeat(state))).toEqual(state);
    }
  });

  it('writes short keys and its format version', () => {
    const reserved = seatsInEveryShape().at(-1) as SeatState;
    const record = JSON.parse(encodeSeat(reserved));
    expect(record).toMatchObject({ f: SNAPSHOT_FORMAT, s: 'r', v: reserved.version });
    expect(Object.keys(record).every((key) => key.length === 1)).toBe(true);
    expect(encodeSeat(INITIAL_SEAT_STATE)).toBe(`{"f":${SNAPSHOT_FORMAT},"v":0,"s":"a"}`);
  });

  it.each([
    ['not JSON', '{'],
    ['an unknown format', '{"f":99,"v":0,"s":"a"}'],
    ['an unknown status', '{"f":1,"v":0,"s":"z"}'],
    ['a held seat without its hold', '{"f":1,"v":1,"s":"h"}'],
    ['a negative version', '{"f":1,"v":-1,"s":"a"}'],
    ['a bad decision', '{"f":1,"v":0,"s":"a","d":[["u","c",1,["q","e",1]]]}'],
    ['a bad reason', '{"f":1,"v":0,"s":"a","d":[["u","c",1,["j","e",1,"NOPE"]]]}'],
  ])('refuses %s with HF_RECORD_INVALID naming the seat', (_, text) => {
    try {
      decodeSeat(text, 'show-1/A1');
      expect.unreachable();
    } catch (error) {
      expect(isHoldfastError(error, 'HF_RECORD_INVALID')).toBe(true);
      expect(isHoldfastError(error) && error.context).toEqual({ seatKey: 'show-1/A1' });
    }
  });
});

/** The record as `JSON.stringify` writes it: what the hand-written encoder must equal. */
function referenceEncoding(state: SeatState): string {
  const record: Record<string, unknown> = { f: SNAPSHOT_FORMAT, v: state.version, s: 'a' };
  if (state.status === 'held') {
    Object.assign(record, {
      s: 'h',
      h: state.holdId,
      u: state.userId,
      t: state.heldAt,
      x: state.expiresAt,
    });
  } else if (state.status === 'reserved') {
    Object.assign(record, {
      s: 'r',
      h: state.holdId,
      u: state.userId,
      t: state.reservedAt,
      i: state.reservedEventId,
    });
  }
  const { endedHolds, decisions } = state.memory;
  if (endedHolds.length > 0) {
    record.e = endedHolds.map((e) => [e.holdId, e.ending === 'expired' ? 'x' : 'r', e.endedAt]);
  }
  if (decisions.length > 0) {
    record.d = decisions.map((entry) => {
      const d = entry.decision;
      const encoded =
        d.outcome === 'held'
          ? ['h', d.eventId, d.version, d.holdId, d.expiresAt]
          : d.outcome === 'reserved'
            ? ['r', d.eventId, d.version, d.holdId]
            : d.outcome === 'released'
              ? ['l', d.eventId, d.version, d.holdId, d.cause === 'expired' ? 'x' : 'r']
              : ['j', d.eventId, d.version, d.reason];
      return [entry.userId, entry.commandId, entry.decidedAt, encoded];
    });
  }
  return JSON.stringify(record);
}

/** Any text, escapes and lone surrogates included: user ids are free text. */
const text = fc.string({ unit: 'binary', minLength: 1, maxLength: 12 });
const count = fc.nat({ max: Number.MAX_SAFE_INTEGER });
const decision: fc.Arbitrary<Decision> = fc.oneof(
  fc.record({
    outcome: fc.constant('held' as const),
    eventId: text,
    version: count,
    holdId: text,
    expiresAt: count,
  }),
  fc.record({
    outcome: fc.constant('reserved' as const),
    eventId: text,
    version: count,
    holdId: text,
  }),
  fc.record({
    outcome: fc.constant('released' as const),
    eventId: text,
    version: count,
    holdId: text,
    cause: fc.constantFrom('released' as const, 'expired' as const),
  }),
  fc.record({
    outcome: fc.constant('rejected' as const),
    eventId: text,
    version: count,
    reason: fc.constantFrom('SEAT_TAKEN' as const, 'NOT_HOLDER' as const, 'HOLD_EXPIRED' as const),
  }),
);
const entry: fc.Arbitrary<RememberedDecision> = fc.record({
  userId: text,
  commandId: text,
  decidedAt: count,
  decision,
});
const ended: fc.Arbitrary<EndedHold> = fc.record({
  holdId: text,
  ending: fc.constantFrom('expired' as const, 'released' as const),
  endedAt: count,
});
const anySeat: fc.Arbitrary<SeatState> = fc
  .tuple(
    fc.constantFrom('available', 'held', 'reserved'),
    count,
    text,
    text,
    count,
    count,
    text,
    fc.array(ended, { maxLength: 3 }),
    fc.array(entry, { maxLength: 5 }),
  )
  .map(([status, version, holdId, userId, at, expiresAt, eventId, endedHolds, decisions]) => {
    const memory = { ...indexDecisions(decisions), endedHolds };
    if (status === 'held') {
      return { status, version, holdId, userId, heldAt: at, expiresAt, memory };
    }
    if (status === 'reserved') {
      return { status, version, holdId, userId, reservedAt: at, reservedEventId: eventId, memory };
    }
    return { status: 'available', version, memory };
  });

describe('snapshot encoder', () => {
  it('writes exactly what JSON.stringify of the record writes, for any seat', () => {
    fc.assert(
      fc.property(anySeat, (state) => {
        expect(encodeSeat(state)).toBe(referenceEncoding(state));
        // Twice: the second time from the remembered entries' cached texts.
        expect(encodeSeat(state)).toBe(referenceEncoding(state));
        expect(decodeSeat(encodeSeat(state))).toEqual(state);
      }),
      { numRuns: 1000 },
    );
    for (const state of seatsInEveryShape())
      expect(encodeSeat(state)).toBe(referenceEncoding(state));
  });
});
