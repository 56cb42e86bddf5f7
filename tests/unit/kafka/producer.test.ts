import { describe, expect, it } from 'vitest';
import { chunkRecords } from '../../../src/kafka/producer.ts';

const message = (n: number, bytes = 100) => ({ key: `k${n}`, value: 'x'.repeat(bytes) });

describe('chunkRecords', () => {
  it('keeps small sends in one request', () => {
    const requests = chunkRecords([{ topic: 'a', messages: [message(1), message(2)] }], 10_000);
    expect(requests).toEqual([[{ topic: 'a', messages: [message(1), message(2)] }]]);
  });

  it('splits a large send into requests under the limit, keeping every topic in order', () => {
    const events = Array.from({ length: 50 }, (_, i) => message(i, 1000));
    const dead = Array.from({ length: 5 }, (_, i) => message(100 + i, 1000));
    const requests = chunkRecords(
      [
        { topic: 'events', messages: events },
        { topic: 'dlq', messages: dead },
      ],
      10_000,
    );
    expect(requests.length).toBeGreaterThan(1);
    for (const request of requests) {
      const bytes = request
        .flatMap((r) => r.messages)
        .reduce((sum, m) => sum + (m.value?.length ?? 0), 0);
      expect(bytes).toBeLessThanOrEqual(10_000);
    }
    const flat = (topic: string) =>
      requests.flatMap((request) =>
        request.filter((r) => r.topic === topic).flatMap((r) => r.messages),
      );
    expect(flat('events')).toEqual(events);
    expect(flat('dlq')).toEqual(dead);
  });

  it('sends a single record larger than the limit alone rather than dropping it', () => {
    const requests = chunkRecords(
      [{ topic: 'a', messages: [message(1, 50), message(2, 5000), message(3, 50)] }],
      1000,
    );
    expect(requests.map((r) => r.flatMap((t) => t.messages).map((m) => m.key))).toEqual([
      ['k1'],
      ['k2'],
      ['k3'],
    ]);
  });
});
