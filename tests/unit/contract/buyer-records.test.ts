/** The buyer contract (docs/design.md §9): keys, show settings, records, refusal codes. */
import { describe, expect, it } from 'vitest';
import {
  BuyerHoldRequestSchema,
  commandKey,
  LogCommandSchema,
  LogEventSchema,
  SeatActorCommandSchema,
} from '../../../src/contract/buyer-records.ts';
import { buyerKey, isBuyerKey, seatKey } from '../../../src/contract/ids.ts';
import {
  BUSINESS_REFUSALS,
  GROUP_REFUSAL_PRECEDENCE,
  REJECTION_REASONS,
  rejection,
} from '../../../src/contract/refusals.ts';
import { isCapped, ShowDefinitionSchema, showSettings } from '../../../src/contract/shows.ts';

const hold = {
  type: 'buyer.holdRequest',
  commandId: 'c1',
  correlationId: 'k1',
  replyTo: 'gw',
  showId: 'show-1',
  userId: 'ann/~x',
  sentAt: 0,
  seatIds: ['A1', 'B2'],
} as const;

describe('buyer keys', () => {
  it('never collide with seat keys, whatever the user id holds', () => {
    expect(buyerKey('show-1', 'ann')).toBe('show-1/~ann');
    expect(isBuyerKey(buyerKey('show-1', 'a/b~c'))).toBe(true);
    expect(isBuyerKey(seatKey('show-1', 'A1'))).toBe(false);
    expect(commandKey(BuyerHoldRequestSchema.parse(hold))).toBe('show-1/~ann/~x');
  });
});

describe('show settings', () => {
  const show = { showId: 's', rows: 1, seatsPerRow: 1, holdTtlMs: 1000, createdAt: 0 };

  it('are optional, so shows created before buyers still parse, with defaults', () => {
    const parsed = ShowDefinitionSchema.parse(show);
    expect(showSettings(parsed)).toEqual({
      maxSeatsPerBuyer: undefined,
      extendMs: 0,
      maxExtensions: 0,
    });
    expect(isCapped(parsed)).toBe(false);
    const capped = ShowDefinitionSchema.parse({
      ...show,
      maxSeatsPerBuyer: 4,
      extendMs: 60_000,
      maxExtensions: 2,
    });
    expect(isCapped(capped)).toBe(true);
    expect(showSettings(capped)).toEqual({
      maxSeatsPerBuyer: 4,
      extendMs: 60_000,
      maxExtensions: 2,
    });
  });

  it('are bounded', () => {
    for (const bad of [
      { maxSeatsPerBuyer: 0 },
      { maxSeatsPerBuyer: 10_001 },
      { extendMs: -1 },
      { extendMs: 86_400_001 },
      { maxExtensions: 101 },
    ]) {
      expect(ShowDefinitionSchema.safeParse({ ...show, ...bad }).success, JSON.stringify(bad)).toBe(
        false,
      );
    }
  });
});

describe('buyer records', () => {
  it('take 1 to 10 distinct seats in a group request', () => {
    expect(LogCommandSchema.safeParse(hold).success).toBe(true);
    expect(LogCommandSchema.safeParse({ ...hold, seatIds: [] }).success).toBe(false);
    expect(LogCommandSchema.safeParse({ ...hold, seatIds: ['A1', 'A1'] }).success).toBe(false);
    const eleven = Array.from({ length: 11 }, (_, i) => `A${i + 1}`);
    expect(LogCommandSchema.safeParse({ ...hold, seatIds: eleven }).success).toBe(false);
  });

  it('route actor commands to seats, and a seat update to the buyer', () => {
    const { seatIds: _group, ...route } = hold;
    const tryHold = {
      ...route,
      type: 'seat.tryHold',
      seatId: 'A1',
      replyTo: '',
      requestId: '3-7',
      requestedAt: 5,
    };
    expect(SeatActorCommandSchema.parse(tryHold).type).toBe('seat.tryHold');
    const update = {
      type: 'buyer.seatUpdate',
      commandId: '3-9-1',
      correlationId: 'k1',
      replyTo: '',
      showId: 'show-1',
      userId: 'ann',
      sentAt: 0,
      seatId: 'A1',
      version: 2,
      status: 'held',
      mine: true,
      holdId: '3-9-0',
      expiresAt: 10,
      answer: { requestId: '3-7', outcome: 'granted' },
    };
    const parsed = LogCommandSchema.parse(update);
    expect(commandKey(parsed)).toBe('show-1/~ann');
    expect(
      LogCommandSchema.safeParse({ ...update, answer: { requestId: '3-7', outcome: 'maybe' } })
        .success,
    ).toBe(false);
  });

  it('carry a buyer decision on seat-events', () => {
    const decided = {
      type: 'buyer.decided',
      eventId: '3-7-0',
      showId: 'show-1',
      userId: 'ann',
      operation: 'hold',
      requestId: '3-7',
      commandId: 'c1',
      correlationId: 'k1',
      replyTo: 'gw',
      occurredAt: 5,
      outcome: { ok: false, code: 'BUSY', seats: ['A1'], retryAfterMs: 250 },
    };
    expect(LogEventSchema.parse(decided).type).toBe('buyer.decided');
    expect(
      LogEventSchema.safeParse({ ...decided, outcome: { ok: true, seats: [{ seatId: 'A1' }] } })
        .success,
    ).toBe(false);
  });
});

describe('buyer refusal codes', () => {
  it('are business refusals with messages, and the group precedence is §4’s', () => {
    for (const code of [
      'LIMIT_REACHED',
      'EXTENSION_LIMIT',
      'REQUEST_EXPIRED',
      'BUSY',
      'CANCELLED',
    ] as const) {
      expect(REJECTION_REASONS).toContain(code);
      expect(BUSINESS_REFUSALS).toContain(code);
      expect(rejection(code).error.message.length).toBeGreaterThan(0);
    }
    expect(GROUP_REFUSAL_PRECEDENCE).toEqual([
      'UNKNOWN_SEAT',
      'LIMIT_REACHED',
      'HOLD_EXPIRED',
      'NOT_HOLDER',
      'CANCELLED',
      'SEAT_TAKEN',
      'REQUEST_EXPIRED',
    ]);
  });
});
