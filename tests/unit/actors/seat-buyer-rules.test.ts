/** The seat's rules for buyers (docs/design.md §9.2–§9.5): tryHold, buyerRelease, notices. */
import { describe, expect, it } from 'vitest';
import type { HeldSeat } from '../../../src/actors/seat-state.ts';
import { decodeSeat, encodeSeat } from '../../../src/actors/snapshot-codec.ts';
import { BuyerSeatRunner, buyerRelease, CAPPED, tryHold, updatesOf } from './buyer-fixtures.ts';
import {
  as,
  cancel,
  confirmation,
  expiry,
  holdRequest,
  release,
  SHOW,
  T0,
  TTL_MS,
} from './fixtures.ts';

function heldByTry(show = SHOW) {
  const seat = new BuyerSeatRunner(show);
  const decided = seat.run(tryHold({ userId: 'ann', requestId: 'req-1' }), T0);
  const held = as(decided.events[0], 'seat.held');
  return { seat, held, decided };
}

describe('seat.tryHold', () => {
  it('grants an available seat, records the request on the hold and answers the buyer', () => {
    const { seat, held, decided } = heldByTry();
    expect(held).toMatchObject({ version: 1, userId: 'ann', requestId: 'req-1', holdId: '0-0-0' });
    expect((seat.state as HeldSeat).requestId).toBe('req-1');
    expect(decided.commands).toEqual([
      {
        type: 'buyer.seatUpdate',
        commandId: '0-0-1', // after the event, in the decision's one index sequence
        correlationId: 'corr-try',
        replyTo: '',
        showId: SHOW.showId,
        userId: 'ann',
        sentAt: T0,
        seatId: 'A1',
        version: 1,
        status: 'held',
        mine: true,
        holdId: held.holdId,
        expiresAt: T0 + TTL_MS,
        answer: { requestId: 'req-1', outcome: 'granted' },
      },
    ]);
  });

  it('answers a repeat of the same request with its hold, never a second hold', () => {
    const { seat, held } = heldByTry();
    const before = seat.state;
    const again = seat.run(tryHold({ userId: 'ann', requestId: 'req-1' }), T0 + 5);
    expect(again.events).toEqual([]);
    expect(seat.state).toBe(before);
    expect(updatesOf(again.commands)).toMatchObject([
      { holdId: held.holdId, version: 1, mine: true, answer: { outcome: 'granted' } },
    ]);
  });

  it('does not hold again for a request whose hold ended, released or expired', () => {
    const { seat, held } = heldByTry();
    seat.run(buyerRelease({ userId: 'ann', holdId: held.holdId }), T0 + 1);
    const repeat = seat.run(tryHold({ userId: 'ann', requestId: 'req-1' }), T0 + 2);
    expect(repeat.events).toEqual([]);
    expect(seat.state.status).toBe('available');
    expect(updatesOf(repeat.commands)[0]?.answer).toEqual({
      requestId: 'req-1',
      outcome: 'refused',
      reason: 'NOT_HOLDER',
    });

    const other = heldByTry();
    other.seat.run(expiry({ ...other.held }), other.held.expiresAt);
    const late = other.seat.run(
      tryHold({ userId: 'ann', requestId: 'req-1' }),
      other.held.expiresAt + 1,
    );
    expect(late.events).toEqual([]);
    expect(updatesOf(late.commands)[0]?.answer?.reason).toBe('HOLD_EXPIRED');
  });

  it('answers alreadyHeld for a seat the same user holds, without a change', () => {
    const seat = new BuyerSeatRunner();
    seat.run(holdRequest({ userId: 'ann' }), T0);
    const before = seat.state;
    const decided = seat.run(tryHold({ userId: 'ann', requestId: 'req-2' }), T0 + 1);
    expect(decided.events).toEqual([]);
    expect(seat.state).toBe(before);
    expect(updatesOf(decided.commands)).toMatchObject([
      { mine: true, holdId: '0-0-0', version: 1, answer: { outcome: 'alreadyHeld' } },
    ]);
  });

  it('refuses SEAT_TAKEN for a seat held by another or reserved, and tells the buyer', () => {
    const { seat, held } = heldByTry();
    const taken = seat.run(tryHold({ userId: 'bob', requestId: 'req-9' }), T0 + 1);
    expect(as(taken.events[0], 'seat.rejected').reason).toBe('SEAT_TAKEN');
    expect(updatesOf(taken.commands)).toMatchObject([
      {
        userId: 'bob',
        mine: false,
        status: 'held',
        answer: { outcome: 'refused', reason: 'SEAT_TAKEN' },
      },
    ]);
    expect(updatesOf(taken.commands)[0]?.holdId).toBeUndefined(); // another's hold id is never told
    seat.run(confirmation({ userId: 'ann', holdId: held.holdId }), T0 + 2);
    const reserved = seat.run(tryHold({ userId: 'ann', requestId: 'req-3' }), T0 + 3);
    expect(as(reserved.events[0], 'seat.rejected').reason).toBe('SEAT_TAKEN');
  });

  it('refuses REQUEST_EXPIRED a hold TTL or more after the client request', () => {
    const seat = new BuyerSeatRunner();
    const late = seat.run(tryHold({ userId: 'ann', requestedAt: T0 }), T0 + TTL_MS);
    expect(as(late.events[0], 'seat.rejected').reason).toBe('REQUEST_EXPIRED');
    expect(seat.state.status).toBe('available');
    const inTime = seat.run(
      tryHold({ userId: 'ann', requestId: 'req-2', requestedAt: T0 }),
      T0 + TTL_MS - 1,
    );
    expect(inTime.events[0]?.type).toBe('seat.held');
  });

  it('takes a seat whose hold is past expiry, and in a capped show tells its old holder', () => {
    const seat = new BuyerSeatRunner(CAPPED);
    seat.run(tryHold({ userId: 'ann', requestId: 'req-1' }), T0);
    const decided = seat.run(
      tryHold({ userId: 'bob', requestId: 'req-2', requestedAt: T0 + TTL_MS }),
      T0 + TTL_MS,
    );
    expect(decided.events.map((event) => event.type)).toEqual(['seat.released', 'seat.held']);
    expect(updatesOf(decided.commands)).toMatchObject([
      { userId: 'bob', commandId: '0-1-2', version: 3, mine: true, answer: { outcome: 'granted' } },
      { userId: 'ann', commandId: '0-1-3', version: 3, mine: false, status: 'held' },
    ]);
    expect(updatesOf(decided.commands)[1]?.answer).toBeUndefined();
  });

  it('refuses UNKNOWN_SEAT and UNKNOWN_SHOW with an answer, and keeps no state', () => {
    const seat = new BuyerSeatRunner();
    const unknown = seat.run(tryHold({ userId: 'ann', seatId: 'Z9' }), T0);
    expect(as(unknown.events[0], 'seat.rejected').reason).toBe('UNKNOWN_SEAT');
    expect(updatesOf(unknown.commands)[0]?.answer?.reason).toBe('UNKNOWN_SEAT');
    const noShow = new BuyerSeatRunner(null).run(tryHold({ userId: 'ann' }), T0);
    expect(updatesOf(noShow.commands)[0]?.answer?.reason).toBe('UNKNOWN_SHOW');
  });
});

describe('seat.buyerRelease', () => {
  it('releases the current hold and answers released', () => {
    const { seat, held } = heldByTry();
    const decided = seat.run(buyerRelease({ userId: 'ann', holdId: held.holdId }), T0 + 1);
    expect(as(decided.events[0], 'seat.released')).toMatchObject({ cause: 'released', version: 2 });
    expect(updatesOf(decided.commands)).toMatchObject([
      {
        commandId: '0-1-1',
        status: 'available',
        mine: false,
        version: 2,
        answer: { outcome: 'released' },
      },
    ]);
  });

  it('never expires: past the hold expiry it still ends the hold (as expired)', () => {
    const { seat, held } = heldByTry();
    const decided = seat.run(
      buyerRelease({ userId: 'ann', holdId: held.holdId }),
      T0 + 10 * TTL_MS,
    );
    expect(as(decided.events[0], 'seat.released').cause).toBe('expired');
    expect(updatesOf(decided.commands)[0]?.answer?.outcome).toBe('released');
  });

  it('is answered released, changing nothing, for a hold that is not current or not the buyer’s', () => {
    const { seat, held } = heldByTry();
    const before = seat.state;
    for (const command of [
      buyerRelease({ userId: 'ann', holdId: 'other-hold' }),
      buyerRelease({ userId: 'bob', holdId: held.holdId }),
    ]) {
      const decided = seat.run(command, T0 + 1);
      expect(decided.events).toEqual([]);
      expect(updatesOf(decided.commands)[0]?.answer?.outcome).toBe('released');
    }
    expect(seat.state).toBe(before);
  });
});

describe('a capped show (§9.5)', () => {
  it('refuses a plain seat:hold INVALID_PAYLOAD and does not remember it', () => {
    const seat = new BuyerSeatRunner(CAPPED);
    const decided = seat.run(holdRequest({ userId: 'ann', commandId: 'c1' }), T0);
    expect(as(decided.events[0], 'seat.rejected').reason).toBe('INVALID_PAYLOAD');
    expect(decided.commands).toEqual([]);
    expect(seat.state.version).toBe(0);
    expect(seat.state.memory.refusals.length).toBe(0);
  });

  it('tells the holder of every change: confirmation, release, expiry', () => {
    const confirmSeat = heldByTry(CAPPED);
    const confirmed = confirmSeat.seat.run(
      confirmation({ userId: 'ann', holdId: confirmSeat.held.holdId }),
      T0 + 1,
    );
    expect(updatesOf(confirmed.commands)).toMatchObject([
      {
        userId: 'ann',
        status: 'reserved',
        mine: true,
        version: 2,
        holdId: confirmSeat.held.holdId,
      },
    ]);

    const releaseSeat = heldByTry(CAPPED);
    const released = releaseSeat.seat.run(
      release({ userId: 'ann', holdId: releaseSeat.held.holdId }),
      T0 + 1,
    );
    expect(updatesOf(released.commands)).toMatchObject([
      { userId: 'ann', status: 'available', mine: false, version: 2 },
    ]);

    const expirySeat = heldByTry(CAPPED);
    const expired = expirySeat.seat.run(expiry(expirySeat.held), expirySeat.held.expiresAt);
    expect(updatesOf(expired.commands)).toMatchObject([
      { userId: 'ann', status: 'available', version: 2 },
    ]);
  });

  it('tells the holder of an operator’s cancellation, and a repeated tryHold is then CANCELLED', () => {
    const { seat } = heldByTry(CAPPED);
    const cancelled = seat.run(cancel({ userId: 'operator:box', reason: 'rebooked' }), T0 + 1);
    expect(as(cancelled.events[0], 'seat.released').cause).toBe('cancelled');
    expect(updatesOf(cancelled.commands)).toMatchObject([
      { userId: 'ann', status: 'available', mine: false, version: 2 },
    ]);
    const repeat = seat.run(tryHold({ userId: 'ann', requestId: 'req-1' }), T0 + 2);
    expect(repeat.events).toEqual([]);
    expect(updatesOf(repeat.commands)[0]?.answer?.reason).toBe('CANCELLED');
  });

  it('sends no notice for a decision that changes nothing', () => {
    const { seat, held } = heldByTry(CAPPED);
    const refused = seat.run(release({ userId: 'bob', holdId: held.holdId }), T0 + 1);
    expect(refused.commands).toEqual([]);
  });
});

describe('a show without a cap', () => {
  it('keeps the plain hold path and sends buyers nothing but answers', () => {
    const seat = new BuyerSeatRunner(SHOW);
    const plain = seat.run(holdRequest({ userId: 'ann' }), T0);
    expect(plain.events[0]?.type).toBe('seat.held');
    expect(plain.commands).toEqual([]);
    const held = as(plain.events[0], 'seat.held');
    expect(held.requestId).toBeUndefined();
    const group = new BuyerSeatRunner(SHOW);
    const granted = group.run(tryHold({ userId: 'ann' }), T0);
    const released = group.run(
      release({ userId: 'ann', holdId: as(granted.events[0], 'seat.held').holdId }),
      T0 + 1,
    );
    expect(released.commands).toEqual([]);
  });
});

describe('snapshot records of buyer holds', () => {
  it('keep the request of a hold and of an ended hold, so a repeat is still recognised', () => {
    const { seat, held } = heldByTry();
    const decoded = decodeSeat(encodeSeat(seat.state));
    expect(decoded).toEqual(seat.state);
    seat.run(buyerRelease({ userId: 'ann', holdId: held.holdId }), T0 + 1);
    const text = encodeSeat(seat.state);
    expect(JSON.parse(text).e).toEqual([[held.holdId, 'r', T0 + 1, 'req-1']]);
    seat.state = decodeSeat(text);
    const repeat = seat.run(tryHold({ userId: 'ann', requestId: 'req-1' }), T0 + 2);
    expect(repeat.events).toEqual([]);
  });

  it('still reads a format 3 record (no requests)', () => {
    const record = '{"f":3,"v":2,"s":"h","h":"0-1-0","u":"ann","t":5,"x":10,"e":[["0-0-0","x",4]]}';
    const state = decodeSeat(record);
    expect(state).toMatchObject({ status: 'held', holdId: '0-1-0' });
    expect((state as HeldSeat).requestId).toBeUndefined();
  });
});
