import { describe, expect, it } from 'vitest';
import { LocalSeatMap } from '../../../src/client/seat-map.ts';

const seat = (version: number, status: 'available' | 'held' | 'reserved' = 'held') => ({
  showId: 'gala',
  seatId: 'A1',
  status,
  version,
});

describe('LocalSeatMap', () => {
  it('applies only newer versions: late or repeated changes never move a seat back', () => {
    const map = new LocalSeatMap();
    expect(map.apply(seat(2, 'reserved'))).toBe(true);
    expect(map.apply(seat(1, 'held'))).toBe(false);
    expect(map.apply(seat(2, 'available'))).toBe(false);
    expect(map.get('A1')).toEqual(seat(2, 'reserved'));
    expect(map.apply(seat(3, 'available'))).toBe(true);
    expect(map.all()).toEqual([seat(3, 'available')]);
  });

  it('keeps a copy, without extra fields such as eventId', () => {
    const map = new LocalSeatMap();
    const change = { ...seat(1), expiresAt: 5, eventId: '0-1-0' };
    map.apply(change);
    change.version = 99;
    expect(map.get('A1')).toEqual({ ...seat(1), expiresAt: 5 });
  });
});
