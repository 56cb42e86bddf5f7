import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { partitionOffsets } from '../../../src/kafka/admin.ts';
import { deferred, openTestScope, type TestScope } from '../../support/fixtures.ts';

let scope: TestScope;
beforeEach(async () => {
  scope = await openTestScope('idempotent');
});
afterEach(() => scope.close());

describe('the idempotent producer', () => {
  it('delivers a batch exactly once and in order (maxInFlightRequests: 1, acks=all)', async () => {
    const topic = `${scope.names.kafkaPrefix}events`;
    await scope.createTopics([{ topic, numPartitions: 3, configs: {} }]);
    const producer = await scope.producer({ idempotent: true, maxInFlightRequests: 1 });
    const ids = Array.from({ length: 300 }, (_, i) => `event-${i}`);
    await producer.send({
      topic,
      acks: -1,
      messages: ids.map((id, i) => ({ key: `seat-${i % 7}`, value: id })),
    });

    const offsets = await partitionOffsets(scope.admin, topic);
    const stored = offsets.reduce(
      (sum, p) => sum + Number(BigInt(p.latest) - BigInt(p.earliest)),
      0,
    );

    // Keyed by log position: a consumer redelivery after a rebalance is not a duplicate
    // record; two positions holding the same id would be.
    const byPosition = new Map<string, string>();
    const done = deferred();
    const consumer = await scope.consumer();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        byPosition.set(`${partition}:${message.offset}`, message.value?.toString() ?? '');
        if (byPosition.size === ids.length) done.resolve();
      },
    });
    await done.promise;
    const received = [...byPosition.entries()]
      .sort(([a], [b]) => {
        const [pa, oa] = a.split(':').map(Number);
        const [pb, ob] = b.split(':').map(Number);
        return (pa ?? 0) - (pb ?? 0) || (oa ?? 0) - (ob ?? 0);
      })
      .map(([, id]) => id);

    expect(stored).toBe(ids.length);
    expect(new Set(received).size).toBe(ids.length);
    expect([...received].sort()).toEqual([...ids].sort());
    // Within a key, batch order is kept.
    const ofKey0 = received.filter((id) => Number(id.slice('event-'.length)) % 7 === 0);
    expect(ofKey0).toEqual(ids.filter((_, i) => i % 7 === 0));
  });
});
