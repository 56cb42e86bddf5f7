/**
 * What every store that records "applied up to this offset of this log" beside a Kafka log
 * must do, whatever else it stores: the partition snapshots (a worker's) and the seat-map
 * read model (the gateways'). One suite, run against each implementation on a real Redis.
 */
import { describe, expect, it } from 'vitest';

/** A store as the suite drives it: one adapter per implementation. */
export interface OffsetRecordUnderTest {
  /** Starts or resumes a partition of the log named by `fingerprint`; the offset recorded, if any. */
  open(partition: number, fingerprint: string): Promise<bigint | undefined>;
  /** Records `offset` (with some change) as applied: 'refused' when nothing was written. */
  record(partition: number, offset: bigint): Promise<'ok' | 'refused'>;
  /** The offset recorded now, if any. */
  stored(partition: number): Promise<bigint | undefined>;
  /** Redis loses every key of the store (a restart without persistence, an eviction). */
  lose(): Promise<void>;
}

const LOG_A = 'cluster-a|1700000000000';
const LOG_B = 'cluster-b|1700000000000';

export function offsetRecordConformance(name: string, make: () => Promise<OffsetRecordUnderTest>) {
  describe(`${name}: offset record conformance`, () => {
    it('starts with nothing recorded and resumes from the recorded offset', async () => {
      const store = await make();
      expect(await store.open(0, LOG_A)).toBeUndefined();
      expect(await store.record(0, 0n)).toBe('ok');
      expect(await store.record(0, 7n)).toBe('ok');
      expect(await store.open(0, LOG_A)).toBe(7n);
    });

    it('only moves forward: an offset below the recorded one is refused', async () => {
      const store = await make();
      await store.open(0, LOG_A);
      expect(await store.record(0, 0n)).toBe('ok');
      expect(await store.record(0, 5n)).toBe('ok');
      expect(await store.record(0, 3n)).toBe('refused');
      expect(await store.stored(0)).toBe(5n);
    });

    it('notices a Redis that lost its keys: refuses to record on top, reads as nothing', async () => {
      const store = await make();
      await store.open(0, LOG_A);
      expect(await store.record(0, 0n)).toBe('ok');
      await store.lose();
      expect(await store.record(0, 1n)).toBe('refused');
      expect(await store.stored(0)).toBeUndefined();
    });

    it('discards what was recorded from another log', async () => {
      const store = await make();
      await store.open(0, LOG_A);
      expect(await store.record(0, 0n)).toBe('ok');
      expect(await store.record(0, 4n)).toBe('ok');
      expect(await store.open(0, LOG_B)).toBeUndefined();
      expect(await store.stored(0)).toBeUndefined();
      expect(await store.record(0, 0n)).toBe('ok');
      expect(await store.open(0, LOG_B)).toBe(0n);
    });
  });
}
