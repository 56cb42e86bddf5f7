/** Seat maps built once per show and version, whoever asks and however often. */
import { describe, expect, it } from 'vitest';
import type { ShowDefinition } from '../../../src/contract/shows.ts';
import { SeatMapCache } from '../../../src/gateway/seat-map-cache.ts';
import { buildShowMap, type StoredSeat } from '../../../src/state/read-model.ts';

const show: ShowDefinition = {
  showId: 'gala',
  rows: 1,
  seatsPerRow: 3,
  holdTtlMs: 60_000,
  createdAt: 0,
};

/** A read model of one show whose seats the test moves, counting full reads. */
function fakeReadModel() {
  const stored = new Map<string, StoredSeat>();
  let fullReads = 0;
  const map = () => buildShowMap(show, new Map(stored), { held: stored.size, reserved: 0 });
  const fake = {
    stored,
    fullReads: () => fullReads,
    /** Full reads take a macrotask: concurrent asks overlap one. */
    slow: false,
    readModel: {
      readStats: async () => map().stats,
      readShow: async () => {
        fullReads++;
        const snapshot = map();
        if (fake.slow) await new Promise<void>((resolve) => setTimeout(resolve, 0));
        return snapshot;
      },
    },
  };
  return fake;
}

describe('SeatMapCache', () => {
  it('reads and builds a show’s map once per change, and serialises its HTTP body once', async () => {
    const fake = fakeReadModel();
    let builds = 0;
    const cache = new SeatMapCache({ readModel: fake.readModel, onBuild: () => builds++ });
    const first = await cache.get(show);
    for (let i = 0; i < 50; i++) expect(await cache.get(show)).toBe(first);
    expect(fake.fullReads()).toBe(1);
    expect(builds).toBe(1);
    expect(first.httpBody()).toBe(first.httpBody()); // the same string, not a new one
    expect(JSON.parse(first.httpBody())).toMatchObject({
      ok: true,
      show: { showId: 'gala', stats: { available: 3, versionSum: 0 } },
    });

    fake.stored.set('A2', { status: 'held', version: 1, holdId: 'h1', userId: 'alice' });
    const second = await cache.get(show);
    expect(second).not.toBe(first);
    expect(second.seats.find((s) => s.seatId === 'A2')).toMatchObject({ status: 'held' });
    expect(fake.fullReads()).toBe(2);
  });

  it('answers each caller with only their own holds, never who holds a seat', async () => {
    const fake = fakeReadModel();
    fake.stored.set('A1', { status: 'held', version: 1, holdId: 'h1', userId: 'alice' });
    fake.stored.set('A3', { status: 'reserved', version: 2, holdId: 'h3', userId: 'bob' });
    const map = await new SeatMapCache({ readModel: fake.readModel }).get(show);
    expect(map.mineOf('alice')).toEqual([
      { showId: 'gala', seatId: 'A1', status: 'held', version: 1, holdId: 'h1' },
    ]);
    expect(map.mineOf('bob').map((s) => s.seatId)).toEqual(['A3']);
    expect(map.mineOf('carol')).toEqual([]);
    expect(map.httpBody()).not.toMatch(/alice|bob|h1|h3/);
  });

  it('lets concurrent asks after a change share one build', async () => {
    const fake = fakeReadModel();
    const cache = new SeatMapCache({ readModel: fake.readModel });
    fake.slow = true;
    const asks = await Promise.all(Array.from({ length: 20 }, () => cache.get(show)));
    expect(new Set(asks).size).toBe(1);
    expect(fake.fullReads()).toBe(1);
  });

  it('never serves a map of a read model that was dropped and rebuilt smaller', async () => {
    const fake = fakeReadModel();
    fake.stored.set('A1', { status: 'held', version: 3, holdId: 'h1', userId: 'alice' });
    const cache = new SeatMapCache({ readModel: fake.readModel });
    await cache.get(show);
    fake.stored.clear();
    fake.stored.set('A2', { status: 'held', version: 1, holdId: 'h2', userId: 'bob' });
    const after = await cache.get(show);
    expect(after.seats.find((s) => s.seatId === 'A1')).toMatchObject({ status: 'available' });
    expect(fake.fullReads()).toBe(2);
  });

  it('keeps a bounded number of shows', async () => {
    const fake = fakeReadModel();
    const cache = new SeatMapCache({ readModel: fake.readModel, maxShows: 2 });
    const other = (showId: string) => ({ ...show, showId });
    await cache.get(other('a'));
    await cache.get(other('b'));
    await cache.get(other('a')); // a is now the most recent
    await cache.get(other('c')); // evicts b
    expect(fake.fullReads()).toBe(3);
    await cache.get(other('a'));
    expect(fake.fullReads()).toBe(3);
    await cache.get(other('b'));
    expect(fake.fullReads()).toBe(4);
  });
});
