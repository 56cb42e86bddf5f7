import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SeatEvent } from '../../../src/contract/kafka-records.ts';
import type { Decided } from '../../../src/gateway/decisions.ts';
import { PendingAcks } from '../../../src/gateway/pending-acks.ts';

const held: SeatEvent = {
  eventId: '0-1-0',
  showId: 'gala',
  seatId: 'A1',
  version: 1,
  userId: 'alice',
  causationId: 'c1',
  commandId: 'c1',
  correlationId: 'k1',
  replyTo: 'gw-1',
  occurredAt: 1000,
  type: 'seat.held',
  holdId: '0-1-0',
  expiresAt: 61_000,
};

describe('PendingAcks', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('resolves a wait once, with its decision', () => {
    const pending = new PendingAcks(10_000);
    const answers: Decided[] = [];
    pending.add('k1', 'seat.holdRequest', (ack) => answers.push(ack));
    expect(pending.resolve(held)).toBe(true);
    expect(pending.resolve(held)).toBe(false);
    vi.advanceTimersByTime(20_000);
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({ ok: true, holdId: '0-1-0' });
    expect(pending.size).toBe(0);
  });

  it('answers TIMEOUT at the deadline and ignores a late decision', () => {
    const pending = new PendingAcks(10_000);
    const answers: Decided[] = [];
    pending.add('k1', 'seat.holdRequest', (ack) => answers.push(ack));
    vi.advanceTimersByTime(9_999);
    expect(answers).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(answers).toEqual([
      { ok: false, error: { code: 'TIMEOUT', message: expect.any(String) } },
    ]);
    expect(pending.resolve(held)).toBe(false);
  });

  it('ignores events of other correlation ids and events that do not decide the command', () => {
    const pending = new PendingAcks(10_000);
    const answers: Decided[] = [];
    pending.add('k1', 'seat.confirmationRequest', (ack) => answers.push(ack));
    expect(pending.resolve({ ...held, correlationId: 'other' })).toBe(false);
    expect(pending.resolve(held)).toBe(false);
    expect(answers).toHaveLength(0);
  });
});
