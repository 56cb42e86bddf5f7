import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StatsCoalescer } from '../../../src/gateway/stats-coalescer.ts';

describe('StatsCoalescer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  /** A cluster-wide lock held for one period, shared by every coalescer of a test. */
  function sharedLock() {
    const heldUntil = new Map<string, number>();
    return async (showId: string, periodMs: number) => {
      const now = Date.now();
      if ((heldUntil.get(showId) ?? 0) > now) return false;
      heldUntil.set(showId, now + periodMs);
      return true;
    };
  }

  it('publishes a busy show at most once per period across gateways, and its last change', async () => {
    const tryLock = sharedLock();
    const published: Array<[string, number]> = [];
    const gateways = ['gw-1', 'gw-2', 'gw-3'].map(
      (id) =>
        new StatsCoalescer({
          tryLock,
          publish: async () => void published.push([id, Date.now()]),
          logger: pino({ level: 'silent' }),
        }),
    );
    // Changes seen by every gateway every 10 ms for 3 s.
    for (let t = 0; t < 3000; t += 10) {
      for (const gateway of gateways) gateway.markDirty('gala');
      await vi.advanceTimersByTimeAsync(10);
    }
    const lastChange = Date.now();
    await vi.advanceTimersByTimeAsync(1000);
    const times = published.map(([, at]) => at);
    for (let i = 1; i < times.length; i++) {
      expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(300);
    }
    expect(times.at(-1)).toBeGreaterThanOrEqual(lastChange);
    for (const gateway of gateways) gateway.stop();
  });
});
