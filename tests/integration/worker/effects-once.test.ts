/**
 * Effects produced once (docs/design.md §3.16), against the real broker and Redis: a replay
 * re-decides what the log already answered but produces none of it again.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { seatKey } from '../../../src/contract/ids.ts';
import type { SeatCommand, SeatHeld } from '../../../src/contract/kafka-records.ts';
import { partitionOfKey } from '../../../src/kafka/partitioning.ts';
import type { RecordSink } from '../../../src/worker/host-ports.ts';
import { waitFor } from '../../support/wait.ts';
import { uniqueById, WorkerTestbed } from '../../support/worker-testbed.ts';

const PARTITIONS = 3;
let bed: WorkerTestbed | undefined;

afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

async function testbed(): Promise<WorkerTestbed> {
  bed = await WorkerTestbed.create({
    kafkaBrokers: inject('kafkaBrokers'),
    redisUrl: inject('redisUrl'),
    partitions: PARTITIONS,
  });
  return bed;
}

/** Records on `seat-events`, all partitions together. */
async function eventRecords(b: WorkerTestbed): Promise<number> {
  const admin = b.kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(b.topics.events);
    return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  } finally {
    await admin.disconnect();
  }
}

/** One seat of the show per partition of `seat-commands`, from `candidates`. */
function seatPerPartition(showId: string, candidates: readonly string[]): string[] {
  const byPartition = new Map<number, string>();
  for (const seat of candidates) {
    const partition = partitionOfKey(seatKey(showId, seat), PARTITIONS);
    if (!byPartition.has(partition)) byPartition.set(partition, seat);
  }
  expect(byPartition.size).toBe(PARTITIONS);
  return [...byPartition.values()];
}

function expectEachIdOnce(b: WorkerTestbed): void {
  const ids = b.events.map((e) => e.eventId);
  expect(ids.length, 'records on seat-events').toBe(new Set(ids).size);
}

describe('effects produced once', () => {
  it('replays a partition after Redis lost its snapshots without producing any event again', async () => {
    const b = await testbed();
    const show = await b.createShow({ rows: 3, seatsPerRow: 10 });
    const worker = await b.startWorker();
    const seats = Array.from({ length: 20 }, (_, i) => `${'AB'[i % 2]}${Math.floor(i / 2) + 1}`);
    const holds = seats.map((seat, i) => b.hold(show.showId, seat, `user-${i}`));
    const rivals = seats.map((seat) => b.hold(show.showId, seat, 'rival'));
    await b.sendMany([...holds, ...rivals]);
    const held = new Map<string, SeatHeld>();
    for (const hold of holds) held.set(hold.seatId, (await b.decisionOf(hold))[0] as SeatHeld);
    for (const rival of rivals) await b.decisionOf(rival);
    const before = await eventRecords(b);
    expect(before).toBe(holds.length + rivals.length);

    // Redis loses every snapshot: the next write is refused, and every partition is
    // claimed again and replayed from the start of its log.
    const keys = await b.redis.keys(`*${b.redisPrefix}*`);
    await b.redis.del(...keys);
    const confirm = b.confirm(show.showId, 'A1', 'user-0', held.get('A1')?.holdId as string);
    await b.send(confirm);
    expect((await b.decisionOf(confirm))[0]).toMatchObject({ type: 'seat.reserved', version: 2 });
    await waitFor(async () => (await worker.metrics.fencedWrites.get()).values[0]?.value === 1, {
      what: 'the refused snapshot write',
    });

    // One command per partition, decided after its partition's replay: a taken seat is
    // still taken, a free one is granted at version 1.
    const probes: SeatCommand[] = seatPerPartition(show.showId, seats).map((seat) =>
      b.hold(show.showId, seat, 'late'),
    );
    const free = b.hold(show.showId, 'C1', 'newcomer');
    await b.sendMany([...probes, free]);
    for (const probe of probes)
      expect((await b.decisionOf(probe))[0]).toMatchObject({ reason: 'SEAT_TAKEN' });
    expect((await b.decisionOf(free))[0]).toMatchObject({ type: 'seat.held', version: 1 });

    // Each partition's replay is on the log before the probe decided after it: the count
    // is final. Only the new commands' answers were appended; no reply was sent twice.
    const appended = (await eventRecords(b)) - before;
    expect(appended, 'records appended to seat-events by the replay and the new commands').toBe(
      1 + probes.length + 1,
    );
    expectEachIdOnce(b);
    const skipped = await worker.metrics.eventsAlreadyInLog.get();
    expect(skipped.values[0]?.value).toBeGreaterThanOrEqual(before);
  });

  it('produces exactly the rest of a batch whose produce failed half-way', async () => {
    const b = await testbed();
    const show = await b.createShow({ rows: 3, seatsPerRow: 10 });
    // The first send carrying more than one event appends its first half, then fails (as a
    // request split in parts can: its first part acknowledged, the second never).
    let failed = false;
    const halfFailing = (sink: RecordSink): RecordSink => ({
      async send(records) {
        const events = records.find((r) => r.topic === b.topics.events);
        if (failed || !events || events.messages.length < 2) return sink.send(records);
        failed = true;
        const half = events.messages.slice(0, Math.floor(events.messages.length / 2));
        await sink.send([{ topic: events.topic, messages: half }]);
        throw new Error('the second part of the request failed');
      },
    });
    const worker = await b.startWorker({}, { wrapSink: halfFailing });
    const seats = ['A1', 'A2', 'A3', 'A4', 'A5', 'A6'];
    // Twelve commands in one request over three partitions: some partition's fetched batch
    // carries several, so some host's send carries several events.
    const holds = [...seats, ...seats].map((seat, i) => b.hold(show.showId, seat, `u${i}`));
    await b.sendMany(holds);
    for (const hold of holds) await b.decisionOf(hold);
    expect(failed).toBe(true);
    await waitFor(async () => (await worker.metrics.eventsAlreadyInLog.get()).values.length > 0, {
      what: 'the reload to skip the events already produced',
    });
    expect(await eventRecords(b)).toBe(holds.length);
    expectEachIdOnce(b);
    expect(uniqueById(b.events)).toHaveLength(holds.length);
  });
});
