/**
 * The command acceptor is a shortcut through `SeatCommandSchema`, never a second judge: on
 * random valid commands, random mutations of them and random JSON, whatever it accepts zod
 * accepts with an equal value; and it does accept the valid commands (or the hot path would
 * silently fall back to zod).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  SEAT_COMMAND_TYPES,
  SEAT_EVENT_TYPES,
  SeatCommandSchema,
  SeatEventSchema,
} from '../../../src/contract/kafka-records.ts';
import { compileAcceptor } from '../../../src/kafka/fast-accept.ts';

const accept = compileAcceptor(SeatCommandSchema);

const idChars = fc.constantFrom(
  ...'abcXYZ019_-'.split(''),
  ...' /.é\u0000'.split(''), // outside the pattern
);
/** Mostly valid values, so that whole commands are often valid too. */
const mostly = <T>(valid: fc.Arbitrary<T>, other: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: valid, weight: 12 }, { arbitrary: other, weight: 1 });
const id = mostly(
  fc.string({ unit: fc.constantFrom(...'aZ09_-'.split('')), minLength: 1, maxLength: 64 }),
  fc.string({ unit: idChars, minLength: 0, maxLength: 66 }),
);
const seatId = mostly(
  fc
    .tuple(
      fc.string({ unit: fc.constantFrom('A', 'B', 'Z'), minLength: 1, maxLength: 3 }),
      fc.integer({ min: 1, max: 9999 }),
    )
    .map(([row, n]) => `${row}${n}`),
  fc.constantFrom('', 'A0', 'a1', 'AAAA1', 'A10000', 'A01', '1A', 'A1 '),
);
const text = mostly(
  fc.string({ minLength: 1, maxLength: 128 }),
  fc.string({ minLength: 0, maxLength: 130 }),
);
const count = mostly<number>(
  fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  fc.constantFrom(-1, 0.5, Number.MAX_SAFE_INTEGER + 1, Number.POSITIVE_INFINITY, -0),
);

const command = fc.record({
  type: fc.constantFrom(...SEAT_COMMAND_TYPES),
  commandId: id,
  correlationId: text,
  replyTo: text,
  showId: id,
  seatId,
  userId: text,
  sentAt: count,
  holdId: id,
  expiresAt: count,
  reason: text,
});

/** Shapes a record like a command of its type: the fields of its type, maybe one off. */
const shaped = fc
  .tuple(
    command,
    fc.constantFrom('none', 'none', 'none', 'drop', 'extra', 'wrongType', 'null', 'array'),
    fc.nat(),
  )
  .map(([raw, mutation, pick]) => {
    const value: Record<string, unknown> = { ...raw };
    if (raw.type !== 'seat.holdExpiry') delete value.expiresAt;
    if (raw.type === 'seat.holdRequest' || raw.type === 'seat.cancelRequest') delete value.holdId;
    if (raw.type !== 'seat.cancelRequest') delete value.reason;
    const keys = Object.keys(value);
    const key = keys[pick % keys.length] as string;
    if (mutation === 'drop') delete value[key];
    if (mutation === 'extra') value.unexpected = 1;
    if (mutation === 'wrongType') value[key] = typeof value[key] === 'string' ? 1 : 'x';
    if (mutation === 'null') value[key] = null;
    if (mutation === 'array') value[key] = [value[key]];
    // Through JSON, as the codec sees it.
    return JSON.parse(JSON.stringify(value)) as unknown;
  });

function expectNoFalseAccept(value: unknown): void {
  if (!accept(value)) return;
  const parsed = SeatCommandSchema.safeParse(value);
  expect(parsed.success).toBe(true);
  expect(parsed.data).toEqual(value);
}

describe('compileAcceptor(SeatCommandSchema)', () => {
  it('accepts only what zod accepts, with an equal value, on shaped and mutated commands', () => {
    fc.assert(fc.property(shaped, expectNoFalseAccept), { numRuns: 5000 });
  });

  it('accepts only what zod accepts on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => expectNoFalseAccept(value)),
      { numRuns: 2000 },
    );
  });

  it('accepts every command zod accepts among the shaped ones (the fast path is taken)', () => {
    let valid = 0;
    fc.assert(
      fc.property(shaped, (value) => {
        if (!SeatCommandSchema.safeParse(value).success) return;
        valid++;
        expect(accept(value)).toBe(true);
      }),
      { numRuns: 5000 },
    );
    expect(valid).toBeGreaterThan(100);
  });

  it('refuses a wrapper, an array and a prototype trick', () => {
    const good = {
      type: 'seat.holdRequest',
      commandId: 'c1',
      correlationId: 'r1',
      replyTo: 'g1',
      showId: 's1',
      seatId: 'A1',
      userId: 'u1',
      sentAt: 1,
    };
    expect(accept(good)).toBe(true);
    expect(accept([good])).toBe(false);
    expect(accept(null)).toBe(false);
    expect(accept('seat.holdRequest')).toBe(false);
    const withProto = JSON.parse(`{"__proto__":{"x":1},${JSON.stringify(good).slice(1)}`);
    expect(accept(withProto)).toBe(SeatCommandSchema.safeParse(withProto).success);
  });

  it('gives no fast path for a schema it cannot read (zod judges everything)', () => {
    const loose = z.object({ a: z.string() });
    const nested = z.strictObject({ a: z.strictObject({ b: z.string() }) });
    const email = z.strictObject({ a: z.email() });
    expect(compileAcceptor(loose)({ a: 'x' })).toBe(false);
    expect(compileAcceptor(nested)({ a: { b: 'x' } })).toBe(false);
    expect(compileAcceptor(email)({ a: 'a@b.co' })).toBe(false);
    const refined = z
      .strictObject({ a: z.string(), b: z.string() })
      .refine((v) => v.a === v.b, { message: 'a and b differ' });
    expect(compileAcceptor(refined)({ a: 'x', b: 'y' })).toBe(false);
    expect(compileAcceptor(z.strictObject({ a: z.string() }))({ a: 'x' })).toBe(true);
  });
});

describe('compileAcceptor with optional fields and enums', () => {
  const schema = z.strictObject({
    a: z.string().min(1),
    b: z.enum(['x', 'y']),
    c: z
      .string()
      .regex(/^[0-9]+$/)
      .optional(),
  });
  const acceptOne = compileAcceptor(schema);

  it('accepts an optional field absent or valid, never invalid, and refuses unknown keys', () => {
    expect(acceptOne({ a: 'v', b: 'x' })).toBe(true);
    expect(acceptOne({ a: 'v', b: 'y', c: '12' })).toBe(true);
    expect(acceptOne({ a: 'v', b: 'y', c: 'no' })).toBe(false);
    expect(acceptOne({ a: 'v', b: 'z' })).toBe(false);
    expect(acceptOne({ a: 'v', b: 'x', d: '1' })).toBe(false);
    expect(acceptOne({ a: 'v', c: '1', d: '1' })).toBe(false);
    expect(acceptOne({ b: 'x', c: '1' })).toBe(false);
  });

  it('accepts only what zod accepts on arbitrary records of those keys', () => {
    const value = fc.oneof(
      fc.constantFrom('x', 'y', 'z', '', '12', 'no'),
      fc.integer(),
      fc.constant(null),
    );
    const record = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), value);
    fc.assert(
      fc.property(record, (candidate) => {
        const parsed = schema.safeParse(candidate);
        expect(acceptOne(candidate)).toBe(parsed.success);
        if (parsed.success) expect(parsed.data).toEqual(candidate);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('compileAcceptor(SeatEventSchema)', () => {
  const acceptEvent = compileAcceptor(SeatEventSchema);
  const event = fc.record({
    type: fc.constantFrom(...SEAT_EVENT_TYPES),
    eventId: text,
    showId: id,
    seatId,
    version: count,
    userId: text,
    causationId: id,
    commandId: id,
    correlationId: text,
    replyTo: text,
    occurredAt: count,
    holdId: id,
    expiresAt: count,
    cause: mostly(fc.constantFrom('released', 'expired', 'cancelled'), fc.constantFrom('gone', '')),
    reason: mostly(fc.constantFrom('SEAT_TAKEN', 'CANCELLED', 'refund'), fc.constant('nope\n')),
    ownerId: text,
    requestId: id,
  });
  /** The fields of the event's type, some optional ones dropped, maybe one field off. */
  const shapedEvent = fc
    .tuple(event, fc.boolean(), fc.constantFrom('none', 'none', 'drop', 'extra', 'null'), fc.nat())
    .map(([raw, withOptional, mutation, pick]) => {
      const value: Record<string, unknown> = { ...raw };
      const keep: Record<string, string[]> = {
        'seat.held': ['holdId', 'expiresAt', 'requestId'],
        'seat.reserved': ['holdId'],
        'seat.released': ['holdId', 'cause', 'reason', 'ownerId'],
        'seat.rejected': ['reason', 'holdId'],
        'seat.decisionRepeated': [],
      };
      const optional = [
        'requestId',
        'ownerId',
        ...(raw.type === 'seat.rejected' ? ['holdId'] : []),
      ];
      for (const key of ['holdId', 'expiresAt', 'cause', 'reason', 'ownerId', 'requestId']) {
        const kept = keep[raw.type]?.includes(key) ?? false;
        if (!kept || (!withOptional && optional.includes(key))) delete value[key];
      }
      if (raw.type === 'seat.released' && raw.cause !== 'cancelled' && !withOptional) {
        delete value.reason;
      }
      const keys = Object.keys(value);
      const key = keys[pick % keys.length] as string;
      if (mutation === 'drop') delete value[key];
      if (mutation === 'extra') value.unexpected = 1;
      if (mutation === 'null') value[key] = null;
      return JSON.parse(JSON.stringify(value)) as unknown;
    });

  it('accepts only what zod accepts, with an equal value', () => {
    fc.assert(
      fc.property(shapedEvent, (value) => {
        if (!acceptEvent(value)) return;
        const parsed = SeatEventSchema.safeParse(value);
        expect(parsed.success).toBe(true);
        expect(parsed.data).toEqual(value);
      }),
      { numRuns: 5000 },
    );
  });

  it('takes the fast path for every valid event but a repeat (whose decision is nested)', () => {
    const taken = new Set<string>();
    fc.assert(
      fc.property(shapedEvent, (value) => {
        if (!SeatEventSchema.safeParse(value).success) return;
        const type = (value as { type: string }).type;
        expect(acceptEvent(value)).toBe(type !== 'seat.decisionRepeated');
        taken.add(type);
      }),
      { numRuns: 5000 },
    );
    expect([...taken].sort()).toEqual([
      'seat.held',
      'seat.rejected',
      'seat.released',
      'seat.reserved',
    ]);
  });
});
