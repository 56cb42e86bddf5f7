import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide } from '../../../src/actors/decide.ts';
import { memoryOf } from '../../../src/actors/seat-memory.ts';
import {
  DEFAULT_SEAT_MEMORY_LIMITS,
  type EndedHold,
  INITIAL_SEAT_STATE,
  type RememberedDecision,
  type SeatState,
} from '../../../src/actors/seat-state.ts';
import { decodeSeat, encodeSeat, SNAPSHOT_FORMAT } from '../../../src/actors/snapshot-codec.ts';
import { isHoldfastError } from '../../../src/contract/errors.ts';
import type { Decision } from '../../../src/contract/kafka-records.ts';
import {
  as,
  confirmation,
  entriesOf,
  expiry,
  holdRequest,
  plainSeat,
  release,
  SeatRunner,
  SHOW,
  T0,
} from './fixtures.ts';

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
      expect(plainSeat(decodeSeat(encodeSeat(state)))).toEqual(plainSeat(state));
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

const ENDING = { expired: 'x', released: 'r', cancelled: 'k' } as const;

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
      q: state.requestId, // left out when undefined, as the encoder does
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
  const { endedHolds, decisions, refusals } = state.memory;
  if (endedHolds.length > 0) {
    record.e = endedHolds.map((e) =>
      e.requestId === undefined
        ? [e.holdId, ENDING[e.ending], e.endedAt]
        : [e.holdId, ENDING[e.ending], e.endedAt, e.requestId],
    );
  }
  const entries = (queue: typeof decisions) =>
    entriesOf(queue).map((entry) => {
      const d = entry.decision;
      const encoded =
        d.outcome === 'held'
          ? ['h', d.eventId, d.version, d.holdId, d.expiresAt]
          : d.outcome === 'reserved'
            ? ['r', d.eventId, d.version, d.holdId]
            : d.outcome === 'released'
              ? ['l', d.eventId, d.version, d.holdId, ENDING[d.cause]]
              : ['j', d.eventId, d.version, d.reason];
      const command = {
        'seat.holdRequest': 'h',
        'seat.confirmationRequest': 'c',
        'seat.releaseRequest': 'l',
        'seat.cancelRequest': 'k',
      };
      return entry.commandType === undefined
        ? [entry.userId, entry.commandId, entry.decidedAt, encoded]
        : [entry.userId, entry.commandId, entry.decidedAt, encoded, command[entry.commandType]];
    });
  if (decisions.length > 0) record.d = entries(decisions);
  if (refusals.length > 0) record.r = entries(refusals);
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
    cause: fc.constantFrom('released' as const, 'expired' as const, 'cancelled' as const),
  }),
  fc.record({
    outcome: fc.constant('rejected' as const),
    eventId: text,
    version: count,
    reason: fc.constantFrom(
      'SEAT_TAKEN' as const,
      'NOT_HOLDER' as const,
      'HOLD_EXPIRED' as const,
      'CANCELLED' as const,
    ),
  }),
);
/** An entry's command is unknown only for a refusal read from a record before format 3. */
const COMMAND_OF = {
  held: 'seat.holdRequest',
  reserved: 'seat.confirmationRequest',
  released: 'seat.releaseRequest',
} as const;
const entry: fc.Arbitrary<RememberedDecision> = fc
  .record({
    userId: text,
    commandId: text,
    decidedAt: count,
    decision,
    commandType: fc.constantFrom(
      'seat.holdRequest' as const,
      'seat.confirmationRequest' as const,
      'seat.releaseRequest' as const,
      'seat.cancelRequest' as const,
      undefined,
    ),
  })
  .map((e) =>
    e.commandType === undefined && e.decision.outcome !== 'rejected'
      ? { ...e, commandType: COMMAND_OF[e.decision.outcome] }
      : e,
  );
const ended: fc.Arbitrary<EndedHold> = fc.record({
  holdId: text,
  ending: fc.constantFrom('expired' as const, 'released' as const, 'cancelled' as const),
  endedAt: count,
  requestId: fc.option(text, { nil: undefined }),
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
    fc.array(entry, { maxLength: 8 }),
    fc.option(text, { nil: undefined }),
  )
  .map(
    ([status, version, holdId, userId, at, expiresAt, eventId, endedHolds, decided, request]) => {
      const memory = memoryOf(decided, endedHolds);
      if (status === 'held') {
        return {
          status,
          version,
          holdId,
          userId,
          heldAt: at,
          expiresAt,
          requestId: request,
          memory,
        };
      }
      if (status === 'reserved') {
        return {
          status,
          version,
          holdId,
          userId,
          reservedAt: at,
          reservedEventId: eventId,
          memory,
        };
      }
      return { status: 'available', version, memory };
    },
  );

describe('snapshot encoder', () => {
  it('writes exactly what JSON.stringify of the record writes, for any seat', () => {
    fc.assert(
      fc.property(anySeat, (state) => {
        expect(encodeSeat(state)).toBe(referenceEncoding(state));
        // Twice: the second time from the remembered entries' cached texts.
        expect(encodeSeat(state)).toBe(referenceEncoding(state));
        expect(plainSeat(decodeSeat(encodeSeat(state)))).toEqual(plainSeat(state));
      }),
      { numRuns: 1000 },
    );
    for (const state of seatsInEveryShape())
      expect(encodeSeat(state)).toBe(referenceEncoding(state));
  });
});

/**
 * A record written by format 1 (refusals and other decisions in one list, in log order), as
 * the code before format 2 encoded it: ann held and released, bob was refused then held
 * until expiry, cid was refused, held, asked again and confirmed, ann and dan were refused.
 */
const FORMAT_1_RECORD =
  '{"f":1,"v":6,"s":"r","h":"0-6-0","u":"cid","t":1700000010007,"i":"0-9-0","e":[["0-0-0","r",1700000000002],["0-3-0","x",1700000010003]],"d":[["ann","a1",1700000000000,["h","0-0-0",1,"0-0-0",1700000010000]],["bob","b1",1700000000001,["j","0-1-0",1,"SEAT_TAKEN"]],["ann","a2",1700000000002,["l","0-2-0",2,"0-0-0","r"]],["bob","b2",1700000000003,["h","0-3-0",3,"0-3-0",1700000010003]],["cid","c1",1700000000004,["j","0-4-0",3,"SEAT_TAKEN"]],["cid","c2",1700000010004,["h","0-6-0",5,"0-6-0",1700000020004]],["cid","c3",1700000010005,["h","0-6-0",5,"0-6-0",1700000020004]],["ann","a3",1700000010006,["j","0-8-0",5,"NOT_HOLDER"]],["cid","c4",1700000010007,["r","0-9-0",6,"0-6-0"]],["dan","d1",1700000010008,["j","0-10-0",6,"SEAT_TAKEN"]]]}';

describe('format 1 records', () => {
  it('read as the same seat, refusals and other decisions in their own queues, in log order', () => {
    const state = decodeSeat(FORMAT_1_RECORD, 'show-1/A1');
    expect(state).toMatchObject({ status: 'reserved', version: 6, holdId: '0-6-0', userId: 'cid' });
    const commandIds = (queue: typeof state.memory.decisions) =>
      entriesOf(queue).map((entry) => entry.commandId);
    expect(commandIds(state.memory.decisions)).toEqual(['a1', 'a2', 'b2', 'c2', 'c3', 'c4']);
    expect(commandIds(state.memory.refusals)).toEqual(['b1', 'c1', 'a3', 'd1']);
    expect(state.memory.endedHolds.map((ended) => ended.ending)).toEqual(['released', 'expired']);
  });

  it('know the command of every decision but a refusal (any command repeats a refusal)', () => {
    const state = decodeSeat(FORMAT_1_RECORD);
    const typeOf = (commandId: string) =>
      [...entriesOf(state.memory.decisions), ...entriesOf(state.memory.refusals)].find(
        (entry) => entry.commandId === commandId,
      )?.commandType;
    expect(typeOf('a1')).toBe('seat.holdRequest');
    expect(typeOf('a2')).toBe('seat.releaseRequest');
    expect(typeOf('c4')).toBe('seat.confirmationRequest');
    expect(typeOf('b1')).toBeUndefined();
  });

  it('are written back in the current format, and answer the same repeats', () => {
    const state = decodeSeat(FORMAT_1_RECORD);
    const rewritten = decodeSeat(encodeSeat(state));
    expect(JSON.parse(encodeSeat(state)).f).toBe(SNAPSHOT_FORMAT);
    expect(plainSeat(rewritten)).toEqual(plainSeat(state));
    for (const [command, original] of [
      [
        holdRequest({ userId: 'bob', commandId: 'b1' }),
        { outcome: 'rejected', eventId: '0-1-0', reason: 'SEAT_TAKEN' },
      ],
      [
        confirmation({ userId: 'bob', commandId: 'b1', holdId: '0-0-0' }),
        { outcome: 'rejected', eventId: '0-1-0', reason: 'SEAT_TAKEN' },
      ],
      [
        release({ userId: 'ann', commandId: 'a2', holdId: '0-0-0' }),
        { outcome: 'released', eventId: '0-2-0', cause: 'released' },
      ],
      [
        confirmation({ userId: 'cid', commandId: 'c4', holdId: '0-6-0' }),
        { outcome: 'reserved', eventId: '0-9-0' },
      ],
    ] as const) {
      const { events } = decide(rewritten, command, {
        logTime: T0 + 20_000,
        show: SHOW,
        eventIdBase: '0-11',
        limits: DEFAULT_SEAT_MEMORY_LIMITS,
      });
      expect(events).toMatchObject([{ type: 'seat.decisionRepeated', decision: original }]);
    }
  });
});
