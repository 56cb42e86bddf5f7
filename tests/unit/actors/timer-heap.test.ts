import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TimerHeap } from '../../../src/actors/timer-heap.ts';

describe('TimerHeap', () => {
  it('pops in due order, whatever the push order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1_000 })), (dues) => {
        const heap = new TimerHeap<number>();
        for (const [i, due] of dues.entries()) heap.push(due, i);
        const popped: number[] = [];
        for (let entry = heap.pop(); entry !== undefined; entry = heap.pop())
          popped.push(entry.dueAt);
        expect(popped).toEqual([...dues].sort((a, b) => a - b));
        expect(heap.size).toBe(0);
      }),
    );
  });

  it('peeks without removing', () => {
    const heap = new TimerHeap<string>();
    expect(heap.peek()).toBeUndefined();
    heap.push(20, 'b');
    heap.push(10, 'a');
    expect(heap.peek()).toEqual({ dueAt: 10, value: 'a' });
    expect(heap.size).toBe(2);
  });
});
