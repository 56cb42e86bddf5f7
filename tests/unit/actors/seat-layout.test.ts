import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ShowDefinition, showHasSeat } from '../../../src/actors/messages.ts';
import { isSeatOfShow } from '../../../src/actors/seat-layout.ts';

describe('isSeatOfShow', () => {
  it('agrees with the wire contract’s showHasSeat on any seat id', () => {
    const showArb = fc.record({
      showId: fc.constant('s'),
      rows: fc.integer({ min: 1, max: 702 }),
      seatsPerRow: fc.integer({ min: 1, max: 9999 }),
      holdTtlMs: fc.constant(60_000),
      createdAt: fc.constant(0),
    });
    const seatIdArb = fc.oneof(
      fc.stringMatching(/^[A-Z]{1,3}[0-9]{1,5}$/),
      fc.string({ maxLength: 6 }),
      fc.constantFrom('A1', 'Z26', 'AA1', 'ZZ9999', 'A0', 'A', '1', ''),
    );
    fc.assert(
      fc.property(showArb, seatIdArb, (show: ShowDefinition, seatId) => {
        expect(isSeatOfShow(show, seatId)).toBe(showHasSeat(show, seatId));
      }),
      { numRuns: 2_000 },
    );
  });
});
