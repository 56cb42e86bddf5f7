import { describe, expect, it } from 'vitest';
import type { SeatEvent } from '../../../src/contract/kafka-records.ts';
import { ackFor } from '../../../src/gateway/decisions.ts';

const base = {
  eventId: '0-1-0',
  showId: 'gala',
  seatId: 'A1',
  version: 3,
  userId: 'alice',
  causationId: 'c1',
  commandId: 'c1',
  correlationId: 'k1',
  replyTo: 'gw-1',
  occurredAt: 1000,
};
const held: SeatEvent = { ...base, type: 'seat.held', holdId: '0-1-0', expiresAt: 61_000 };
const reserved: SeatEvent = { ...base, type: 'seat.reserved', holdId: '0-1-0' };
const released: SeatEvent = { ...base, type: 'seat.released', holdId: '0-1-0', cause: 'released' };
const expired: SeatEvent = { ...base, type: 'seat.released', holdId: '0-1-0', cause: 'expired' };
const rejected: SeatEvent = { ...base, type: 'seat.rejected', reason: 'SEAT_TAKEN' };

describe('ackFor', () => {
  it('answers a commandId reused for another operation INVALID_PAYLOAD, not nothing', () => {
    const reused: SeatEvent = {
      ...base,
      type: 'seat.rejected',
      reason: 'INVALID_PAYLOAD',
      holdId: '0-1-0',
    };
    expect(ackFor('seat.confirmationRequest', reused)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PAYLOAD', message: expect.stringContaining('commandId') },
    });
  });

  it('answers a hold with the held seat, holdId and expiry', () => {
    expect(ackFor('seat.holdRequest', held)).toEqual({
      ok: true,
      seat: { showId: 'gala', seatId: 'A1', status: 'held', version: 3, expiresAt: 61_000 },
      holdId: '0-1-0',
      expiresAt: 61_000,
    });
  });

  it('answers confirm and release with the seat view', () => {
    expect(ackFor('seat.confirmationRequest', reserved)).toEqual({
      ok: true,
      seat: { showId: 'gala', seatId: 'A1', status: 'reserved', version: 3 },
    });
    expect(ackFor('seat.releaseRequest', released)).toEqual({
      ok: true,
      seat: { showId: 'gala', seatId: 'A1', status: 'available', version: 3 },
    });
  });

  it('does not answer a hold with the expiry its decision released first', () => {
    expect(ackFor('seat.holdRequest', expired)).toBeUndefined();
    expect(ackFor('seat.releaseRequest', expired)).toBeUndefined();
  });

  it('answers any command with a rejection code', () => {
    expect(ackFor('seat.holdRequest', rejected)).toMatchObject({
      ok: false,
      error: { code: 'SEAT_TAKEN' },
    });
  });

  it('answers a repeat exactly as the original decision', () => {
    const repeat = (decision: Extract<SeatEvent, { type: 'seat.decisionRepeated' }>['decision']) =>
      ({ ...base, type: 'seat.decisionRepeated', decision }) as SeatEvent;
    expect(
      ackFor(
        'seat.holdRequest',
        repeat({
          outcome: 'held',
          eventId: '0-1-0',
          version: 3,
          holdId: '0-1-0',
          expiresAt: 61_000,
        }),
      ),
    ).toEqual(ackFor('seat.holdRequest', held));
    expect(
      ackFor(
        'seat.confirmationRequest',
        repeat({ outcome: 'reserved', eventId: '0-2-0', version: 3, holdId: '0-1-0' }),
      ),
    ).toEqual(ackFor('seat.confirmationRequest', reserved));
    expect(
      ackFor(
        'seat.holdRequest',
        repeat({ outcome: 'rejected', eventId: '0-3-0', version: 3, reason: 'NOT_HOLDER' }),
      ),
    ).toMatchObject({ ok: false, error: { code: 'NOT_HOLDER' } });
    expect(
      ackFor(
        'seat.releaseRequest',
        repeat({
          outcome: 'released',
          eventId: '0-3-0',
          version: 3,
          holdId: 'h',
          cause: 'expired',
        }),
      ),
    ).toMatchObject({ ok: false, error: { code: 'HOLD_EXPIRED' } });
  });
});
