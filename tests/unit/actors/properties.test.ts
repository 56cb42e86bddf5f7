/**
 * Properties over random command logs (several users, two seats, holds, confirmations,
 * releases, timer expiries, repeated commandIds, passivation), driven through the partition
 * runtime with a fake clock. Checked against a reference model of the event stream.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/actors/clock.ts';
import { decisionOf } from '../../../src/actors/decision.ts';
import {
  PartitionActors,
  type PartitionActorsOptions,
} from '../../../src/actors/partition-actors.ts';
import type { SeatState } from '../../../src/actors/seat-state.ts';
import { seatMemoryLimits } from '../../../src/actors/seat-state.ts';
import { seatKey } from '../../../src/contract/ids.ts';
import {
  type Decision,
  type SeatCommand,
  type SeatEvent,
  SeatEventSchema,
} from '../../../src/contract/kafka-records.ts';
import {
  cancel,
  confirmation,
  expiry,
  holdRequest,
  plainSeat,
  release,
  SHOW,
  T0,
  TTL_MS,
} from './fixtures.ts';

const SEATS = ['A1', 'B2'] as const;
const USERS = ['ann', 'bob', 'cid'] as const;
/** Long enough that every repeat in a generated log is inside the window. */
const OPTIONS = { memory: { dedupeWindowMs: 86_400_000 }, passivateAfterMs: 2_000 };

/**
 * `edge`, when set, moves log time to the seat's latest hold's expiry plus `edge` (if that is
 * not in the past) instead of by `dt`: the boundaries a random walk would rarely hit.
 */
type Edge = -1 | 0 | undefined;
type Op =
  | { kind: 'hold'; seat: number; user: number; dt: number; edge: Edge }
  | {
      kind: 'confirm' | 'release';
      seat: number;
      user: number;
      pick: number;
      dt: number;
      edge: Edge;
    }
  | { kind: 'expire'; seat: number; pick: number; dt: number; edge: Edge }
  | { kind: 'cancel'; seat: number; dt: number; edge: Edge }
  | { kind: 'repeat'; pick: number; dt: number }
  | { kind: 'tick'; dt: number };

const seatArb = fc.integer({ min: 0, max: SEATS.length - 1 });
const userArb = fc.integer({ min: 0, max: USERS.length - 1 });
const dtArb = fc.integer({ min: 0, max: (TTL_MS * 3) / 4 });
const edgeArb = fc.constantFrom<Edge>(undefined, undefined, -1, 0);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('hold' as const),
      seat: seatArb,
      user: userArb,
      dt: dtArb,
      edge: edgeArb,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constantFrom('confirm' as const, 'release' as const),
      seat: seatArb,
      user: userArb,
      pick: fc.nat(),
      dt: dtArb,
      edge: edgeArb,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('expire' as const),
      seat: seatArb,
      pick: fc.nat(),
      dt: dtArb,
      edge: edgeArb,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('cancel' as const),
      seat: seatArb,
      dt: dtArb,
      edge: edgeArb,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('repeat' as const), pick: fc.nat(), dt: dtArb }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('tick' as const), dt: dtArb }) },
);
const logArb = fc.array(opArb, { minLength: 1, maxLength: 60 });

interface Entry {
  readonly command: SeatCommand;
  readonly logTime: number;
}

interface Step extends Entry {
  readonly events: SeatEvent[];
}

interface KnownHold {
  readonly holdId: string;
  readonly userId: string;
  readonly expiresAt: number;
}

/**
 * Runs the ops, turning them into concrete commands against what happened so far (holds to
 * name, commands to repeat), and returns every command with its events. Expiries come from
 * the runtime's own timers on `tick`.
 */
function runOps(ops: readonly Op[], snapshotAt: number, options: PartitionActorsOptions = OPTIONS) {
  const clock = new ManualClock(T0);
  const actors = new PartitionActors({ ...options, clock });
  const holds: KnownHold[][] = SEATS.map(() => []);
  const userCommands: SeatCommand[] = [];
  const steps: Step[] = [];
  const snapshot = new Map<string, string>();
  let snapshotAtStep: Map<string, string> | undefined;
  let logTime = T0;

  const apply = (command: SeatCommand) => {
    if (steps.length === snapshotAt) snapshotAtStep = new Map(snapshot);
    const events = actors.handle(
      command,
      { partition: 3, offset: String(steps.length), logTime },
      SHOW,
    );
    steps.push({ command, logTime, events });
    for (const [key, record] of actors.takeChanges()) snapshot.set(key, record);
    for (const event of events) {
      if (event.type === 'seat.held')
        holds[SEATS.indexOf(event.seatId as (typeof SEATS)[number])]?.push(event);
    }
    if (command.type !== 'seat.holdExpiry') userCommands.push(command);
  };

  for (const op of ops) {
    const seatId = 'seat' in op ? SEATS[op.seat] : undefined;
    const known = 'seat' in op ? (holds[op.seat] ?? []) : [];
    const picked = 'pick' in op ? known[op.pick % (known.length + 1)] : undefined;
    const edgeHold = picked ?? known[known.length - 1];
    const edgeTime =
      'edge' in op && op.edge !== undefined && edgeHold ? edgeHold.expiresAt + op.edge : undefined;
    logTime = edgeTime !== undefined && edgeTime >= logTime ? edgeTime : logTime + op.dt;
    clock.set(logTime);
    actors.passivateIdle(logTime);
    switch (op.kind) {
      case 'hold':
        apply(holdRequest({ userId: USERS[op.user] ?? 'ann', seatId }));
        break;
      case 'confirm':
      case 'release': {
        const build = op.kind === 'confirm' ? confirmation : release;
        // Half the time the holder, otherwise whoever the op names.
        const userId = op.pick % 2 === 0 && picked ? picked.userId : (USERS[op.user] ?? 'ann');
        apply(build({ userId, seatId, holdId: picked?.holdId ?? 'no-such-hold' }));
        break;
      }
      case 'expire':
        if (picked) apply(expiry({ ...picked, seatId }));
        break;
      case 'cancel':
        apply(cancel({ userId: 'operator:ops', seatId }));
        break;
      case 'repeat': {
        const original = userCommands[op.pick % (userCommands.length + 1)];
        if (original)
          apply({ ...original, correlationId: `again-${steps.length}`, replyTo: 'gw-2' });
        break;
      }
      case 'tick':
        for (const due of actors.takeDue(logTime)) apply(due);
        break;
    }
  }
  return { steps, snapshotAtStep: snapshotAtStep ?? new Map(snapshot), actors };
}

interface ModelSeat {
  status: 'available' | 'held' | 'reserved';
  version: number;
  holdId?: string;
  userId?: string;
  expiresAt?: number;
}

/** Checks every step against the rules, seat by seat, and returns the model's final seats. */
function checkRules(steps: readonly Step[]): Map<string, ModelSeat> {
  const seats = new Map<string, ModelSeat>();
  const decisions = new Map<string, Decision>();
  for (const [offset, { command, logTime, events }] of steps.entries()) {
    const key = seatKey(command.showId, command.seatId);
    const seat = seats.get(key) ?? { status: 'available', version: 0 };
    seats.set(key, seat);
    const dedupeKey = `${command.userId}\u0000${command.commandId}`;
    const original = command.type === 'seat.holdExpiry' ? undefined : decisions.get(dedupeKey);
    if (original !== undefined) {
      // A repeat: the original decision, the repeat's own route, no state change.
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        type: 'seat.decisionRepeated',
        decision: original,
        correlationId: command.correlationId,
        replyTo: command.replyTo,
        version: seat.version,
      });
      continue;
    }
    events.forEach((event, index) => {
      expect(SeatEventSchema.parse(event)).toEqual(event);
      expect(event).toMatchObject({
        eventId: `3-${offset}-${index}`,
        commandId: command.commandId,
        causationId: command.commandId,
        correlationId: command.correlationId,
        replyTo: command.replyTo,
        userId: command.userId,
        occurredAt: logTime,
      });
      switch (event.type) {
        case 'seat.held':
          expect(seat.status).toBe('available');
          expect(event.holdId).toBe(event.eventId);
          expect(event.expiresAt).toBe(logTime + TTL_MS);
          Object.assign(seat, {
            status: 'held',
            holdId: event.holdId,
            userId: event.userId,
            expiresAt: event.expiresAt,
          });
          break;
        case 'seat.reserved':
          // Only the holder, with the current hold, strictly before expiry by log time.
          expect(seat).toMatchObject({
            status: 'held',
            holdId: event.holdId,
            userId: command.userId,
          });
          expect(logTime).toBeLessThan(seat.expiresAt ?? 0);
          seat.status = 'reserved';
          break;
        case 'seat.released':
          if (event.cause === 'cancelled') {
            // An operator's: a current hold (before its expiry) or a reservation, any owner.
            expect(command.type).toBe('seat.cancelRequest');
            expect(['held', 'reserved']).toContain(seat.status);
            expect(event).toMatchObject({ holdId: seat.holdId, ownerId: seat.userId });
            if (seat.status === 'held') expect(logTime).toBeLessThan(seat.expiresAt ?? 0);
          } else {
            expect(seat).toMatchObject({ status: 'held', holdId: event.holdId });
          }
          if (event.cause === 'released') {
            expect(seat.userId).toBe(command.userId);
            expect(logTime).toBeLessThan(seat.expiresAt ?? 0);
          } else if (event.cause === 'expired') {
            expect(logTime).toBeGreaterThanOrEqual(seat.expiresAt ?? Number.POSITIVE_INFINITY);
          }
          Object.assign(seat, {
            status: 'available',
            holdId: undefined,
            userId: undefined,
            expiresAt: undefined,
          });
          break;
        case 'seat.rejected':
        case 'seat.decisionRepeated':
          expect(event.version).toBe(seat.version);
          return;
      }
      // A state change: exactly one version up.
      expect(event.version).toBe(seat.version + 1);
      seat.version = event.version;
    });
    const last = events[events.length - 1];
    const decision = last === undefined ? undefined : decisionOf(last);
    if (command.type !== 'seat.holdExpiry' && decision !== undefined)
      decisions.set(dedupeKey, decision);
    if (command.type === 'seat.holdExpiry') {
      expect(events.every((e) => e.type === 'seat.released' && e.cause === 'expired')).toBe(true);
    }
  }
  return seats;
}

describe('seat actors over random logs', () => {
  it('keep the rules: one holder at most, final reservations, holder-only confirmation before expiry, +1 versions, repeats answered from memory', () => {
    fc.assert(
      fc.property(logArb, (ops) => {
        const { steps, actors } = runOps(ops, -1);
        const model = checkRules(steps);
        for (const seatId of SEATS) {
          const state = actors.seat(SHOW.showId, seatId);
          const expected = model.get(seatKey(SHOW.showId, seatId)) ?? {
            status: 'available',
            version: 0,
          };
          expect(state.status).toBe(expected.status);
          expect(state.version).toBe(expected.version);
        }
      }),
      { numRuns: 300 },
    );
  });

  /** A seat as `plainSeat`, without what is out of its windows at `logTime`. */
  const remembered = (state: SeatState, logTime: number, options: PartitionActorsOptions) => {
    const limits = seatMemoryLimits(options.memory);
    const plain = plainSeat(state);
    const inWindow = (at: number, windowMs: number) => logTime - at < windowMs;
    return {
      ...plain,
      memory: {
        endedHolds: plain.memory.endedHolds.filter((e) =>
          inWindow(e.endedAt, limits.endedHoldsWindowMs),
        ),
        decisions: plain.memory.decisions.filter((e) =>
          inWindow(e.decidedAt, limits.dedupeWindowMs),
        ),
        refusals: plain.memory.refusals.filter((e) => inWindow(e.decidedAt, limits.dedupeWindowMs)),
      },
    };
  };

  /** Replays from a random step's snapshot and checks it decides exactly what the run did. */
  const replaysIdentically = (options: PartitionActorsOptions) =>
    fc.property(logArb, fc.nat(), (ops, at) => {
      const wanted = at % (ops.length + 1);
      const { steps, snapshotAtStep, actors } = runOps(ops, wanted, options);
      const k = Math.min(wanted, steps.length);

      const restored = new PartitionActors({ ...options, clock: new ManualClock(T0) });
      restored.loadSnapshot(snapshotAtStep);
      steps.slice(k).forEach((step, i) => {
        const position = { partition: 3, offset: String(k + i), logTime: step.logTime };
        expect(restored.handle(step.command, position, SHOW)).toEqual(step.events);
      });
      // Passivation prunes by time at clock-driven moments the replay does not share; what
      // is left inside the windows at the last log time must be the same.
      const lastLogTime = steps.at(-1)?.logTime ?? T0;
      for (const seatId of SEATS) {
        expect(remembered(restored.seat(SHOW.showId, seatId), lastLogTime, options)).toEqual(
          remembered(actors.seat(SHOW.showId, seatId), lastLogTime, options),
        );
      }
    });

  it('replay the same log from any snapshot point with identical events', () => {
    fc.assert(replaysIdentically(OPTIONS), { numRuns: 300 });
  });

  it('replay identically when every memory bound is hit: which entries go is a function of the log', () => {
    // Caps this small evict on nearly every log, and a window shorter than the gaps between
    // commands prunes by time too, passivation included.
    const tight = {
      memory: {
        maxRememberedDecisions: 2,
        maxRememberedRefusals: 1,
        maxEndedHolds: 1,
        dedupeWindowMs: TTL_MS / 2,
        endedHoldsWindowMs: TTL_MS,
      },
      passivateAfterMs: 2_000,
    };
    fc.assert(replaysIdentically(tight), { numRuns: 300 });
  });
});
