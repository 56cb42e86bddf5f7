/** A buyer's bounded memories (docs/design.md §3.17) and its snapshot records in a partition. */
import { describe, expect, it } from 'vitest';
import { type BuyerContext, decideBuyer } from '../../../src/actors/buyer-decide.ts';
import { pruneBuyer } from '../../../src/actors/buyer-memory.ts';
import {
  type BuyerState,
  buyerLimits,
  DEFAULT_BUYER_LIMITS,
  INITIAL_BUYER_STATE,
} from '../../../src/actors/buyer-state.ts';
import { PartitionActorSystem } from '../../../src/actors/partition-system.ts';
import type { BuyerSeatUpdate } from '../../../src/contract/buyer-records.ts';
import { buyerKey } from '../../../src/contract/ids.ts';
import { groupHold } from './buyer-fixtures.ts';
import { SHOW, T0 } from './fixtures.ts';
import { LogHarness } from './log-harness.ts';

const WINDOW = 60_000;

function context(offset: number, logTime = T0 + offset): BuyerContext {
  return {
    logTime,
    show: SHOW,
    eventIdBase: `0-${offset}`,
    limits: { ...DEFAULT_BUYER_LIMITS, dedupeWindowMs: WINDOW },
  };
}

function notice(seatId: string, version: number, mine: boolean): BuyerSeatUpdate {
  return {
    type: 'buyer.seatUpdate',
    commandId: `n-${seatId}-${version}`,
    correlationId: 'c',
    replyTo: '',
    showId: SHOW.showId,
    userId: 'ann',
    sentAt: 0,
    seatId,
    version,
    status: mine ? 'reserved' : 'available',
    mine,
  };
}

describe('the closed operations memory', () => {
  it('keeps the newest 16; a repeat of a forgotten one is decided afresh', () => {
    const log = new LogHarness(SHOW, { buyers: { maxClosedOperations: 16 } });
    for (let i = 0; i < 17; i++) {
      log.send(groupHold({ userId: 'ann', seatIds: ['A1'], commandId: `g${i}` }));
      log.drain();
    }
    expect(log.system.buyer(SHOW.showId, 'ann').closed.map((op) => op.commandId)).toEqual(
      Array.from({ length: 16 }, (_, i) => `g${i + 1}`),
    );
    const remembered = log.send(groupHold({ userId: 'ann', seatIds: ['A1'], commandId: 'g16' }));
    expect(remembered.events[0]).toMatchObject({ repeated: true });
    const forgotten = log.send(groupHold({ userId: 'ann', seatIds: ['A1'], commandId: 'g0' }));
    expect(forgotten.commands.map((command) => command.type)).toEqual(['seat.tryHold']);
  });

  it('forgets an operation a dedupe window after its request', () => {
    const log = new LogHarness(SHOW, { memory: { dedupeWindowMs: WINDOW } });
    log.send(groupHold({ userId: 'ann', seatIds: ['A1'], commandId: 'g1' }));
    log.drain();
    log.logTime += WINDOW;
    const again = log.send(groupHold({ userId: 'ann', seatIds: ['A1'], commandId: 'g1' }));
    expect(again.commands).toHaveLength(1);
    expect(log.system.buyer(SHOW.showId, 'ann').closed).toEqual([]);
  });
});

describe('the seat views', () => {
  it('keep every seat that counts, and at most 32 others', () => {
    let state: BuyerState = INITIAL_BUYER_STATE;
    for (let i = 1; i <= 40; i++)
      state = decideBuyer(state, notice(`A${i}`, 1, false), context(i)).state;
    state = decideBuyer(state, notice('B1', 1, true), context(41)).state;
    state = pruneBuyer(state, T0 + 42, context(42).limits);
    const kept = Object.keys(state.seats);
    expect(kept).toContain('B1');
    expect(kept.filter((seatId) => seatId !== 'B1')).toEqual(
      Array.from({ length: 32 }, (_, i) => `A${i + 9}`),
    );
    const later = pruneBuyer(state, T0 + 41 + WINDOW, context(0).limits);
    expect(Object.keys(later.seats)).toEqual(['B1']);
  });

  it('limits are counts', () => {
    expect(() => buyerLimits({ maxClosedOperations: -1 })).toThrow(RangeError);
    expect(buyerLimits({}).maxForgottenSeats).toBe(32);
  });
});

describe('buyer records in a partition snapshot', () => {
  it('are written under the buyer key and loaded back', () => {
    const log = new LogHarness(SHOW);
    log.send(groupHold({ userId: 'ann', seatIds: ['A1', 'A2'], commandId: 'g1' }));
    log.deliver(); // one seat asked: the operation is open
    const changes = log.system.takeChanges();
    const key = buyerKey(SHOW.showId, 'ann');
    expect(changes.has(key)).toBe(true);
    expect(changes.has(`${SHOW.showId}/A1`)).toBe(true);
    const reloaded = new PartitionActorSystem();
    reloaded.loadSnapshot(changes);
    expect(reloaded.buyer(SHOW.showId, 'ann')).toEqual(log.system.buyer(SHOW.showId, 'ann'));
    expect(reloaded.seat(SHOW.showId, 'A1')).toEqual(log.system.seat(SHOW.showId, 'A1'));
    expect(log.system.takeChanges().size).toBe(0);
  });
});
