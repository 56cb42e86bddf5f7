import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SeatEvent } from '../../../src/contract/kafka-records.ts';
import type { ShowDefinition } from '../../../src/contract/shows.ts';
import { viewFor } from '../../../src/state/read-model.ts';
import { RedisReadModel } from '../../../src/state/read-model-redis.ts';
import { openTestScope, type TestScope } from '../../support/fixtures.ts';

const LOG = 'cluster-a|1700000000000';

const show: ShowDefinition = {
  showId: 'gala',
  rows: 2,
  seatsPerRow: 3,
  holdTtlMs: 60_000,
  createdAt: 0,
};

function event(partial: Partial<SeatEvent> & Pick<SeatEvent, 'type'>): SeatEvent {
  return {
    eventId: `0-${Math.random()}`,
    showId: 'gala',
    seatId: 'A1',
    version: 1,
    userId: 'alice',
    causationId: 'c',
    commandId: 'c',
    correlationId: 'k',
    replyTo: 'gw',
    occurredAt: 1000,
    ...partial,
  } as SeatEvent;
}

const held = (version: number, userId = 'alice') =>
  event({ type: 'seat.held', version, userId, holdId: `h${version}`, expiresAt: 61_000 });
const released = (version: number) =>
  event({ type: 'seat.released', version, holdId: `h${version - 1}`, cause: 'released' });

describe('RedisReadModel', () => {
  let scope: TestScope;
  let redis: Redis;
  let model: RedisReadModel;

  beforeEach(async () => {
    scope = await openTestScope('readmodel');
    redis = await scope.redis();
    model = new RedisReadModel({ redis, prefix: scope.names.redisPrefix, eventsTopic: 'events' });
    await model.resetPartition(0, LOG);
  });
  afterEach(() => scope.close());

  it('reads untouched seats as available from the layout', async () => {
    const map = await model.readShow(show);
    expect(map.seats.map((s) => `${s.seatId}:${s.status}:${s.version}`)).toEqual([
      'A1:available:0',
      'A2:available:0',
      'A3:available:0',
      'B1:available:0',
      'B2:available:0',
      'B3:available:0',
    ]);
    expect(map.stats).toEqual({
      showId: 'gala',
      available: 6,
      held: 0,
      reserved: 0,
      versionSum: 0,
    });
  });

  it('applies newer versions, records the offset, and keeps the holder internal', async () => {
    expect(await model.apply(0, 0n, held(1), 0n)).toEqual({ kind: 'applied', changed: true });
    expect((await model.offsets([0, 1])).get(0)).toBe(0n);
    const map = await model.readShow(show);
    const { seats, mine } = viewFor(map, 'alice');
    expect(seats[0]).toEqual({
      showId: 'gala',
      seatId: 'A1',
      status: 'held',
      version: 1,
      expiresAt: 61_000,
    });
    expect(mine).toEqual([{ ...seats[0], holdId: 'h1' }]);
    expect(viewFor(map, 'bob').mine).toEqual([]);
    expect(JSON.stringify(seats)).not.toContain('alice');
    expect(map.stats).toMatchObject({ available: 5, held: 1, reserved: 0 });
  });

  it('ignores an older or repeated event: a seat never moves back', async () => {
    await model.apply(0, 0n, held(1), 0n);
    await model.apply(0, 1n, released(2), 0n);
    // The hold again, re-produced at a later offset (a worker replay): older version.
    expect(await model.apply(0, 2n, held(1), 0n)).toEqual({ kind: 'applied', changed: false });
    // The release again at the same version.
    expect(await model.apply(0, 3n, released(2), 0n)).toEqual({ kind: 'applied', changed: false });
    const map = await model.readShow(show);
    expect(map.seats[0]).toMatchObject({ status: 'available', version: 2 });
    expect(map.stats).toMatchObject({ available: 6, held: 0, reserved: 0 });
    expect((await model.offsets([0])).get(0)).toBe(3n);
  });

  it('keeps the sum of seat versions as changes apply, never counting a late one', async () => {
    await model.apply(0, 0n, held(1), 0n);
    await model.apply(
      0,
      1n,
      event({ type: 'seat.held', seatId: 'B2', version: 3, holdId: 'h', expiresAt: 9 }),
      0n,
    );
    await model.apply(0, 2n, released(2), 0n);
    await model.apply(0, 3n, held(1), 0n);
    expect((await model.readStats(show)).versionSum).toBe(5);
    expect((await model.readShow(show)).stats.versionSum).toBe(5);
  });

  it('discards a read model from before fingerprints, so no show keeps counts without its sum', async () => {
    await model.apply(0, 0n, held(1), 0n);
    await model.apply(0, 1n, released(2), 0n);
    // What an older gateway left: offsets and counts, no log fingerprint, no versionSum.
    await redis.hdel(`${model.keyPrefix}:show:gala:counts`, 'versionSum');
    await redis.del(`${model.keyPrefix}:logs`);
    expect(await model.discardForeign(new Map([[0, LOG]]))).toBe(true);
    expect(await model.offsets([0])).toEqual(new Map([[0, undefined]]));
    expect((await model.readStats(show)).versionSum).toBe(0);
    await model.resetPartition(0, LOG);
    await model.apply(0, 0n, held(1), 0n);
    await model.apply(0, 1n, released(2), 0n);
    expect((await model.readStats(show)).versionSum).toBe(2);
  });

  it('refuses a record at or below the recorded offset', async () => {
    await model.apply(0, 0n, held(1), 0n);
    await model.apply(0, 5n, released(2), 0n);
    expect(await model.apply(0, 5n, held(3), 0n)).toEqual({ kind: 'duplicate' });
    expect(await model.apply(0, 4n, held(3), 0n)).toEqual({ kind: 'duplicate' });
    expect((await model.readShow(show)).seats[0]).toMatchObject({ status: 'available' });
  });

  it('records the offset of rejections and repeats without touching a seat', async () => {
    const rejected = event({ type: 'seat.rejected', version: 0, reason: 'SEAT_TAKEN' });
    expect(await model.apply(0, 0n, rejected, 0n)).toEqual({ kind: 'applied', changed: false });
    expect((await model.offsets([0])).get(0)).toBe(0n);
    expect((await model.readShow(show)).stats).toMatchObject({ available: 6 });
  });

  it('reports a lost partition record and a started-over partition read from the middle', async () => {
    expect(await model.apply(1, 7n, held(1), 0n)).toEqual({ kind: 'lost' });
    await model.resetPartition(1, LOG);
    expect(await model.apply(1, 7n, held(1), 0n)).toEqual({ kind: 'lost' });
    expect(await model.apply(1, 0n, held(1), 0n)).toEqual({ kind: 'applied', changed: true });
  });

  it('is complete only when every partition has a record and none rebuilds', async () => {
    expect(await model.isComplete([0, 1])).toBe(false);
    await model.resetPartition(1, LOG);
    expect(await model.isComplete([0, 1])).toBe(true);
    await model.markRebuilding(1, 'gw', 10_000);
    expect(await model.isComplete([0, 1])).toBe(false);
    expect(await model.isRebuilding(1)).toBe(true);
    await model.clearRebuilding(1);
    expect(await model.isComplete([0, 1])).toBe(true);
    // A refresh after the clear does not bring the mark back.
    await model.refreshRebuilding(1, 10_000);
    expect(await model.isRebuilding(1)).toBe(false);
  });

  it('applies a fetched batch in one round trip, with the version guard and the offset', async () => {
    await model.apply(0, 0n, held(1), 0n); // the script is loaded on first use
    const stream = (redis as unknown as { stream: { write: (...args: unknown[]) => boolean } })
      .stream;
    const write = stream.write;
    let writes = 0;
    stream.write = (...args: unknown[]) => {
      writes++;
      return write.apply(stream, args);
    };
    try {
      const results = await model.applyAll(
        0,
        [
          { offset: 0n, event: held(1) }, // at the recorded offset: a duplicate
          { offset: 1n, event: released(2) },
          { offset: 2n, event: held(1) }, // older version: offset recorded, seat unchanged
          { offset: 3n, event: { ...held(3), seatId: 'B2' } },
          { offset: 4n, event: event({ type: 'seat.rejected', version: 0, reason: 'SEAT_TAKEN' }) },
        ],
        0n,
      );
      expect(writes).toBe(1);
      expect(results).toEqual([
        { kind: 'duplicate' },
        { kind: 'applied', changed: true },
        { kind: 'applied', changed: false },
        { kind: 'applied', changed: true },
        { kind: 'applied', changed: false },
      ]);
    } finally {
      stream.write = write;
    }
    const map = await model.readShow(show);
    expect(map.seats.find((s) => s.seatId === 'A1')).toMatchObject({
      status: 'available',
      version: 2,
    });
    expect(map.seats.find((s) => s.seatId === 'B2')).toMatchObject({ status: 'held', version: 3 });
    expect(map.stats).toMatchObject({ available: 5, held: 1 });
    expect((await model.offsets([0])).get(0)).toBe(4n);
    expect(await model.applyAll(1, [{ offset: 3n, event: held(1) }], 0n)).toEqual([
      { kind: 'lost' },
    ]);
  });
});
