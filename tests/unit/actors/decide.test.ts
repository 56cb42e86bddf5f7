/** Example tests of every decision rule of docs/design.md §3.5, §2.5, §3.9 and §3.10. */
import { describe, expect, it } from 'vitest';
import { decide } from '../../../src/actors/decide.ts';
import { evolve } from '../../../src/actors/evolve.ts';
import {
  DEFAULT_SEAT_MEMORY_LIMITS,
  INITIAL_SEAT_STATE,
  seatMemoryLimits,
} from '../../../src/actors/seat-state.ts';
import { SeatEventSchema } from '../../../src/contract/kafka-records.ts';
import {
  as,
  cancel,
  confirmation,
  entriesOf,
  expiry,
  holdRequest,
  release,
  SeatRunner,
  SHOW,
  T0,
  TTL_MS,
} from './fixtures.ts';

function heldSeat() {
  const seat = new SeatRunner();
  const held = as(seat.one(holdRequest({ userId: 'ann' }), T0), 'seat.held');
  return { seat, held };
}

describe('hold', () => {
  it('grants an available seat: holdId is the event id, expiry is log time + the show TTL', () => {
    const seat = new SeatRunner();
    const command = holdRequest({ userId: 'ann', commandId: 'c1', correlationId: 'r1' });
    const held = as(seat.one(command, T0), 'seat.held');
    expect(held).toEqual({
      type: 'seat.held',
      eventId: '0-0-0',
      showId: SHOW.showId,
      seatId: 'A1',
      version: 1,
      userId: 'ann',
      causationId: 'c1',
      commandId: 'c1',
      correlationId: 'r1',
      replyTo: 'gateway-1',
      occurredAt: T0,
      holdId: '0-0-0',
      expiresAt: T0 + TTL_MS,
    });
    expect(SeatEventSchema.parse(held)).toEqual(held);
    expect(seat.state).toMatchObject({
      status: 'held',
      version: 1,
      holdId: '0-0-0',
      userId: 'ann',
    });
  });

  it('answers the holder asking again with the current hold and no state change', () => {
    const { seat, held } = heldSeat();
    const before = seat.state;
    const repeated = as(seat.one(holdRequest({ userId: 'ann' }), T0 + 5), 'seat.decisionRepeated');
    expect(repeated.decision).toEqual({
      outcome: 'held',
      eventId: held.eventId,
      version: 1,
      holdId: held.holdId,
      expiresAt: held.expiresAt,
    });
    expect(repeated.version).toBe(1);
    expect(seat.state.status).toBe('held');
    expect(seat.state.version).toBe(before.version);
  });

  it('refuses a seat held by another user with SEAT_TAKEN at the current version', () => {
    const { seat } = heldSeat();
    const rejected = as(seat.one(holdRequest({ userId: 'bob' }), T0 + 1), 'seat.rejected');
    expect(rejected).toMatchObject({ reason: 'SEAT_TAKEN', version: 1, userId: 'bob' });
    expect(rejected.holdId).toBeUndefined();
    expect(seat.state).toMatchObject({ status: 'held', userId: 'ann', version: 1 });
  });

  it('releases a hold past its expiry by log time, then grants the new one (indices 0 and 1)', () => {
    const { seat, held } = heldSeat();
    const { events } = seat.run(holdRequest({ userId: 'bob', commandId: 'b1' }), held.expiresAt);
    const released = as(events[0], 'seat.released');
    const regranted = as(events[1], 'seat.held');
    expect(events).toHaveLength(2);
    expect(released).toMatchObject({
      eventId: '0-1-0',
      version: 2,
      holdId: held.holdId,
      cause: 'expired',
      userId: 'bob',
      commandId: 'b1',
    });
    expect(regranted).toMatchObject({
      eventId: '0-1-1',
      holdId: '0-1-1',
      version: 3,
      userId: 'bob',
      expiresAt: held.expiresAt + TTL_MS,
    });
    expect(seat.state).toMatchObject({ status: 'held', userId: 'bob', version: 3 });
  });

  it('grants the expired holder a fresh hold too', () => {
    const { seat, held } = heldSeat();
    const { events } = seat.run(holdRequest({ userId: 'ann' }), held.expiresAt + 1);
    expect(events.map((e) => e.type)).toEqual(['seat.released', 'seat.held']);
  });

  it('refuses a reserved seat with SEAT_TAKEN, its owner included', () => {
    const { seat, held } = heldSeat();
    seat.one(confirmation({ userId: 'ann', holdId: held.holdId }), T0 + 1);
    for (const userId of ['ann', 'bob']) {
      const rejected = as(seat.one(holdRequest({ userId }), T0 + 2), 'seat.rejected');
      expect(rejected).toMatchObject({ reason: 'SEAT_TAKEN', version: 2 });
    }
  });
});

describe('confirm and release', () => {
  it('reserves for the holder strictly before expiry', () => {
    const { seat, held } = heldSeat();
    const reserved = as(
      seat.one(confirmation({ userId: 'ann', holdId: held.holdId }), held.expiresAt - 1),
      'seat.reserved',
    );
    expect(reserved).toMatchObject({ version: 2, holdId: held.holdId, userId: 'ann' });
    expect(seat.state).toMatchObject({ status: 'reserved', userId: 'ann', version: 2 });
  });

  it('refuses the holder at or after expiry with HOLD_EXPIRED', () => {
    for (const type of ['confirm', 'release'] as const) {
      const { seat, held } = heldSeat();
      const command =
        type === 'confirm'
          ? confirmation({ userId: 'ann', holdId: held.holdId })
          : release({ userId: 'ann', holdId: held.holdId });
      const rejected = as(seat.one(command, held.expiresAt), 'seat.rejected');
      expect(rejected).toMatchObject({ reason: 'HOLD_EXPIRED', holdId: held.holdId, version: 1 });
      expect(seat.state.status).toBe('held');
    }
  });

  it('releases for the holder before expiry', () => {
    const { seat, held } = heldSeat();
    const released = as(
      seat.one(release({ userId: 'ann', holdId: held.holdId }), T0 + 1),
      'seat.released',
    );
    expect(released).toMatchObject({ cause: 'released', version: 2, holdId: held.holdId });
    expect(seat.state).toMatchObject({ status: 'available', version: 2 });
  });

  it('refuses the current hold named by another user with NOT_HOLDER', () => {
    const { seat, held } = heldSeat();
    for (const command of [
      confirmation({ userId: 'bob', holdId: held.holdId }),
      release({ userId: 'bob', holdId: held.holdId }),
    ]) {
      expect(as(seat.one(command, T0 + 1), 'seat.rejected').reason).toBe('NOT_HOLDER');
    }
  });

  it('answers a hold that ended by expiry with HOLD_EXPIRED, by release with NOT_HOLDER', () => {
    const { seat, held } = heldSeat();
    seat.one(expiry({ ...held }), held.expiresAt);
    const second = as(seat.one(holdRequest({ userId: 'ann' }), held.expiresAt + 1), 'seat.held');
    seat.one(release({ userId: 'ann', holdId: second.holdId }), held.expiresAt + 2);
    seat.one(holdRequest({ userId: 'bob' }), held.expiresAt + 3);

    const onExpired = confirmation({ userId: 'ann', holdId: held.holdId });
    const onReleased = confirmation({ userId: 'ann', holdId: second.holdId });
    const onUnknown = release({ userId: 'ann', holdId: 'never-was' });
    expect(as(seat.one(onExpired, held.expiresAt + 4), 'seat.rejected').reason).toBe(
      'HOLD_EXPIRED',
    );
    expect(as(seat.one(onReleased, held.expiresAt + 5), 'seat.rejected').reason).toBe('NOT_HOLDER');
    expect(as(seat.one(onUnknown, held.expiresAt + 6), 'seat.rejected').reason).toBe('NOT_HOLDER');
  });

  it('forgets ended holds after their window: HOLD_EXPIRED turns into NOT_HOLDER', () => {
    const limits = seatMemoryLimits({ endedHoldsWindowMs: 60_000 });
    const seat = new SeatRunner({ limits });
    const held = as(seat.one(holdRequest({ userId: 'ann' }), T0), 'seat.held');
    seat.one(expiry(held), held.expiresAt);
    const late = (at: number) =>
      as(seat.one(confirmation({ userId: 'ann', holdId: held.holdId }), at), 'seat.rejected');
    expect(late(held.expiresAt + 59_999).reason).toBe('HOLD_EXPIRED');
    expect(late(held.expiresAt + 60_000).reason).toBe('NOT_HOLDER');
  });

  it('remembers only the newest ended holds', () => {
    const seat = new SeatRunner({ limits: seatMemoryLimits({ maxEndedHolds: 2 }) });
    const holdIds: string[] = [];
    let at = T0;
    for (let i = 0; i < 3; i++) {
      const held = as(seat.one(holdRequest({ userId: 'ann' }), at), 'seat.held');
      holdIds.push(held.holdId);
      at = held.expiresAt;
      seat.one(expiry(held), at);
    }
    const reasons = holdIds.map(
      (holdId) =>
        as(seat.one(confirmation({ userId: 'ann', holdId }), at + 1), 'seat.rejected').reason,
    );
    expect(reasons).toEqual(['NOT_HOLDER', 'HOLD_EXPIRED', 'HOLD_EXPIRED']);
  });
});

describe('a reservation is final', () => {
  function reservedSeat() {
    const { seat, held } = heldSeat();
    const reserved = as(
      seat.one(confirmation({ userId: 'ann', holdId: held.holdId }), T0 + 1),
      'seat.reserved',
    );
    return { seat, held, reserved };
  }

  it('refuses any release with SEAT_TAKEN, the owner included', () => {
    const { seat, held } = reservedSeat();
    for (const userId of ['ann', 'bob']) {
      const rejected = as(
        seat.one(release({ userId, holdId: held.holdId }), T0 + 2),
        'seat.rejected',
      );
      expect(rejected.reason).toBe('SEAT_TAKEN');
    }
    expect(seat.state.status).toBe('reserved');
  });

  it('answers the owner confirming again with the reservation and no state change', () => {
    const { seat, held, reserved } = reservedSeat();
    const repeated = as(
      seat.one(confirmation({ userId: 'ann', holdId: held.holdId }), T0 + TTL_MS * 5),
      'seat.decisionRepeated',
    );
    expect(repeated.decision).toEqual({
      outcome: 'reserved',
      eventId: reserved.eventId,
      version: 2,
      holdId: held.holdId,
    });
    expect(seat.state.version).toBe(2);
  });

  it('refuses another user naming the reservation with NOT_HOLDER', () => {
    const { seat, held } = reservedSeat();
    const command = confirmation({ userId: 'bob', holdId: held.holdId });
    expect(as(seat.one(command, T0 + 2), 'seat.rejected').reason).toBe('NOT_HOLDER');
  });

  it('ignores the expiry of the confirmed hold', () => {
    const { seat, held } = reservedSeat();
    expect(seat.run(expiry(held), held.expiresAt).events).toEqual([]);
    expect(seat.state.status).toBe('reserved');
  });
});

describe('expiry (timers emit commands)', () => {
  it('releases the hold by expiry when it arrives on time; the event is the holder’s', () => {
    const { seat, held } = heldSeat();
    const released = as(seat.one(expiry(held), held.expiresAt), 'seat.released');
    expect(released).toMatchObject({
      cause: 'expired',
      version: 2,
      holdId: held.holdId,
      userId: 'ann',
      replyTo: '',
      commandId: `exp-${held.holdId}`,
      causationId: `exp-${held.holdId}`,
    });
    expect(seat.state).toMatchObject({ status: 'available', version: 2 });
  });

  it('is a no-op for a hold that is gone, repeated expiries included', () => {
    const { seat, held } = heldSeat();
    seat.one(expiry(held), held.expiresAt);
    const after = seat.state;
    expect(seat.run(expiry(held), held.expiresAt + 1)).toEqual({ events: [], commands: [] });
    expect(seat.state).toBe(after);
    expect(new SeatRunner().run(expiry(held), T0)).toEqual({ events: [], commands: [] });
  });

  it('leaves a hold whose expiry arrives early by log time, and asks to re-arm', () => {
    const { seat, held } = heldSeat();
    const before = seat.state;
    const decided = seat.run(expiry(held), held.expiresAt - 250);
    expect(decided.events).toEqual([]);
    expect(decided.earlyExpiry).toEqual({
      holdId: held.holdId,
      userId: 'ann',
      expiresAt: held.expiresAt,
      earlyByMs: 250,
    });
    expect(seat.state).toBe(before);
  });

  it('is decided without a show (no UNKNOWN_SHOW for the worker’s own command)', () => {
    const { seat, held } = heldSeat();
    const decided = decide(seat.state, expiry(held), {
      logTime: held.expiresAt,
      show: undefined,
      eventIdBase: '0-9',
      limits: DEFAULT_SEAT_MEMORY_LIMITS,
    });
    expect(decided.events.map((e) => e.type)).toEqual(['seat.released']);
  });
});

describe('unknown show or seat', () => {
  it('refuses with UNKNOWN_SHOW and UNKNOWN_SEAT and remembers nothing', () => {
    const unknownShow = new SeatRunner({ show: undefined });
    const rejected = as(unknownShow.one(holdRequest({ userId: 'ann' }), T0), 'seat.rejected');
    expect(rejected).toMatchObject({ reason: 'UNKNOWN_SHOW', version: 0 });
    expect(unknownShow.state).toBe(INITIAL_SEAT_STATE);

    const unknownSeat = new SeatRunner();
    for (const seatId of ['D1', 'A5', 'ZZ9']) {
      const command = confirmation({ userId: 'ann', seatId, holdId: 'h' });
      expect(as(unknownSeat.one(command, T0), 'seat.rejected')).toMatchObject({
        reason: 'UNKNOWN_SEAT',
        seatId,
        holdId: 'h',
      });
    }
    expect(unknownSeat.state).toBe(INITIAL_SEAT_STATE);
  });
});

describe('idempotent commands (design §3.10)', () => {
  it('answers a repeated commandId with the original decision and the repeat’s own route', () => {
    const seat = new SeatRunner();
    const original = holdRequest({ userId: 'ann', commandId: 'k1' });
    const held = as(seat.one(original, T0), 'seat.held');
    seat.one(release({ userId: 'ann', holdId: held.holdId }), T0 + 1);
    const afterRelease = seat.state;

    const retry = { ...original, correlationId: 'retry-corr', replyTo: 'gateway-2' };
    const repeated = as(seat.one(retry, T0 + 2), 'seat.decisionRepeated');
    expect(repeated).toMatchObject({
      correlationId: 'retry-corr',
      replyTo: 'gateway-2',
      commandId: 'k1',
      version: 2,
      decision: { outcome: 'held', eventId: held.eventId, holdId: held.holdId, version: 1 },
    });
    expect(seat.state).toBe(afterRelease);
  });

  it('repeats refusals as refusals, even when the seat has become free', () => {
    const { seat, held } = heldSeat();
    const bobs = holdRequest({ userId: 'bob', commandId: 'bob-1' });
    const rejected = as(seat.one(bobs, T0 + 1), 'seat.rejected');
    seat.one(release({ userId: 'ann', holdId: held.holdId }), T0 + 2);
    const repeated = as(seat.one(bobs, T0 + 3), 'seat.decisionRepeated');
    expect(repeated.decision).toEqual({
      outcome: 'rejected',
      eventId: rejected.eventId,
      version: 1,
      reason: 'SEAT_TAKEN',
    });
    expect(seat.state.status).toBe('available');
  });

  it('keeps the holder’s “ask again” under its own commandId', () => {
    const { seat, held } = heldSeat();
    const again = holdRequest({ userId: 'ann', commandId: 'again' });
    seat.one(again, T0 + 1);
    seat.one(release({ userId: 'ann', holdId: held.holdId }), T0 + 2);
    const repeated = as(seat.one(again, T0 + 3), 'seat.decisionRepeated');
    expect(repeated.decision).toMatchObject({ outcome: 'held', holdId: held.holdId });
    expect(seat.state.status).toBe('available');
  });

  it('scopes the key to the user', () => {
    const seat = new SeatRunner();
    const held = as(seat.one(holdRequest({ userId: 'ann', commandId: 'same' }), T0), 'seat.held');
    seat.one(release({ userId: 'ann', holdId: held.holdId }), T0 + 1);
    expect(seat.one(holdRequest({ userId: 'bob', commandId: 'same' }), T0 + 2).type).toBe(
      'seat.held',
    );
  });

  it('forgets after the window by log time, and decides again', () => {
    const limits = seatMemoryLimits({ dedupeWindowMs: 60_000 });
    const seat = new SeatRunner({ limits });
    const original = holdRequest({ userId: 'ann', commandId: 'k1' });
    const held = as(seat.one(original, T0), 'seat.held');
    seat.one(release({ userId: 'ann', holdId: held.holdId }), T0 + 1);
    expect(seat.one(original, T0 + 59_999).type).toBe('seat.decisionRepeated');
    expect(seat.one(original, T0 + 60_000).type).toBe('seat.held');
  });

  it('prunes the memory by log time and caps remembered refusals', () => {
    const limits = seatMemoryLimits({ dedupeWindowMs: 60_000, maxRememberedRefusals: 3 });
    const seat = new SeatRunner({ limits });
    seat.one(holdRequest({ userId: 'ann', commandId: 'a' }), T0);
    for (let i = 0; i < 5; i++) seat.one(holdRequest({ userId: `u${i}`, commandId: 'x' }), T0 + i);
    const { decisions, refusals } = seat.state.memory;
    expect(entriesOf(decisions).map((d) => d.userId)).toEqual(['ann']);
    expect(entriesOf(refusals).map((d) => d.userId)).toEqual(['u2', 'u3', 'u4']);
    // A forgotten refusal is decided again (still taken), never a state change.
    expect(seat.one(holdRequest({ userId: 'u0', commandId: 'x' }), T0 + 10).type).toBe(
      'seat.rejected',
    );
    seat.run(holdRequest({ userId: 'late', commandId: 'y' }), T0 + 70_000);
    expect(entriesOf(seat.state.memory.decisions).map((d) => d.userId)).toEqual(['late']);
    // The refusals' queue is pruned when it next grows, but its entries already answer nothing.
    expect(seat.one(holdRequest({ userId: 'u4', commandId: 'x' }), T0 + 70_001).type).toBe(
      'seat.rejected',
    );
    expect(entriesOf(seat.state.memory.refusals).map((d) => d.decidedAt)).toEqual([T0 + 70_001]);
  });

  it('caps remembered grants and releases too: a repeat pushed out is decided afresh', () => {
    const seat = new SeatRunner({ limits: seatMemoryLimits({ maxRememberedDecisions: 2 }) });
    const first = holdRequest({ userId: 'ann', commandId: 'h1' });
    const held = as(seat.one(first, T0), 'seat.held');
    const released = release({ userId: 'ann', commandId: 'r1', holdId: held.holdId });
    seat.one(released, T0 + 1);
    const again = as(
      seat.one(holdRequest({ userId: 'ann', commandId: 'h2' }), T0 + 2),
      'seat.held',
    );
    // h1 is out: asked again, it is answered with the hold ann has now, not its own.
    expect(seat.one(first, T0 + 3)).toMatchObject({
      type: 'seat.decisionRepeated',
      decision: { outcome: 'held', holdId: again.holdId },
    });
    seat.one(release({ userId: 'ann', commandId: 'r2', holdId: again.holdId }), T0 + 4);
    // r1 is out: its hold is gone, so it is refused where it was once granted.
    expect(as(seat.one(released, T0 + 5), 'seat.rejected').reason).toBe('NOT_HOLDER');
  });

  it('refuses a commandId sent again for another operation with INVALID_PAYLOAD, changing nothing', () => {
    const seat = new SeatRunner();
    const held = as(seat.one(holdRequest({ userId: 'ann', commandId: 'x' }), T0), 'seat.held');
    const before = seat.state;
    const confirm = confirmation({ userId: 'ann', commandId: 'x', holdId: held.holdId });
    const refused = as(seat.one(confirm, T0 + 1), 'seat.rejected');
    expect(refused).toMatchObject({
      reason: 'INVALID_PAYLOAD',
      commandId: 'x',
      holdId: held.holdId,
    });
    expect(seat.state).toBe(before);
    // A release under the same id too, and the hold's own repeat still answers with the hold.
    const freeing = release({ userId: 'ann', commandId: 'x', holdId: held.holdId });
    expect(as(seat.one(freeing, T0 + 2), 'seat.rejected').reason).toBe('INVALID_PAYLOAD');
    const repeated = as(
      seat.one(holdRequest({ userId: 'ann', commandId: 'x' }), T0 + 3),
      'seat.decisionRepeated',
    );
    expect(repeated.decision).toMatchObject({ outcome: 'held', holdId: held.holdId });
    // Confirmed under a fresh id, the seat is reserved as usual.
    const fresh = confirmation({ userId: 'ann', commandId: 'y', holdId: held.holdId });
    expect(as(seat.one(fresh, T0 + 4), 'seat.reserved').holdId).toBe(held.holdId);
  });

  it('refuses a refused commandId sent again for another operation', () => {
    const seat = new SeatRunner();
    const held = as(seat.one(holdRequest({ userId: 'ann' }), T0), 'seat.held');
    const bobConfirm = confirmation({ userId: 'bob', commandId: 'z', holdId: held.holdId });
    expect(as(seat.one(bobConfirm, T0 + 1), 'seat.rejected').reason).toBe('NOT_HOLDER');
    const bobRelease = release({ userId: 'bob', commandId: 'z', holdId: held.holdId });
    expect(as(seat.one(bobRelease, T0 + 2), 'seat.rejected').reason).toBe('INVALID_PAYLOAD');
    expect(as(seat.one(bobConfirm, T0 + 3), 'seat.decisionRepeated').decision).toMatchObject({
      outcome: 'rejected',
      reason: 'NOT_HOLDER',
    });
  });

  it('never dedupes expiries as user commands', () => {
    const { seat, held } = heldSeat();
    seat.one(expiry(held), held.expiresAt);
    const { decisions, refusals } = seat.state.memory;
    const remembered = [...entriesOf(decisions), ...entriesOf(refusals)];
    expect(remembered.map((d) => d.commandId)).not.toContain(`exp-${held.holdId}`);
  });
});

describe('evolve', () => {
  it('leaves the state untouched by a repeat answered from memory', () => {
    const { seat } = heldSeat();
    const command = holdRequest({ userId: 'bob', commandId: 'b' });
    seat.one(command, T0 + 1);
    const state = seat.state;
    const repeated = seat.one(command, T0 + 2);
    expect(evolve(state, repeated, DEFAULT_SEAT_MEMORY_LIMITS, command.type)).toBe(state);
  });
});

describe('cancel (an operator)', () => {
  const operator = 'operator:ops';

  it('ends a hold with cause cancelled, the reason and the holder as owner', () => {
    const { seat, held } = heldSeat();
    const released = as(
      seat.one(cancel({ userId: operator, commandId: 'k1', reason: 'fraud' }), T0 + 5),
      'seat.released',
    );
    expect(released).toMatchObject({
      cause: 'cancelled',
      reason: 'fraud',
      ownerId: 'ann',
      userId: operator,
      holdId: held.holdId,
      version: 2,
      replyTo: '',
    });
    expect(SeatEventSchema.parse(released)).toEqual(released);
    expect(seat.state).toMatchObject({ status: 'available', version: 2 });
  });

  it('ends a reservation, and the owner is told CANCELLED when confirming or releasing it again', () => {
    const { seat, held } = heldSeat();
    seat.one(confirmation({ userId: 'ann', holdId: held.holdId }), T0 + 1);
    const released = as(seat.one(cancel({ userId: operator }), T0 + 2), 'seat.released');
    expect(released).toMatchObject({ cause: 'cancelled', ownerId: 'ann', version: 3 });
    const confirm = seat.one(
      confirmation({ userId: 'ann', commandId: 'again', holdId: held.holdId }),
      T0 + 3,
    );
    expect(as(confirm, 'seat.rejected').reason).toBe('CANCELLED');
    const give = seat.one(release({ userId: 'ann', holdId: held.holdId }), T0 + 4);
    expect(as(give, 'seat.rejected').reason).toBe('CANCELLED');
  });

  it('the seat is free for anyone after a cancellation', () => {
    const { seat } = heldSeat();
    seat.one(cancel({ userId: operator }), T0 + 1);
    const held = as(seat.one(holdRequest({ userId: 'bob' }), T0 + 2), 'seat.held');
    expect(held).toMatchObject({ userId: 'bob', version: 3 });
  });

  it('repeats its decision to a retry with the same commandId, changing nothing', () => {
    const { seat, held } = heldSeat();
    seat.one(cancel({ userId: operator, commandId: 'k1' }), T0 + 1);
    seat.one(holdRequest({ userId: 'bob' }), T0 + 2);
    const before = seat.state;
    const repeated = as(
      seat.one(cancel({ userId: operator, commandId: 'k1' }), T0 + 3),
      'seat.decisionRepeated',
    );
    expect(repeated.decision).toMatchObject({
      outcome: 'released',
      cause: 'cancelled',
      holdId: held.holdId,
    });
    expect(seat.state).toBe(before);
  });

  it('refuses a seat with nothing to cancel: NOT_HOLDER when available, HOLD_EXPIRED past the expiry', () => {
    const free = new SeatRunner();
    expect(as(free.one(cancel({ userId: operator }), T0), 'seat.rejected').reason).toBe(
      'NOT_HOLDER',
    );
    const { seat } = heldSeat();
    const late = seat.one(cancel({ userId: operator, commandId: 'late' }), T0 + TTL_MS);
    expect(as(late, 'seat.rejected')).toMatchObject({ reason: 'HOLD_EXPIRED', version: 1 });
    expect(seat.state.status).toBe('held');
  });

  it('refuses a seat outside the layout with UNKNOWN_SEAT', () => {
    const seat = new SeatRunner();
    const rejected = seat.one(cancel({ userId: operator, seatId: 'Z99' }), T0);
    expect(as(rejected, 'seat.rejected').reason).toBe('UNKNOWN_SEAT');
  });
});
