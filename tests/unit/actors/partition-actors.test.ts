/** The partition runtime: timers, activation and passivation, dirty tracking, snapshots. */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/actors/clock.ts';
import {
  PartitionActors,
  type PartitionActorsOptions,
} from '../../../src/actors/partition-actors.ts';
import { EMPTY_SEAT_MEMORY } from '../../../src/actors/seat-state.ts';
import { decodeSeat, encodeSeat } from '../../../src/actors/snapshot-codec.ts';
import type { SeatCommand } from '../../../src/contract/kafka-records.ts';
import {
  as,
  confirmation,
  expiry,
  holdRequest,
  plainSeat,
  release,
  SHOW,
  T0,
  TTL_MS,
} from './fixtures.ts';

function partition(options: PartitionActorsOptions = {}) {
  const clock = new ManualClock(T0);
  const actors = new PartitionActors({ clock, ...options });
  let offset = 0;
  /** Handles a command at the clock's time (log time = clock time unless told otherwise). */
  const handle = (command: SeatCommand, logTime = clock.now()) =>
    actors.handle(command, { partition: 7, offset: String(offset++), logTime }, SHOW);
  return { clock, actors, handle };
}

describe('hold timers', () => {
  it('hands out expiries in due order, with deterministic ids, and re-arms them for a retry', () => {
    const { clock, actors, handle } = partition({ expiryRetryMs: 30_000 });
    const a = as(handle(holdRequest({ userId: 'ann', seatId: 'A1' }))[0], 'seat.held');
    clock.advance(500);
    const b = as(handle(holdRequest({ userId: 'bob', seatId: 'B2' }))[0], 'seat.held');
    expect(actors.nextDeadline()).toBe(a.expiresAt);
    expect(actors.takeDue(a.expiresAt - 1)).toEqual([]);

    const due = actors.takeDue(b.expiresAt);
    expect(due).toEqual([
      {
        type: 'seat.holdExpiry',
        commandId: `exp-${a.holdId}`,
        correlationId: `exp-${a.holdId}`,
        replyTo: '',
        showId: SHOW.showId,
        seatId: 'A1',
        userId: 'ann',
        holdId: a.holdId,
        expiresAt: a.expiresAt,
        sentAt: b.expiresAt,
      },
      expect.objectContaining({ seatId: 'B2', holdId: b.holdId, userId: 'bob' }),
    ]);
    // Never consumed back: handed out again after the retry delay, not before.
    expect(actors.takeDue(b.expiresAt + 29_999)).toEqual([]);
    expect(actors.takeDue(b.expiresAt + 30_000).map((c) => c.holdId)).toEqual([a.holdId, b.holdId]);
  });

  it('cancels the deadline when the hold ends', () => {
    const { actors, handle } = partition();
    const held = as(handle(holdRequest({ userId: 'ann' }))[0], 'seat.held');
    handle(confirmation({ userId: 'ann', holdId: held.holdId }));
    expect(actors.stats().armedHolds).toBe(0);
    expect(actors.nextDeadline()).not.toBe(held.expiresAt);
    expect(actors.takeDue(held.expiresAt + TTL_MS)).toEqual([]);
  });

  it('releases on the expiry command and stops handing it out', () => {
    const { clock, actors, handle } = partition();
    const held = as(handle(holdRequest({ userId: 'ann' }))[0], 'seat.held');
    clock.set(held.expiresAt);
    const [command] = actors.takeDue();
    expect(command).toBeDefined();
    const released = as(handle(command as SeatCommand, held.expiresAt + 3)[0], 'seat.released');
    expect(released.cause).toBe('expired');
    expect(actors.stats().armedHolds).toBe(0);
    expect(handle(command as SeatCommand, held.expiresAt + 4)).toEqual([]);
  });

  it('re-arms an expiry that came early by log time, after how early it was', () => {
    const { clock, actors, handle } = partition({ earlyExpiryRetryMinMs: 100 });
    const held = as(handle(holdRequest({ userId: 'ann' }))[0], 'seat.held');
    clock.set(held.expiresAt);
    const [command] = actors.takeDue();
    // The broker's clock is 2 s behind: the command is stamped before the expiry.
    expect(handle(command as SeatCommand, held.expiresAt - 2_000)).toEqual([]);
    expect(actors.seat(SHOW.showId, 'A1').status).toBe('held');
    expect(actors.nextDeadline()).toBe(held.expiresAt + 2_000);
    expect(actors.takeDue(held.expiresAt + 1_999)).toEqual([]);
    expect(actors.takeDue(held.expiresAt + 2_000).map((c) => c.holdId)).toEqual([held.holdId]);
  });

  it('re-arms every hold deadline at once when a snapshot is loaded', () => {
    const source = partition();
    const holds = ['A1', 'A2', 'B1'].map((seatId, i) => {
      source.clock.advance(i * 100);
      return as(source.handle(holdRequest({ userId: `u${i}`, seatId }))[0], 'seat.held');
    });
    const reservedHold = as(
      source.handle(holdRequest({ userId: 'r', seatId: 'C1' }))[0],
      'seat.held',
    );
    source.handle(confirmation({ userId: 'r', seatId: 'C1', holdId: reservedHold.holdId }));

    const { actors } = partition();
    actors.loadSnapshot(source.actors.takeChanges());
    expect(actors.stats()).toMatchObject({ liveActors: 0, idleSeats: 4, armedHolds: 3 });
    const lastExpiry = holds[2]?.expiresAt ?? 0;
    expect(actors.takeDue(lastExpiry).map((c) => [c.seatId, c.holdId, c.userId])).toEqual(
      holds.map((h) => [h.seatId, h.holdId, h.userId]),
    );
    // Idle seats' expiries come from the heap without waking an actor.
    expect(actors.stats().liveActors).toBe(0);
  });
});

describe('activation and passivation', () => {
  it('folds an idle actor back to its compact form and wakes it with the same state', () => {
    const { clock, actors, handle } = partition({ passivateAfterMs: 1_000 });
    const held = as(handle(holdRequest({ userId: 'ann' }))[0], 'seat.held');
    const live = actors.seat(SHOW.showId, 'A1');
    expect(actors.stats()).toMatchObject({ liveActors: 1, idleSeats: 0 });

    clock.advance(999);
    actors.passivateIdle();
    expect(actors.liveActorCount).toBe(1);
    clock.advance(1);
    actors.passivateIdle();
    expect(actors.stats()).toMatchObject({ liveActors: 0, idleSeats: 1, armedHolds: 1 });
    expect(plainSeat(actors.seat(SHOW.showId, 'A1'))).toEqual(plainSeat(live));

    const reserved = handle(confirmation({ userId: 'ann', holdId: held.holdId }));
    expect(reserved.map((e) => e.type)).toEqual(['seat.reserved']);
    expect(actors.stats()).toMatchObject({ liveActors: 1, idleSeats: 0 });
  });

  it('keeps a used actor alive: its idle period starts at its last command', () => {
    const { clock, actors, handle } = partition({ passivateAfterMs: 1_000 });
    handle(holdRequest({ userId: 'ann' }));
    clock.advance(800);
    handle(holdRequest({ userId: 'bob' }));
    clock.advance(800);
    actors.passivateIdle();
    expect(actors.liveActorCount).toBe(1);
    clock.advance(200);
    actors.passivateIdle();
    expect(actors.liveActorCount).toBe(0);
  });

  it('stores nothing for a seat an expiry woke and left untouched', () => {
    const { clock, actors, handle } = partition({ passivateAfterMs: 10 });
    handle(expiry({ holdId: 'gone', userId: 'ann', expiresAt: T0 }));
    clock.advance(10);
    actors.passivateIdle();
    expect(actors.stats()).toMatchObject({ liveActors: 0, idleSeats: 0 });
  });

  it('does not wake an actor for an unknown seat', () => {
    const { actors, handle } = partition();
    const [rejected] = handle(holdRequest({ userId: 'ann', seatId: 'Z9' }));
    expect(rejected).toMatchObject({ type: 'seat.rejected', reason: 'UNKNOWN_SEAT' });
    expect(actors.stats()).toMatchObject({ liveActors: 0, idleSeats: 0 });
    expect(actors.takeChanges().size).toBe(0);
  });

  it('drops remembered decisions out of the dedupe window when it passivates', () => {
    const { clock, actors, handle } = partition({
      passivateAfterMs: 10,
      memory: { dedupeWindowMs: 60_000 },
    });
    handle(holdRequest({ userId: 'ann', seatId: 'A1' }));
    handle(holdRequest({ userId: 'bob', seatId: 'A2' }), T0 + 60_000);
    clock.advance(10);
    actors.passivateIdle();
    expect(actors.seat(SHOW.showId, 'A1').memory.decisions.length).toBe(0);
    expect(actors.seat(SHOW.showId, 'A2').memory.decisions.length).toBe(1);
  });
});

describe('dirty tracking', () => {
  it('gives the seats changed since the last call, in snapshot form, once', () => {
    const { actors, handle } = partition();
    const held = as(handle(holdRequest({ userId: 'ann', seatId: 'A1' }))[0], 'seat.held');
    handle(holdRequest({ userId: 'bob', seatId: 'A2' }));
    const first = actors.takeChanges();
    expect([...first.keys()]).toEqual(['show-1/A1', 'show-1/A2']);
    expect(plainSeat(decodeSeat(first.get('show-1/A1') ?? ''))).toEqual(
      plainSeat(actors.seat(SHOW.showId, 'A1')),
    );
    expect(actors.takeChanges().size).toBe(0);

    handle(release({ userId: 'ann', seatId: 'A1', holdId: held.holdId }));
    expect([...actors.takeChanges().keys()]).toEqual(['show-1/A1']);
  });

  it('counts a refusal as a change (the dedupe memory is in the snapshot) but not a repeat', () => {
    const { actors, handle } = partition();
    handle(holdRequest({ userId: 'ann' }));
    actors.takeChanges();
    const refused = holdRequest({ userId: 'bob', commandId: 'b1' });
    handle(refused);
    expect(actors.takeChanges().size).toBe(1);
    expect(handle({ ...refused, correlationId: 'again' })[0]?.type).toBe('seat.decisionRepeated');
    expect(actors.takeChanges().size).toBe(0);
  });

  it('reports a change made before passivation', () => {
    const { clock, actors, handle } = partition({ passivateAfterMs: 10 });
    handle(holdRequest({ userId: 'ann' }));
    clock.advance(10);
    actors.passivateIdle();
    const changes = actors.takeChanges();
    expect(decodeSeat(changes.get('show-1/A1') ?? '').status).toBe('held');
  });
});

describe('loadSnapshot', () => {
  it('keeps the seats in compact form until used, and decides on from them', () => {
    const source = partition();
    const held = as(source.handle(holdRequest({ userId: 'ann', commandId: 'k' }))[0], 'seat.held');
    const { actors, handle } = partition();
    actors.loadSnapshot(source.actors.takeChanges());
    expect(actors.stats()).toMatchObject({ liveActors: 0, idleSeats: 1 });
    const [repeated] = handle(holdRequest({ userId: 'ann', commandId: 'k' }));
    expect(repeated).toMatchObject({
      type: 'seat.decisionRepeated',
      decision: { holdId: held.holdId },
    });
    const [reserved] = handle(confirmation({ userId: 'ann', holdId: held.holdId }));
    expect(reserved?.type).toBe('seat.reserved');
  });

  it('refuses a record it cannot read', () => {
    const { actors } = partition();
    expect(() => actors.loadSnapshot([['show-1/A1', '{"f":1}']])).toThrow(/snapshot record/);
  });

  it('accepts a Map of records (what takeChanges returns)', () => {
    const { actors } = partition();
    const reserved = encodeSeat({
      status: 'reserved',
      version: 2,
      holdId: '0-1-0',
      userId: 'ann',
      reservedAt: T0,
      reservedEventId: '0-2-0',
      memory: EMPTY_SEAT_MEMORY,
    });
    actors.loadSnapshot(new Map([['show-1/B1', reserved]]));
    expect(actors.seat(SHOW.showId, 'B1').status).toBe('reserved');
  });
});
