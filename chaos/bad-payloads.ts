/**
 * Seeded garbage for the bad-input pass: event names (the contract's client events and
 * made-up ones) and payloads of random types, shapes and sizes (up to just under the 64 KiB
 * message cap), including ids one character off the contract's patterns.
 */
import { CLIENT_EVENTS } from '../src/contract/socket-events.ts';
import type { Rng } from './rng.ts';

/** Largest payload sent expecting an ack: the cap minus room for framing. */
export const MAX_FUZZ_BYTES = 60 * 1024;

function randomString(rng: Rng, maxLength: number): string {
  const alphabets = [
    'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-',
    ' \t\n"\'\\/<>{}[]%$#@!`~|;:,.?',
    'éàüßø漢字🙂\u0000\u202e\ud83d',
  ];
  const alphabet = rng.pick(alphabets);
  const length = rng.int(0, maxLength);
  let text = '';
  for (let i = 0; i < length; i++) text += alphabet[rng.int(0, alphabet.length - 1)];
  return text;
}

/** Ids that break the contract by a little: too long, a bad character, empty, wrong case. */
function nearMissId(rng: Rng): unknown {
  return rng.pick<unknown>([
    '',
    'x'.repeat(65),
    'show id',
    'show/1',
    'a1',
    'A0',
    'A-1',
    'ZZZZ1',
    'A12345',
    '../../etc',
    'gala\u0000',
    42,
    null,
    ['A1'],
    { $gt: '' },
  ]);
}

function randomValue(rng: Rng, depth: number): unknown {
  switch (rng.int(0, depth > 2 ? 5 : 8)) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.pick([0, -1, 1e308, Number.MAX_SAFE_INTEGER, 3.14, -0]);
    case 3:
      return randomString(rng, 40);
    case 4:
      return nearMissId(rng);
    case 5:
      return undefined;
    case 6:
      return Array.from({ length: rng.int(0, 5) }, () => randomValue(rng, depth + 1));
    default: {
      const object: Record<string, unknown> = {};
      for (let i = rng.int(0, 5); i > 0; i--) {
        const key = rng.pick([
          'showId',
          'seatId',
          'holdId',
          'commandId',
          'userId',
          '__proto__',
          'constructor',
          randomString(rng, 10),
        ]);
        object[key] = randomValue(rng, depth + 1);
      }
      return object;
    }
  }
}

export interface FuzzMessage {
  readonly event: string;
  readonly payload: unknown;
}

/** One garbage message; `validShowId` makes some payloads almost right. */
export function fuzzMessage(rng: Rng, validShowId: string): FuzzMessage {
  const event = rng.chance(0.85)
    ? rng.pick(CLIENT_EVENTS)
    : rng.pick([
        'seat:steal',
        'admin',
        '',
        'x'.repeat(200),
        'show:join ',
        'SEAT:HOLD',
        '__proto__',
      ]);
  const shape = rng.int(0, 5);
  let payload: unknown;
  if (shape === 0) payload = randomValue(rng, 0);
  else if (shape === 1) {
    // Almost right: one field off.
    payload = { showId: validShowId, seatId: 'A1', holdId: 'h1', commandId: 'c1' };
    const field = rng.pick(['showId', 'seatId', 'holdId', 'commandId', 'extra']);
    (payload as Record<string, unknown>)[field] = nearMissId(rng);
  } else if (shape === 2) {
    // Big: a long string field up to the cap.
    payload = {
      showId: validShowId,
      seatId: 'A1',
      commandId: 'x'.repeat(rng.int(65, MAX_FUZZ_BYTES)),
    };
  } else if (shape === 3) {
    // Deep nesting.
    let nested: unknown = 'bottom';
    for (let i = rng.int(10, 500); i > 0; i--) nested = { a: nested };
    payload = nested;
  } else if (shape === 4) {
    payload = rng.pick<unknown>([
      [],
      'gala',
      123,
      true,
      null,
      { showId: ['gala'] },
      Buffer.alloc(rng.int(0, 2048)),
    ]);
  } else {
    // Well-formed ids that name nothing.
    payload = {
      showId: `nope-${rng.int(0, 1e6)}`,
      seatId: 'Z999',
      holdId: 'h-none',
      commandId: `c-${rng.int(0, 1e6)}`,
    };
  }
  return { event, payload };
}
