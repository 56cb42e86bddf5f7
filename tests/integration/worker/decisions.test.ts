/**
 * The worker's decisions through the real topics: commands produced to `seat-commands`,
 * events read back from `seat-events`, snapshots in Redis.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SeatEvent, SeatHeld } from '../../../src/contract/kafka-records.ts';
import { seatIdsOf } from '../../../src/contract/seat-layout.ts';
import type { ShowDefinition } from '../../../src/contract/shows.ts';
import { waitFor } from '../../support/wait.ts';
import { uniqueById, WorkerTestbed } from '../../support/worker-testbed.ts';

let bed: WorkerTestbed;
let show: ShowDefinition;

beforeAll(async () => {
  bed = await WorkerTestbed.create({
    kafkaBrokers: inject('kafkaBrokers'),
    redisUrl: inject('redisUrl'),
  });
  show = await bed.createShow({ rows: 2, seatsPerRow: 10, holdTtlMs: 600_000 });
  await bed.startWorker();
});

afterAll(async () => {
  await bed?.close();
});

function only(events: SeatEvent[]): SeatEvent {
  expect(events).toHaveLength(1);
  return events[0] as SeatEvent;
}

async function holdSeat(seatId: string, userId: string): Promise<SeatHeld> {
  const event = only(await bed.decisionOf(await sent(bed.hold(show.showId, seatId, userId))));
  expect(event.type).toBe('seat.held');
  return event as SeatHeld;
}

async function sent<T extends Parameters<WorkerTestbed['send']>[0]>(command: T): Promise<T> {
  await bed.send(command);
  return command;
}

describe('decisions through Kafka', () => {
  it('grants a hold with its id, version and expiry from log time', async () => {
    const held = await holdSeat('A1', 'alice');
    expect(held).toMatchObject({ showId: show.showId, seatId: 'A1', userId: 'alice', version: 1 });
    expect(held.holdId).toBe(held.eventId);
    expect(held.expiresAt).toBe(held.occurredAt + show.holdTtlMs);
  });

  it("refuses a second user's hold with SEAT_TAKEN", async () => {
    await holdSeat('A2', 'alice');
    const refused = only(await bed.decisionOf(await sent(bed.hold(show.showId, 'A2', 'bob'))));
    expect(refused).toMatchObject({ type: 'seat.rejected', reason: 'SEAT_TAKEN' });
  });

  it('refuses a confirmation by another user with NOT_HOLDER, and lets the holder confirm', async () => {
    const held = await holdSeat('A3', 'alice');
    const byBob = only(
      await bed.decisionOf(await sent(bed.confirm(show.showId, 'A3', 'bob', held.holdId))),
    );
    expect(byBob).toMatchObject({ type: 'seat.rejected', reason: 'NOT_HOLDER' });
    const byAlice = only(
      await bed.decisionOf(await sent(bed.confirm(show.showId, 'A3', 'alice', held.holdId))),
    );
    expect(byAlice).toMatchObject({ type: 'seat.reserved', version: 2, holdId: held.holdId });
  });

  it('releases a hold: the seat is available to anyone again', async () => {
    const held = await holdSeat('A4', 'alice');
    const released = only(
      await bed.decisionOf(await sent(bed.release(show.showId, 'A4', 'alice', held.holdId))),
    );
    expect(released).toMatchObject({ type: 'seat.released', cause: 'released', version: 2 });
    const again = await holdSeat('A4', 'bob');
    expect(again.version).toBe(3);
  });

  it('answers a repeated commandId with the original decision and changes nothing', async () => {
    const first = bed.hold(show.showId, 'A5', 'alice', 'cmd-repeat-1');
    const original = only(await bed.decisionOf(await sent(first)));
    const repeat = bed.hold(show.showId, 'A5', 'alice', 'cmd-repeat-1');
    const answer = only(await bed.decisionOf(await sent(repeat)));
    expect(answer.type).toBe('seat.decisionRepeated');
    if (answer.type !== 'seat.decisionRepeated') return;
    expect(answer.correlationId).toBe(repeat.correlationId);
    expect(answer.decision).toMatchObject({
      outcome: 'held',
      eventId: original.eventId,
      version: 1,
    });
    // No second state change: the only state change of A5 is the first hold.
    await bed.decisionOf(await sent(bed.hold(show.showId, 'A5', 'bob')));
    const changes = uniqueById(bed.events).filter(
      (e) =>
        e.seatId === 'A5' &&
        e.showId === show.showId &&
        ['seat.held', 'seat.reserved', 'seat.released'].includes(e.type),
    );
    expect(changes.map((e) => e.version)).toEqual([1]);
  });

  it('refuses an unknown seat with UNKNOWN_SEAT and an unknown show with UNKNOWN_SHOW', async () => {
    const seat = only(await bed.decisionOf(await sent(bed.hold(show.showId, 'Z99', 'alice'))));
    expect(seat).toMatchObject({ type: 'seat.rejected', reason: 'UNKNOWN_SEAT' });
    const unknownShow = only(
      await bed.decisionOf(await sent(bed.hold('no-such-show', 'A1', 'alice'))),
    );
    expect(unknownShow).toMatchObject({ type: 'seat.rejected', reason: 'UNKNOWN_SHOW' });
  });

  it('knows a show created after the worker started', async () => {
    const later = await bed.createShow({ rows: 1, seatsPerRow: 2 });
    const held = only(await bed.decisionOf(await sent(bed.hold(later.showId, 'A2', 'carol'))));
    expect(held.type).toBe('seat.held');
  });

  it('sends a poison record to the DLQ with the reason, and decides the next command', async () => {
    await bed.sendRaw(`${show.showId}/B1`, '{not json', { type: 'seat.holdRequest' });
    await bed.sendRaw(
      `${show.showId}/B1`,
      JSON.stringify({ type: 'seat.holdRequest', showId: show.showId }),
      {
        type: 'seat.holdRequest',
      },
    );
    const held = await holdSeat('B1', 'dave');
    expect(held.type).toBe('seat.held');
    await waitFor(() => bed.deadLetters.length >= 2, { what: 'two dead letters' });
    const reasons = bed.deadLetters.map((m) => m.headers?.['dlq.reason']?.toString() ?? '');
    expect(reasons[0]).toMatch(/not JSON/);
    expect(reasons[1]).toMatch(/schema/);
    expect(bed.deadLetters[0]?.value?.toString()).toBe('{not json');
  });
});

describe('log time', () => {
  it('refuses a confirmation logged after the TTL with HOLD_EXPIRED, even before any expiry ran', async () => {
    const shortBed = await WorkerTestbed.create({
      kafkaBrokers: inject('kafkaBrokers'),
      redisUrl: inject('redisUrl'),
    });
    try {
      const short = await shortBed.createShow({ holdTtlMs: 1000 });
      // No worker yet: both commands wait in the log, 1.2 s apart by log time. The holdId is
      // deterministic (the id of the seat.held event: partition-offset-index of the hold).
      const hold = shortBed.hold(short.showId, 'A1', 'alice');
      const position = await shortBed.send(hold);
      const holdId = `${position.partition}-${position.offset}-0`;
      await new Promise((resolve) => setTimeout(resolve, 1200));
      const confirm = shortBed.confirm(short.showId, 'A1', 'alice', holdId);
      await shortBed.send(confirm);
      await shortBed.startWorker();
      expect(only(await shortBed.decisionOf(hold))).toMatchObject({ type: 'seat.held', holdId });
      const answer = only(await shortBed.decisionOf(confirm));
      expect(answer).toMatchObject({ type: 'seat.rejected', reason: 'HOLD_EXPIRED' });
    } finally {
      await shortBed.close();
    }
  });

  it('expires an untouched hold with no further command', async () => {
    const short = await bed.createShow({ holdTtlMs: 1000 });
    const hold = bed.hold(short.showId, 'A1', 'erin');
    const held = only(await bed.decisionOf(await sent(hold))) as SeatHeld;
    await waitFor(
      () => bed.events.some((e) => e.type === 'seat.released' && e.holdId === held.holdId),
      { what: 'the hold to expire', timeoutMs: 20_000 },
    );
    const released = bed.events.find((e) => e.type === 'seat.released' && e.holdId === held.holdId);
    expect(released).toMatchObject({ cause: 'expired', version: 2, userId: 'erin' });
    expect(released?.occurredAt).toBeGreaterThanOrEqual(held.expiresAt);
  });
});

describe('large batches', () => {
  it('decides a backlog whose events outgrow one produce request (regression: MESSAGE_TOO_LARGE)', async () => {
    const big = await WorkerTestbed.create({
      kafkaBrokers: inject('kafkaBrokers'),
      redisUrl: inject('redisUrl'),
      partitions: 1,
    });
    try {
      // 2,600 holds wait in one partition: one fetch of them is ~1 MiB of commands, and
      // their events are larger still, past the broker's limit for one request.
      const wide = await big.createShow({ rows: 26, seatsPerRow: 100 });
      const holds = seatIdsOf(wide).map((seatId) =>
        big.hold(wide.showId, seatId, `user-${seatId}`),
      );
      await big.sendMany(holds);
      await big.startWorker();
      await waitFor(() => holds.every((hold) => big.answersTo(hold).length > 0), {
        what: 'the whole backlog decided',
        timeoutMs: 120_000,
      });
      expect(uniqueById(big.events).filter((e) => e.type === 'seat.held')).toHaveLength(
        holds.length,
      );
      expect(big.deadLetters).toHaveLength(0);
    } finally {
      await big.close();
    }
  });
});
