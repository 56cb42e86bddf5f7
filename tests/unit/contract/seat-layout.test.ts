import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SEAT_ID_PATTERN } from '../../../src/contract/ids.ts';
import { isSeatOfShow, seatIdsOf } from '../../../src/contract/seat-layout.ts';
import type { ShowDefinition } from '../../../src/contract/shows.ts';

const show = (rows: number, seatsPerRow: number): ShowDefinition => ({
  showId: 's',
  rows,
  seatsPerRow,
  holdTtlMs: 60_000,
  createdAt: 0,
});

describe('seat layout', () => {
  it('isSeatOfShow holds exactly for the well-formed seat ids seatIdsOf lists', () => {
    const showArb = fc
      .record({
        rows: fc.integer({ min: 1, max: 60 }),
        seatsPerRow: fc.integer({ min: 1, max: 40 }),
      })
      .map(({ rows, seatsPerRow }) => show(rows, seatsPerRow));
    const seatIdArb = fc.oneof(
      fc.stringMatching(/^[A-C]?[A-Z][1-9][0-9]?$/),
      fc.stringMatching(SEAT_ID_PATTERN),
      fc.constantFrom('A1', 'Z26', 'AA1', 'BH40', 'BI1', 'A41'),
    );
    fc.assert(
      fc.property(showArb, seatIdArb, (layout, seatId) => {
        expect(SEAT_ID_PATTERN.test(seatId)).toBe(true);
        expect(isSeatOfShow(layout, seatId)).toBe(seatIdsOf(layout).includes(seatId));
      }),
      { numRuns: 2_000 },
    );
  });

  it('reaches the largest layout and no further', () => {
    const largest = show(702, 9999);
    expect(isSeatOfShow(largest, 'ZZ9999')).toBe(true);
    expect(isSeatOfShow(largest, 'AAA1')).toBe(false);
    expect(isSeatOfShow(largest, 'ZZ10000')).toBe(false);
  });

  it('names rows A…Z then AA…', () => {
    expect(seatIdsOf(show(28, 1))).toEqual([
      ...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('').map((row) => `${row}1`),
      'AA1',
      'AB1',
    ]);
  });

  it('refuses what is no seat id at all', () => {
    for (const seatId of ['', 'A', '1', 'A0', 'a1', 'A-1', '1A']) {
      expect(isSeatOfShow(show(26, 10), seatId)).toBe(false);
    }
  });
});
