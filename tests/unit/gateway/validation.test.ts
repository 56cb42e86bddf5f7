import { describe, expect, it } from 'vitest';
import type { ShowDefinition } from '../../../src/contract/shows.ts';
import type { ShowEventName } from '../../../src/contract/socket-events.ts';
import { checkPayload } from '../../../src/gateway/validation.ts';

const show: ShowDefinition = {
  showId: 'gala',
  rows: 3,
  seatsPerRow: 10,
  holdTtlMs: 60_000,
  createdAt: 0,
};
const lookup = (id: string) => (id === show.showId ? show : undefined);
const long = 'x'.repeat(65);
const huge = 'A'.repeat(60_000);

const cases: Array<[string, ShowEventName, unknown, string]> = [
  ['a non-object', 'seat:hold', 'gala/A1', 'INVALID_PAYLOAD'],
  ['null', 'seat:hold', null, 'INVALID_PAYLOAD'],
  ['an array', 'show:join', ['gala'], 'INVALID_PAYLOAD'],
  ['a number', 'show:join', 42, 'INVALID_PAYLOAD'],
  ['undefined', 'show:join', undefined, 'INVALID_PAYLOAD'],
  ['a missing showId', 'show:join', {}, 'INVALID_PAYLOAD'],
  ['a numeric showId', 'show:join', { showId: 7 }, 'INVALID_PAYLOAD'],
  ['an empty showId', 'show:join', { showId: '' }, 'INVALID_PAYLOAD'],
  ['a 65-character showId', 'show:join', { showId: long }, 'INVALID_PAYLOAD'],
  ['a 60 000-character showId', 'show:join', { showId: huge }, 'INVALID_PAYLOAD'],
  ['a showId with a slash', 'show:join', { showId: 'ga/la' }, 'INVALID_PAYLOAD'],
  ['an extra field', 'show:join', { showId: 'gala', userId: 'mallory' }, 'INVALID_PAYLOAD'],
  ['a missing seatId', 'seat:hold', { showId: 'gala' }, 'INVALID_PAYLOAD'],
  ['a lower-case seatId', 'seat:hold', { showId: 'gala', seatId: 'a1' }, 'INVALID_PAYLOAD'],
  ['seat number 0', 'seat:hold', { showId: 'gala', seatId: 'A0' }, 'INVALID_PAYLOAD'],
  ['a seatId without a number', 'seat:hold', { showId: 'gala', seatId: 'A' }, 'INVALID_PAYLOAD'],
  [
    'a bad commandId',
    'seat:hold',
    { showId: 'gala', seatId: 'A1', commandId: 'a b' },
    'INVALID_PAYLOAD',
  ],
  [
    'a null commandId',
    'seat:hold',
    { showId: 'gala', seatId: 'A1', commandId: null },
    'INVALID_PAYLOAD',
  ],
  [
    'a userId smuggled in',
    'seat:hold',
    { showId: 'gala', seatId: 'A1', userId: 'x' },
    'INVALID_PAYLOAD',
  ],
  ['a confirm without holdId', 'seat:confirm', { showId: 'gala', seatId: 'A1' }, 'INVALID_PAYLOAD'],
  [
    'a release with a numeric holdId',
    'seat:release',
    { showId: 'gala', seatId: 'A1', holdId: 1 },
    'INVALID_PAYLOAD',
  ],
  [
    'an oversized holdId',
    'seat:confirm',
    { showId: 'gala', seatId: 'A1', holdId: long },
    'INVALID_PAYLOAD',
  ],
  ['an unknown show', 'show:join', { showId: 'nope' }, 'UNKNOWN_SHOW'],
  ['an unknown show on hold', 'seat:hold', { showId: 'nope', seatId: 'A1' }, 'UNKNOWN_SHOW'],
  ['a row past the layout', 'seat:hold', { showId: 'gala', seatId: 'D1' }, 'UNKNOWN_SEAT'],
  ['a seat past the row', 'seat:hold', { showId: 'gala', seatId: 'A11' }, 'UNKNOWN_SEAT'],
  [
    'an unknown seat on release',
    'seat:release',
    { showId: 'gala', seatId: 'Z9', holdId: 'h' },
    'UNKNOWN_SEAT',
  ],
];

describe('checkPayload', () => {
  it.each(cases)('refuses %s', (_label, event, payload, code) => {
    const checked = checkPayload(event, payload, lookup);
    expect(checked.ok).toBe(false);
    if (!checked.ok) {
      expect(checked.code).toBe(code);
      expect(checked.message.length).toBeGreaterThan(0);
    }
  });

  it('accepts well-formed payloads of every event', () => {
    expect(checkPayload('show:join', { showId: 'gala' }, lookup).ok).toBe(true);
    expect(checkPayload('show:leave', { showId: 'gala' }, lookup).ok).toBe(true);
    expect(checkPayload('seat:hold', { showId: 'gala', seatId: 'C10' }, lookup).ok).toBe(true);
    expect(
      checkPayload('seat:hold', { showId: 'gala', seatId: 'A1', commandId: 'c-1_x' }, lookup).ok,
    ).toBe(true);
    const confirm = checkPayload(
      'seat:confirm',
      { showId: 'gala', seatId: 'B2', holdId: 'h1' },
      lookup,
    );
    expect(confirm).toMatchObject({
      ok: true,
      value: { showId: 'gala', seatId: 'B2', holdId: 'h1' },
    });
    expect(
      checkPayload('seat:release', { showId: 'gala', seatId: 'B2', holdId: '0-5-1' }, lookup).ok,
    ).toBe(true);
  });
});
