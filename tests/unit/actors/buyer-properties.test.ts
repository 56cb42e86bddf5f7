/**
 * Properties of buyers' group holds over random interleavings (docs/design.md §9.4, §9.5):
 * several buyers' group holds, releases and expiries over a small show, each emitted command
 * fed back through an in-memory log, some delivered late or twice.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeBuyer, encodeBuyer } from '../../../src/actors/buyer-codec.ts';
import { type BuyerState, heldSeats } from '../../../src/actors/buyer-state.ts';
import type { BuyerDecided, BuyerOutcome } from '../../../src/contract/buyer-records.ts';
import type { ShowDefinition } from '../../../src/contract/shows.ts';
import { groupHold } from './buyer-fixtures.ts';
import { expiry, release, SHOW, TTL_MS } from './fixtures.ts';
import { LogHarness } from './log-harness.ts';

const SMALL: ShowDefinition = Object.freeze({ ...SHOW, rows: 2, seatsPerRow: 3 });
const SEATS: readonly string[] = ['A1', 'A2', 'A3', 'B1', 'B2', 'B3'];
const USERS: readonly string[] = ['ann', 'bob', 'cid'];
const CAP = 3;

type Action =
  | { kind: 'group'; user: number; seats: number[] }
  | { kind: 'repeat'; user: number; pick: number }
  | { kind: 'release'; user: number; pick: number };
interface Step {
  issue: boolean;
  pick: number;
  dup: boolean;
  /** Log time jumps a hold TTL here: requests in flight expire, and so do holds. */
  stall: boolean;
}
interface Round {
  dt: number;
  actions: Action[];
  steps: Step[];
}

const userArb = fc.nat({ max: USERS.length - 1 });
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('group' as const),
      user: userArb,
      seats: fc.uniqueArray(fc.nat({ max: SEATS.length - 1 }), { minLength: 1, maxLength: 4 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('repeat' as const), user: userArb, pick: fc.nat() }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('release' as const), user: userArb, pick: fc.nat() }),
  },
);
const roundArb = (duplicates: boolean): fc.Arbitrary<Round> =>
  fc.record({
    dt: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2 * TTL_MS })),
    actions: fc.array(actionArb, { minLength: 1, maxLength: 5 }),
    steps: fc.array(
      fc.record({
        issue: fc.boolean(),
        pick: fc.nat({ max: 20 }),
        dup: duplicates ? fc.nat({ max: 3 }).map((n) => n === 0) : fc.constant(false),
        stall: fc.nat({ max: 30 }).map((n) => n === 0),
      }),
      { maxLength: 40 },
    ),
  });

interface Sent {
  user: string;
  commandId: string;
  correlationId: string;
  seatIds: string[];
}

/** What the runs exercised: each must be seen, or the properties prove little. */
const seenInRuns = new Map<string, number>();
function saw(what: string): void {
  seenInRuns.set(what, (seenInRuns.get(what) ?? 0) + 1);
}

/** Runs the rounds, checking the invariants as it goes; returns the log for replay checks. */
function runScenario(show: ShowDefinition, rounds: Round[], dupsInRun: boolean): LogHarness {
  const log = new LogHarness(show, { memory: { dedupeWindowMs: 86_400_000 } }, false);
  const capped = show.maxSeatsPerBuyer !== undefined;
  const holder = new Map<string, string>(); // the event stream's own view: seat → holder
  let seen = 0;
  let serial = 0;
  const requests: Sent[] = [];

  const checkStream = () => {
    for (; seen < log.outputs.length; seen++) {
      for (const event of log.outputs[seen]?.events ?? []) {
        if (event.type === 'seat.held') {
          // No seat is ever held by two users.
          expect(holder.get(event.seatId), `${event.seatId} taken while held`).toBeUndefined();
          holder.set(event.seatId, event.userId);
        } else if (event.type === 'seat.released') {
          holder.delete(event.seatId);
        }
      }
    }
  };
  const truthHeld = (user: string) =>
    SEATS.filter((seatId) => {
      const seat = log.system.seat(show.showId, seatId);
      return (
        (seat.status === 'held' && seat.userId === user && seat.expiresAt > log.logTime) ||
        (seat.status === 'reserved' && seat.userId === user)
      );
    });
  const checkCap = () => {
    if (!capped) return;
    for (const user of USERS) expect(truthHeld(user).length).toBeLessThanOrEqual(CAP);
  };

  for (const round of rounds) {
    log.logTime += round.dt;
    for (const seatId of SEATS) {
      const seat = log.system.seat(show.showId, seatId);
      if (seat.status === 'held' && seat.expiresAt <= log.logTime) {
        log.send(
          expiry({ holdId: seat.holdId, userId: seat.userId, expiresAt: seat.expiresAt, seatId }),
        );
      }
    }
    const startHeld = new Map(USERS.map((user) => [user, new Set(log.heldBy(user, SEATS))]));
    const startHolds = new Map(
      SEATS.map((seatId) => [seatId, log.system.seat(show.showId, seatId)] as const),
    );
    const roundSent: Sent[] = [];
    const asked = (user: string) =>
      new Set(
        round.actions.flatMap((action) =>
          action.kind === 'group' && USERS[action.user] === user
            ? action.seats.map((i) => SEATS[i] as string)
            : [],
        ),
      );
    const issue = (action: Action) => {
      const user = USERS[action.user] as string;
      if (action.kind === 'release') {
        // Only a hold from before the round, on a seat the user asks for in no group of
        // it: so each group's outcome can be checked exactly at the end of the round.
        const mine = [...(startHeld.get(user) ?? [])].filter((seatId) => !asked(user).has(seatId));
        const seatId = mine[action.pick % Math.max(1, mine.length)];
        if (seatId === undefined) return;
        const then = startHolds.get(seatId);
        const now = log.system.seat(show.showId, seatId);
        if (then?.status !== 'held' || now.status !== 'held' || now.holdId !== then.holdId) return;
        log.send(
          release({ userId: user, seatId, holdId: now.holdId, commandId: `rel-${serial++}` }),
        );
        return;
      }
      let sent: Sent;
      if (action.kind === 'repeat') {
        const earlier = requests.filter((request) => request.user === user);
        const original = earlier[action.pick % Math.max(1, earlier.length)];
        if (original === undefined || !earlier.some((r) => roundSent.includes(r))) return;
        sent = { ...original, correlationId: `corr-${serial++}` };
      } else {
        const seatIds = action.seats.map((i) => SEATS[i] as string);
        sent = { user, commandId: `g-${serial}`, correlationId: `corr-${serial++}`, seatIds };
      }
      requests.push(sent);
      roundSent.push(sent);
      log.send(
        groupHold({
          userId: user,
          seatIds: sent.seatIds,
          commandId: sent.commandId,
          correlationId: sent.correlationId,
          show,
        }),
      );
    };

    let next = 0;
    let stalled = false;
    for (const step of round.steps) {
      if (step.stall) {
        log.logTime += TTL_MS;
        stalled = true;
      }
      if (step.issue && next < round.actions.length) issue(round.actions[next++] as Action);
      else log.deliver(step.pick, step.dup);
      checkStream();
      if (!dupsInRun) checkCap();
    }
    while (next < round.actions.length) issue(round.actions[next++] as Action);
    log.drain();
    checkStream();
    checkCap();

    // Every request was answered, to its own route, and all answers of one operation agree.
    const decided = log.outputs
      .flatMap((output) => output.events)
      .filter((event): event is BuyerDecided => event.type === 'buyer.decided');
    const byRequest = new Map<string, BuyerOutcome>();
    for (const event of decided) {
      const first = byRequest.get(event.requestId);
      if (first === undefined) byRequest.set(event.requestId, event.outcome);
      else expect(event.outcome).toEqual(first);
    }
    for (const sent of roundSent) {
      expect(decided.some((event) => event.correlationId === sent.correlationId)).toBe(true);
    }
    // The settled outcome of each operation decided in this round.
    const okSeats = new Map(USERS.map((user) => [user, new Set<string>()]));
    const settled = decided.filter(
      (event) =>
        event.repeated !== true &&
        roundSent.some((sent) => sent.correlationId === event.correlationId),
    );
    for (const event of settled) {
      if (event.outcome.ok)
        for (const seat of event.outcome.seats) okSeats.get(event.userId)?.add(seat.seatId);
    }
    for (const event of settled) {
      saw(event.outcome.ok ? 'ok' : event.outcome.code);
    }
    for (const output of log.outputs) {
      for (const command of output.commands)
        if (command.type === 'seat.buyerRelease') saw('compensation');
      for (const command of output.commands) {
        if (command.type === 'buyer.seatUpdate' && command.answer?.outcome === 'alreadyHeld')
          saw('alreadyHeld');
      }
    }
    for (const event of settled) {
      const sent = roundSent.find(
        (candidate) => candidate.correlationId === event.correlationId,
      ) as Sent;
      const held = new Set(log.heldBy(event.userId, SEATS));
      if (event.outcome.ok) {
        // A granted group holds all its seats for the buyer (unless log time passed their
        // expiry in the round, when another buyer may rightly have taken one).
        if (stalled) continue;
        for (const seatId of sent.seatIds)
          expect(held.has(seatId), `${seatId} of ${sent.commandId}`).toBe(true);
      } else {
        // A refused one leaves the buyer holding none it did not hold before.
        for (const seatId of sent.seatIds) {
          if (startHeld.get(event.userId)?.has(seatId) || okSeats.get(event.userId)?.has(seatId))
            continue;
          expect(held.has(seatId), `${seatId} kept by refused ${sent.commandId}`).toBe(false);
        }
      }
    }
    for (const user of USERS) {
      const buyer = log.system.buyer(show.showId, user);
      expect(buyer.open).toEqual([]);
      // Settled, a capped show's buyer counts exactly what it holds.
      if (capped) expect(heldSeats(buyer, log.logTime).sort()).toEqual(truthHeld(user).sort());
    }
  }
  return log;
}

const CAPPED_SMALL: ShowDefinition = Object.freeze({ ...SMALL, maxSeatsPerBuyer: CAP });

describe('buyers over random interleavings', () => {
  afterAll(() => {
    // Each rule the properties hold was exercised (counted over all runs of this file).
    for (const what of [
      'ok',
      'SEAT_TAKEN',
      'BUSY',
      'LIMIT_REACHED',
      'compensation',
      'alreadyHeld',
      'REQUEST_EXPIRED',
    ]) {
      expect(seenInRuns.get(what) ?? 0, what).toBeGreaterThan(0);
    }
  });

  for (const [name, show] of [
    ['a capped show', CAPPED_SMALL],
    ['a show without a cap', SMALL],
  ] as const) {
    for (const duplicates of [false, true]) {
      it(`keep every rule in ${name}${duplicates ? ', with duplicated deliveries' : ''}`, () => {
        fc.assert(
          fc.property(
            fc.array(roundArb(duplicates), { minLength: 1, maxLength: 4 }),
            fc.nat(),
            (rounds, cut) => {
              const log = runScenario(show, rounds, duplicates);
              // Replay of the same log from scratch, and from a snapshot, decides the same.
              expect(log.replay()).toEqual(log.outputs);
              expect(log.replay(cut % (log.log.length + 1))).toEqual(log.outputs);
            },
          ),
          { numRuns: 60 },
        );
      });
    }
  }
});

const seatIdArb = fc.constantFrom(...SEATS);
const outcomeArb: fc.Arbitrary<BuyerOutcome> = fc.oneof(
  fc.record({
    ok: fc.constant(true as const),
    seats: fc.array(
      fc.record({
        seatId: seatIdArb,
        version: fc.nat(),
        holdId: fc.constant('0-1-0'),
        expiresAt: fc.nat(),
      }),
      { maxLength: 3 },
    ),
  }),
  fc.record({
    ok: fc.constant(false as const),
    code: fc.constantFrom('SEAT_TAKEN', 'BUSY', 'REQUEST_EXPIRED' as const),
    seats: fc.array(seatIdArb, { maxLength: 3 }),
  }),
);
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const strip = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
const buyerStateArb: fc.Arbitrary<BuyerState> = fc.record({
  seats: fc.dictionary(
    seatIdArb,
    fc
      .record({
        version: fc.nat(),
        status: fc.constantFrom('available', 'held', 'reserved' as const),
        mine: fc.boolean(),
        holdId: optional(fc.constant('0-2-1')),
        expiresAt: optional(fc.nat()),
        seenAt: fc.nat(),
      })
      .map(strip),
  ),
  open: fc.array(
    fc
      .record({
        requestId: fc.constant('0-7'),
        commandId: fc.string({ minLength: 1, maxLength: 8 }),
        routes: fc.array(
          fc.record({ replyTo: fc.string(), correlationId: fc.string({ minLength: 1 }) }),
        ),
        seatIds: fc.uniqueArray(seatIdArb, { maxLength: 4 }),
        requestedAt: fc.nat(),
        answers: fc.dictionary(
          seatIdArb,
          fc
            .record({
              outcome: fc.constantFrom('granted', 'alreadyHeld', 'refused' as const),
              version: fc.nat(),
              holdId: optional(fc.constant('0-3-0')),
              expiresAt: optional(fc.nat()),
              reason: optional(fc.constantFrom('SEAT_TAKEN', 'HOLD_EXPIRED' as const)),
            })
            .map(strip),
        ),
        compensating: fc.dictionary(seatIdArb, fc.constant('0-4-0')),
        outcome: optional(outcomeArb),
      })
      .map(strip),
    { maxLength: 3 },
  ),
  closed: fc.array(
    fc.record({
      commandId: fc.string({ minLength: 1, maxLength: 8 }),
      requestId: fc.constant('0-9'),
      seatIds: fc.uniqueArray(seatIdArb, { maxLength: 4 }),
      requestedAt: fc.nat(),
      outcome: outcomeArb,
    }),
    { maxLength: 3 },
  ),
});

describe('buyer snapshot records', () => {
  it('round-trip every buyer state', () => {
    fc.assert(
      fc.property(buyerStateArb, (state) => {
        expect(decodeBuyer(encodeBuyer(state))).toEqual(state);
      }),
    );
  });

  it('refuse what is not a record of the format', () => {
    for (const bad of [
      'nope',
      '{"f":2,"s":[],"o":[],"c":[]}',
      '{"f":1,"s":[["A1",-1,"a",0,null,null,0]],"o":[],"c":[]}',
    ]) {
      expect(() => decodeBuyer(bad, 'show-1/~ann')).toThrow(/buyer snapshot record/);
    }
  });
});
