import { describe, expect, it } from 'vitest';
import { INITIAL_SEAT_STATE, type SeatState } from '../../../src/actors/seat-state.ts';
import { decodeSeat, encodeSeat, SNAPSHOT_FORMAT } from '../../../src/actors/snapshot-codec.ts';
import { isHoldfastError } from '../../../src/errors.ts';
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
