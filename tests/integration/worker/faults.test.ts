/**
 * Faults against the real broker and Redis: a worker killed mid-stream, Redis emptied, an old
 * snapshot, a handover between workers and a zombie whose claim was taken.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { SeatCommand, SeatEvent, SeatHeld } from '../../../src/contract/kafka-records.ts';
import { RedisSnapshotStore } from '../../../src/state/snapshot-store.ts';
import { waitFor } from '../../support/wait.ts';
import { uniqueById, WorkerTestbed } from '../../support/worker-testbed.ts';

let bed: WorkerTestbed | undefined;

async function testbed(partitions = 3): Promise<WorkerTestbed> {
  bed = await WorkerTestbed.create({
    kafkaBrokers: inject('kafkaBrokers'),
    redisUrl: inject('redisUrl'),
    partitions,
  });
  return bed;
}

afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

const STATE_CHANGES = new Set(['seat.held', 'seat.reserved', 'seat.released']);

/** Per seat, the versions of its distinct state changes, in version order. */
function versionsBySeat(events: SeatEvent[]): Map<string, number[]> {
  const bySeat = new Map<string, number[]>();
  for (const event of uniqueById(events)) {
    if (!STATE_CHANGES.has(event.type)) continue;
    const list = bySeat.get(event.seatId) ?? [];
    list.push(event.version);
    bySeat.set(event.seatId, list);
  }
  for (const list of bySeat.values()) list.sort((a, b) => a - b);
  return bySeat;
}

function expectOneDecisionEach(b: WorkerTestbed, commands: SeatCommand[]): void {
  for (const command of commands) {
    expect(
      uniqueById(b.answersTo(command)),
      `${command.type} ${command.seatId} ${command.userId}`,
    ).toHaveLength(1);
  }
}

describe('worker faults', () => {
  it('loses and doubles no decision when a worker is SIGKILLed mid-stream, and pending holds still expire', async () => {
    const b = await testbed();
    const show = await b.createShow({ rows: 1, seatsPerRow: 20, holdTtlMs: 120_000 });
    const shortShow = await b.createShow({ rows: 1, seatsPerRow: 10, holdTtlMs: 2000 });
    const first = b.spawnWorker();
    const seats = Array.from({ length: 20 }, (_, i) => `A${i + 1}`);
    const holds = seats.map((seat, i) => b.hold(show.showId, seat, `user-${i}`));
    const holdIds = new Map<string, string>();
    for (const hold of holds) {
      const at = await b.send(hold);
      holdIds.set(hold.seatId, `${at.partition}-${at.offset}-0`);
    }
    const pending = seats
      .slice(0, 10)
      .map((seat) => b.hold(shortShow.showId, seat, 'nobody-confirms'));
    await b.sendMany(pending);
    const rivals = seats.map((seat) => b.hold(show.showId, seat, 'rival'));
    await b.sendMany(rivals);
    await waitFor(() => b.events.length >= 10, {
      what: 'the first worker to decide some commands',
    });
    first.kill('SIGKILL');
    const confirms = seats
      .slice(0, 10)
      .map((seat, i) => b.confirm(show.showId, seat, `user-${i}`, holdIds.get(seat) as string));
    await b.sendMany(confirms);
    b.spawnWorker();

    const all = [...holds, ...pending, ...rivals, ...confirms];
    await waitFor(() => all.every((c) => b.answersTo(c).length > 0), {
      what: 'every command decided',
      timeoutMs: 60_000,
    });
    expectOneDecisionEach(b, all);
    for (const rival of rivals)
      expect(b.answersTo(rival)[0]).toMatchObject({ reason: 'SEAT_TAKEN' });
    for (const confirm of confirms) expect(b.answersTo(confirm)[0]?.type).toBe('seat.reserved');

    const expired = () =>
      uniqueById(b.events).filter(
        (e) => e.showId === shortShow.showId && e.type === 'seat.released',
      );
    await waitFor(() => expired().length >= 10, {
      what: 'the unconfirmed holds to expire',
      timeoutMs: 60_000,
    });
    expect(expired().every((e) => e.type === 'seat.released' && e.cause === 'expired')).toBe(true);
    const versions = versionsBySeat(b.events.filter((e) => e.showId === show.showId));
    for (const seat of seats.slice(0, 10)) expect(versions.get(seat)).toEqual([1, 2]);
    for (const seat of seats.slice(10)) expect(versions.get(seat)).toEqual([1]);
    const shortVersions = versionsBySeat(b.events.filter((e) => e.showId === shortShow.showId));
    for (const seat of seats.slice(0, 10)) expect(shortVersions.get(seat)).toEqual([1, 2]);
  });

  it('rebuilds by replay after Redis is emptied and decides exactly as before', async () => {
    const b = await testbed();
    const show = await b.createShow();
    const worker = await b.startWorker();
    const hold = b.hold(show.showId, 'A1', 'alice');
    const held = (await b.decisionOf(await b.send(hold).then(() => hold)))[0] as SeatHeld;

    const keys = await b.redis.keys(`*${b.redisPrefix}*`);
    expect(keys.length).toBeGreaterThan(0);
    await b.redis.del(...keys);

    const rival = b.hold(show.showId, 'A1', 'bob');
    await b.send(rival);
    const [answer] = await b.decisionOf(rival);
    expect(answer).toMatchObject({ type: 'seat.rejected', reason: 'SEAT_TAKEN' });
    await waitFor(async () => (await worker.metrics.fencedWrites.get()).values[0]?.value === 1, {
      what: 'the refused write to be counted',
    });
    const confirm = b.confirm(show.showId, 'A1', 'alice', held.holdId);
    await b.send(confirm);
    expect((await b.decisionOf(confirm))[0]).toMatchObject({ type: 'seat.reserved', version: 2 });
    expectOneDecisionEach(b, [hold, rival, confirm]);
  });

  it('replays from a snapshot older than the committed offset instead of skipping to it', async () => {
    const b = await testbed(1);
    const show = await b.createShow();
    const worker = await b.startWorker();
    const holdA1 = b.hold(show.showId, 'A1', 'alice');
    const held = (await b.decisionOf(await b.send(holdA1).then(() => holdA1)))[0] as SeatHeld;
    const store = new RedisSnapshotStore(b.redis, b.redisPrefix, b.topics.commands);
    const { meta, seats } = store.keys(0);
    const oldMeta = await b.redis.dumpBuffer(meta);
    const oldSeats = await b.redis.dumpBuffer(seats);
    expect(oldMeta).not.toBeNull();

    const holdA2 = b.hold(show.showId, 'A2', 'bob');
    await b.send(holdA2);
    const confirmA1 = b.confirm(show.showId, 'A1', 'alice', held.holdId);
    await b.send(confirmA1);
    const [bobHeld] = await b.decisionOf(holdA2);
    await b.decisionOf(confirmA1);
    await b.stopWorker(worker); // commits the offset past all three commands

    await b.redis.restore(meta, 0, oldMeta as Buffer, 'REPLACE');
    await b.redis.restore(seats, 0, oldSeats as Buffer, 'REPLACE');
    await b.startWorker();

    // The replay decides the two later commands again, from the state before them, but
    // produces neither answer again: both are on seat-events already (§3.16).
    const late = b.hold(show.showId, 'A1', 'carol');
    await b.send(late);
    expect((await b.decisionOf(late))[0]).toMatchObject({ reason: 'SEAT_TAKEN' });
    expect(b.answersTo(holdA2)).toEqual([bobHeld]);
    expect(b.answersTo(confirmA1)).toHaveLength(1);
    expectOneDecisionEach(b, [holdA1, holdA2, confirmA1]);
  });

  it('hands partitions with their state to the other worker when one stops', async () => {
    const b = await testbed(3);
    const show = await b.createShow({ rows: 2, seatsPerRow: 10 });
    const w1 = await b.startWorker();
    const w2 = await b.startWorker();
    await waitFor(
      () =>
        w1.ownedPartitions().length + w2.ownedPartitions().length === 3 &&
        w2.ownedPartitions().length > 0,
      {
        what: 'both workers to own partitions',
      },
    );
    const seats = ['A1', 'A2', 'A3', 'A4', 'A5', 'B1', 'B2', 'B3'];
    const holds = seats.map((seat) => b.hold(show.showId, seat, 'alice'));
    for (const hold of holds) await b.send(hold);
    for (const hold of holds) await b.decisionOf(hold);

    await b.stopWorker(w1);
    await waitFor(() => w2.ownedPartitions().length === 3, {
      what: 'the second worker to own every partition',
    });
    const rivals = seats.map((seat) => b.hold(show.showId, seat, 'bob'));
    for (const rival of rivals) await b.send(rival);
    for (const rival of rivals)
      expect((await b.decisionOf(rival))[0]).toMatchObject({ reason: 'SEAT_TAKEN' });
    expectOneDecisionEach(b, [...holds, ...rivals]);
  });

  it("refuses a zombie's write after another owner claimed the partition, and the zombie stops deciding", async () => {
    const b = await testbed(1);
    const show = await b.createShow();
    const zombie = await b.startWorker();
    const hold = b.hold(show.showId, 'A1', 'alice');
    await b.send(hold);
    await b.decisionOf(hold);

    // Another owner claims partition 0 (as a new assignment would) while the zombie runs:
    // of the zombie's own generation, or the store would refuse it as superseded.
    const store = new RedisSnapshotStore(b.redis, b.redisPrefix, b.topics.commands);
    const intruder = `intruder-${randomUUID()}`;
    const [fingerprint, generation] = await b.redis.hmget(store.keys(0).meta, 'log', 'generation');
    await store.claimAndLoad(0, {
      token: intruder,
      generation: Number(generation),
      logEndOffset: 1_000_000n,
      fingerprint: fingerprint ?? '',
    });
    const next = b.hold(show.showId, 'A2', 'bob');
    await b.send(next);
    await waitFor(
      async () => ((await zombie.metrics.fencedWrites.get()).values[0]?.value ?? 0) >= 1,
      {
        what: "the zombie's refused write",
      },
    );
    // It stopped deciding, rejoined and claimed afresh: the intruder's token is now stale.
    await waitFor(() => zombie.lifecycle() === 'RUNNING' && zombie.ownedPartitions().length === 1, {
      what: 'the worker to rejoin and reclaim',
    });
    expect(await store.write(0, intruder, 999_999n, new Map())).toBe('FENCED');
    const after = b.hold(show.showId, 'A3', 'carol');
    await b.send(after);
    expect((await b.decisionOf(after))[0]?.type).toBe('seat.held');
    expectOneDecisionEach(b, [hold, next, after]);
  });
});
