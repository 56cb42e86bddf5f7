/**
 * A snapshot the codec cannot read (a rollback across a format change) against a real
 * worker, Kafka and Redis: the worker drops it and replays the partition from the start of
 * the log, instead of failing every load and rejoining for ever.
 */
import { afterEach, expect, inject, it } from 'vitest';
import { SNAPSHOT_FORMAT } from '../../../src/actors/snapshot-codec.ts';
import { RedisSnapshotStore } from '../../../src/state/snapshot-store.ts';
import { waitFor } from '../../support/wait.ts';
import { WorkerTestbed } from '../../support/worker-testbed.ts';

let bed: WorkerTestbed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

it('discards an unreadable snapshot, replays from the log start and decides again', async () => {
  const b = await WorkerTestbed.create({
    kafkaBrokers: inject('kafkaBrokers'),
    redisUrl: inject('redisUrl'),
    partitions: 1,
  });
  bed = b;
  const show = await b.createShow();
  const first = await b.startWorker();
  const alice = b.hold(show.showId, 'A1', 'alice');
  await b.send(alice);
  expect((await b.decisionOf(alice))[0]?.type).toBe('seat.held');
  await b.stopWorker(first);

  // The snapshot as a newer release would have written it: a format this code cannot read.
  const store = new RedisSnapshotStore(b.redis, b.redisPrefix, b.topics.commands);
  const seatsKey = store.keys(0).seats;
  const records = await b.redis.hgetall(seatsKey);
  const seatKey = Object.keys(records).find((key) => key.endsWith('/A1')) as string;
  expect(seatKey).toBeDefined();
  await b.redis.hset(seatsKey, seatKey, '{"f":99,"v":1,"s":"h"}');

  const second = await b.startWorker();
  const bob = b.hold(show.showId, 'A1', 'bob');
  await b.send(bob);
  // Replayed from the start of the log: alice's hold is back, so bob is refused.
  expect((await b.decisionOf(bob))[0]).toMatchObject({
    type: 'seat.rejected',
    reason: 'SEAT_TAKEN',
  });
  const discarded = await second.metrics.snapshotsDiscarded.get();
  expect(discarded.values.find((v) => v.labels.reason === 'unreadable')?.value).toBe(1);
  await waitFor(
    async () =>
      (await b.redis.hget(seatsKey, seatKey))?.startsWith(`{"f":${SNAPSHOT_FORMAT},`) === true,
    {
      what: 'the replayed seat written back in the current format',
    },
  );
});
