import { describe, expect, it } from 'vitest';
import { PartitionsPerTurn } from '../../../src/kafka/turn-batch.ts';

describe('PartitionsPerTurn', () => {
  it('answers the partitions asked for in one turn with one read, and a later turn with another', async () => {
    const reads: number[][] = [];
    const perTurn = new PartitionsPerTurn(async (partitions) => {
      reads.push([...partitions].sort());
      return new Map(partitions.map((p) => [p, `read ${reads.length}: ${p}`]));
    });
    const [a, b] = await Promise.all([perTurn.of([0]), perTurn.of([2, 1])]);
    expect(reads).toEqual([[0, 1, 2]]);
    expect(a.get(0)).toBe('read 1: 0');
    expect(b.get(2)).toBe('read 1: 2');
    const later = await perTurn.of([5]);
    expect(reads).toEqual([[0, 1, 2], [5]]);
    expect(later.get(5)).toBe('read 2: 5');
  });

  it('gives every caller of a turn the read failure, and reads afresh after it', async () => {
    let fail = true;
    const perTurn = new PartitionsPerTurn(async (partitions) => {
      if (fail) throw new Error('broker away');
      return new Map(partitions.map((p) => [p, p * 10]));
    });
    const outcomes = await Promise.allSettled([perTurn.of([0]), perTurn.of([1])]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect((await perTurn.of([3])).get(3)).toBe(30);
  });
});
