/**
 * The checker must catch a planted violation of each invariant, and find none in a clean
 * run (with replayed duplicates, a retried command and an unknown outcome).
 */
import { describe, expect, it } from 'vitest';
import { check, INVARIANTS, type Invariant } from '../../../chaos/checker.ts';
import { cleanScenario, command, event, inputOf, op, type Scenario } from './checker-fixture.ts';

function flagged(s: Scenario): Record<Invariant, number> {
  return check(inputOf(s)).counts;
}

function only(invariant: Invariant, count = 1): Record<Invariant, number> {
  return Object.fromEntries(INVARIANTS.map((i) => [i, i === invariant ? count : 0])) as Record<
    Invariant,
    number
  >;
}

describe('chaos checker', () => {
  it('finds nothing wrong in a clean history', () => {
    const result = check(inputOf(cleanScenario()));
    expect(result.violations).toEqual([]);
    expect(result.figures).toMatchObject({ holds: 3, reservations: 1, seatsTouched: 2 });
  });

  describe('1. no double sale', () => {
    it('catches a hold granted over a reserved seat', () => {
      const s = cleanScenario();
      const c = command(0, 9, 9000, {
        type: 'seat.holdRequest',
        userId: 'bob',
        seatId: 'A1',
        commandId: 'c9',
      });
      s.commands.push(c);
      s.events.push(
        event(c, 0, { type: 'seat.held', version: 3, holdId: '0-9-0', expiresAt: 12_000 }),
      );
      s.events.push(event(c, 1, { type: 'seat.reserved', version: 4, holdId: '0-9-0' }));
      s.seats.set('A1', { status: 'reserved', version: 4, holdId: '0-9-0', userId: 'bob' });
      const counts = flagged(s);
      expect(counts.noDoubleSale).toBeGreaterThanOrEqual(2);
    });

    it('catches two overlapping holds even when versions look sane', () => {
      const s = cleanScenario();
      // dave's hold of A2 granted at 2000 while bob's (1000–4000) still ran.
      const c = command(1, 9, 2000, {
        type: 'seat.holdRequest',
        userId: 'dave',
        seatId: 'A3',
        commandId: 'c9',
      });
      s.commands.push(c);
      const held = event(c, 0, { type: 'seat.held', version: 1, holdId: '1-9-0', expiresAt: 5000 });
      s.events.push({ ...held, seatId: 'A2', version: 5 } as typeof held);
      s.commands[s.commands.length - 1] = { ...c, command: { ...c.command, seatId: 'A2' } };
      s.seats.set('A2', {
        status: 'held',
        version: 5,
        holdId: '1-9-0',
        userId: 'dave',
        expiresAt: 5000,
      });
      s.counts.held = 1;
      expect(flagged(s).noDoubleSale).toBeGreaterThanOrEqual(1);
    });

    it('catches a seat two clients saw confirmed', () => {
      const s = cleanScenario();
      s.history.push(
        op({
          userId: 'bob',
          kind: 'confirm',
          seatId: 'A1',
          commandId: 'c2',
          outcome: 'ok',
          holdId: '0-1-0',
        }),
      );
      expect(flagged(s).noDoubleSale).toBe(1);
    });
  });

  it('2. catches an ok confirmation missing from the final state', () => {
    const s = cleanScenario();
    s.history.push(
      op({
        userId: 'bob',
        kind: 'confirm',
        seatId: 'A2',
        commandId: 'c4b',
        outcome: 'ok',
        holdId: '1-0-0',
      }),
    );
    const counts = flagged(s);
    expect(counts.confirmedKept).toBe(1);
    expect(counts.noDoubleSale).toBe(0);
  });

  it('3. catches a version gap', () => {
    const s = cleanScenario();
    const last = s.events[s.events.length - 1];
    s.events[s.events.length - 1] = { ...last, version: 5 } as NonNullable<typeof last>;
    s.seats.set('A2', { status: 'available', version: 5 });
    expect(flagged(s)).toEqual(only('versions'));
  });

  it('3. catches two changes on one version', () => {
    const s = cleanScenario();
    const c = command(2, 0, 7000, {
      type: 'seat.holdRequest',
      userId: 'dave',
      seatId: 'A3',
      commandId: 'c10',
    });
    const d = command(2, 1, 9000, {
      type: 'seat.releaseRequest',
      userId: 'dave',
      seatId: 'A3',
      commandId: 'c11',
      holdId: '2-0-0',
    });
    s.commands.push(c, d);
    s.events.push(
      event(c, 0, { type: 'seat.held', version: 1, holdId: '2-0-0', expiresAt: 10_000 }),
    );
    s.events.push(
      event(d, 0, { type: 'seat.released', version: 1, holdId: '2-0-0', cause: 'released' }),
    );
    s.seats.set('A3', { status: 'available', version: 1 });
    expect(flagged(s).versions).toBe(1);
  });

  describe('4. holds end', () => {
    /** The clean scenario with bob's hold of A2 (expiring at 4000) expired at `at`. */
    function expiredAt(at: number): Scenario {
      const s = cleanScenario();
      const expiry = s.commands[5];
      if (!expiry) throw new Error('fixture');
      s.commands[5] = { ...expiry, timestamp: at };
      s.events[5] = { ...s.events[5], occurredAt: at } as NonNullable<(typeof s.events)[5]>;
      return s;
    }

    it('catches a hold that expired past its bound', () => {
      expect(flagged(expiredAt(10_000))).toEqual(only('holdsEnd'));
    });

    it('does not count the time the broker was down against the bound', () => {
      // 8 s late, 6 s of which the broker was down: 2 s against a bound of 5 s.
      const input = inputOf(expiredAt(12_000));
      expect(check(input).counts).toEqual(only('holdsEnd'));
      const result = check({ ...input, brokerDown: [{ from: 5000, to: 11_000 }] });
      expect(result.counts).toEqual(only('holdsEnd', 0));
      expect(result.figures.maxHoldOverrunMs).toBe(2000);
    });

    it('catches a hold that never ended', () => {
      const s = cleanScenario();
      s.commands.pop();
      s.events.pop();
      s.history.pop();
      s.history.splice(6, 1);
      s.seats.set('A2', {
        status: 'held',
        version: 3,
        holdId: '1-2-0',
        userId: 'carol',
        expiresAt: 8000,
      });
      s.counts.held = 1;
      expect(flagged(s)).toEqual(only('holdsEnd'));
    });

    it('catches a confirmation accepted after expiry', () => {
      const s = cleanScenario();
      const c = s.commands[2];
      if (!c) throw new Error('fixture');
      s.commands[2] = { ...c, timestamp: 4500 };
      s.events[2] = { ...s.events[2], occurredAt: 4500 } as NonNullable<(typeof s.events)[2]>;
      expect(flagged(s).holdsEnd).toBe(1);
    });
  });

  describe('5. one decision', () => {
    it('catches a command never decided', () => {
      const s = cleanScenario();
      s.events.splice(1, 1);
      expect(flagged(s).oneDecision).toBeGreaterThanOrEqual(1);
    });

    it('catches one commandId changing a seat twice', () => {
      const s = cleanScenario();
      const again = command(2, 0, 7000, {
        type: 'seat.holdRequest',
        userId: 'carol',
        seatId: 'A2',
        commandId: 'c5',
      });
      s.commands.push(again);
      s.events.push(
        event(again, 0, { type: 'seat.held', version: 5, holdId: '2-0-0', expiresAt: 10_000 }),
      );
      const release = command(2, 1, 8000, {
        type: 'seat.releaseRequest',
        userId: 'carol',
        seatId: 'A2',
        commandId: 'c12',
        holdId: '2-0-0',
      });
      s.commands.push(release);
      s.events.push(
        event(release, 0, {
          type: 'seat.released',
          version: 6,
          holdId: '2-0-0',
          cause: 'released',
        }),
      );
      s.seats.set('A2', { status: 'available', version: 6 });
      expect(flagged(s)).toEqual(only('oneDecision'));
    });

    it('catches an ack the log does not hold', () => {
      const s = cleanScenario();
      s.history.push(
        op({
          userId: 'dave',
          kind: 'hold',
          seatId: 'A3',
          commandId: 'c7',
          outcome: 'ok',
          holdId: '9-9-0',
          attempt: 2,
        }),
      );
      expect(flagged(s)).toEqual(only('oneDecision'));
    });

    it('catches an event with no command', () => {
      const s = cleanScenario();
      const ghost = command(2, 5, 7000, {
        type: 'seat.holdRequest',
        userId: 'erin',
        seatId: 'A3',
        commandId: 'g1',
      });
      s.events.push(event(ghost, 0, { type: 'seat.rejected', version: 0, reason: 'SEAT_TAKEN' }));
      expect(flagged(s)).toEqual(only('oneDecision'));
    });
  });

  it('6. catches a read model that differs from the log', () => {
    const s = cleanScenario();
    s.seats.set('A2', {
      status: 'held',
      version: 3,
      holdId: '1-2-0',
      userId: 'carol',
      expiresAt: 8000,
    });
    s.counts.held = 1;
    expect(flagged(s)).toEqual(only('readModel', 2));
  });

  describe('7. same id, same event', () => {
    /** The clean input with one more copy of event `index`, changed by `change`. */
    function withChangedCopy(index: number, change: Record<string, unknown>) {
      const input = inputOf(cleanScenario());
      const original = input.events[index];
      if (!original) throw new Error('fixture');
      const copy = {
        ...original,
        offset: '99',
        event: { ...original.event, ...change } as typeof original.event,
      };
      return check({ ...input, events: [...input.events, copy] });
    }

    it.each([
      ['a refusal with another reason', 1, { reason: 'NOT_HOLDER' }],
      ['a hold under another id and expiry', 0, { holdId: '0-0-9', expiresAt: 9000 }],
      ['a change at another version', 6, { version: 4 }],
      ['a change by another user', 6, { userId: 'erin' }],
      ['a release with another cause', 5, { cause: 'released' }],
      ['another type', 1, { type: 'seat.held', holdId: '0-1-0', expiresAt: 4500 }],
      [
        'a repeat standing on another decision',
        3,
        { decision: { outcome: 'rejected', eventId: '0-1-0', version: 2, reason: 'SEAT_TAKEN' } },
      ],
    ])('catches a replayed copy that differs: %s', (_name, index, change) => {
      const result = withChangedCopy(index, change);
      expect(result.counts).toEqual(only('sameIdSameEvent'));
      const [violation] = result.violations;
      const field = Object.keys(change)[0] ?? '';
      expect(violation?.detail).toContain(`${field}=`);
    });

    it('accepts copies that differ only in routing and timing fields', () => {
      const result = withChangedCopy(0, {
        correlationId: 'corr-other',
        replyTo: 'gw-2',
        occurredAt: 1001,
      });
      expect(result.counts).toEqual(only('sameIdSameEvent', 0));
    });
  });
});
