import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { missedChange, ResyncScheduler } from '../../../src/client/resync.ts';
import { LocalSeatMap } from '../../../src/client/seat-map.ts';

const seat = (seatId: string, version: number) => ({
  showId: 'gala',
  seatId,
  status: 'held' as const,
  version,
});

describe('missedChange', () => {
  it('is a miss when the local sum stays below a reported one', () => {
    expect(missedChange({ reportedSum: 5, localSum: 4, latest: false })).toBe(true);
    expect(missedChange({ reportedSum: 5, localSum: 4, latest: true })).toBe(true);
  });

  it('is no miss when the local sum is ahead of a report that a newer one followed', () => {
    expect(missedChange({ reportedSum: 5, localSum: 7, latest: false })).toBe(false);
  });

  it('is a miss when a quiet show (no newer report) still disagrees either way', () => {
    expect(missedChange({ reportedSum: 5, localSum: 7, latest: true })).toBe(true);
    expect(missedChange({ reportedSum: 5, localSum: 5, latest: true })).toBe(false);
  });
});

describe('LocalSeatMap.versionSum', () => {
  it('sums the versions held, counting only changes that apply', () => {
    const map = new LocalSeatMap();
    map.apply(seat('A1', 2));
    map.apply(seat('A2', 1));
    map.apply(seat('A1', 1));
    expect(map.versionSum).toBe(3);
    map.apply(seat('A1', 5));
    expect(map.versionSum).toBe(6);
  });
});

describe('ResyncScheduler', () => {
  let local: number;
  let resyncs: number;
  let scheduler: ResyncScheduler;

  beforeEach(() => {
    vi.useFakeTimers();
    local = 0;
    resyncs = 0;
    scheduler = new ResyncScheduler({
      timing: { settleMs: 1000, minIntervalMs: 5000 },
      localSum: () => local,
      resync: async () => {
        resyncs += 1;
      },
      now: () => Date.now(),
    });
  });
  afterEach(() => {
    scheduler.forget();
    vi.useRealTimers();
  });

  it('waits for broadcasts in flight: a change that arrives within the settle delay is no miss', async () => {
    scheduler.report('gala', 3);
    await vi.advanceTimersByTimeAsync(500);
    local = 3;
    await vi.advanceTimersByTimeAsync(1000);
    expect(resyncs).toBe(0);
  });

  it('joins again when the local sum is still below the report once it settled', async () => {
    local = 2;
    scheduler.report('gala', 3);
    await vi.advanceTimersByTimeAsync(999);
    expect(resyncs).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(resyncs).toBe(1);
  });

  it('checks a steady stream of reports every settle delay, not never', async () => {
    // Reports every 300 ms, each ahead of what has arrived: the stream never settles by itself.
    local = 1;
    for (let i = 0; i < 5; i++) {
      scheduler.report('gala', 10 + i);
      await vi.advanceTimersByTimeAsync(300);
    }
    expect(resyncs).toBe(1);
  });

  it('joins again at most once per interval however many reports disagree', async () => {
    local = 1;
    for (let i = 0; i < 40; i++) {
      scheduler.report('gala', 10);
      await vi.advanceTimersByTimeAsync(250);
    }
    // 10 s of disagreement: the first resync after 1 s, then one per 5 s.
    expect(resyncs).toBe(2);
  });

  it('stops checking a show it forgot', async () => {
    local = 1;
    scheduler.report('gala', 10);
    scheduler.forget('gala');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(resyncs).toBe(0);
  });
});
