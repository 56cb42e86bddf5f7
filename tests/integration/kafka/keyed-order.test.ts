import type { KafkaMessage } from 'kafkajs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deferred, openTestScope, type TestScope } from '../../support/fixtures.ts';

let scope: TestScope;
beforeEach(async () => {
  scope = await openTestScope('keyed');
});
afterEach(() => scope.close());

interface Received {
  partition: number;
  message: KafkaMessage;
}

/**
 * Consumes `topic` from the start in a fresh group until `count` distinct records arrived,
 * in delivery order. A rebalance (frequent on a loaded machine) legitimately redelivers
 * from the last commit: a redelivered position is skipped, so order is judged on first
 * deliveries.
 */
async function consumeAll(topic: string, count: number): Promise<Received[]> {
  const received: Received[] = [];
  const seen = new Set<string>();
  const done = deferred();
  const consumer = await scope.consumer();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const position = `${partition}:${message.offset}`;
      if (seen.has(position)) return;
      seen.add(position);
      received.push({ partition, message });
      if (received.length === count) done.resolve();
    },
  });
  await done.promise;
  return received;
}

describe('keyed produce and consume in a consumer group', () => {
  it('delivers every record of one key in order, from one partition', async () => {
    const topics = await scope.createHoldfastTopics(6);
    // Idempotent, as production produces: a retried send must not write a record twice.
    const producer = await scope.producer({ idempotent: true, maxInFlightRequests: 1 });
    const keys = ['show-1/A1', 'show-1/A2', 'show-2/B7', 'show-3/C12'];
    const perKey = 25;
    // Interleaved keys, sent one record at a time: order must hold per key, not globally.
    for (let i = 0; i < perKey; i += 1) {
      await producer.send({
        topic: topics.commands,
        messages: keys.map((key) => ({ key, value: JSON.stringify({ key, sequence: i }) })),
      });
    }

    const received = await consumeAll(topics.commands, keys.length * perKey);

    for (const key of keys) {
      const ofKey = received.filter((r) => r.message.key?.toString() === key);
      expect(new Set(ofKey.map((r) => r.partition)).size).toBe(1);
      expect(ofKey.map((r) => JSON.parse(r.message.value?.toString() ?? '{}').sequence)).toEqual(
        Array.from({ length: perKey }, (_, i) => i),
      );
    }
  });

  it('stamps seat-commands records with the broker time (LogAppendTime), not the producer time', async () => {
    const topics = await scope.createHoldfastTopics(2);
    const producer = await scope.producer();
    const claimedTime = '1000'; // 1970: no broker would stamp this
    const before = Date.now();
    for (const topic of [topics.commands, topics.events]) {
      await producer.send({
        topic,
        messages: [{ key: 'show-1/A1', value: 'x', timestamp: claimedTime }],
      });
    }
    const after = Date.now();

    const [command] = await consumeAll(topics.commands, 1);
    const [event] = await consumeAll(topics.events, 1);

    const logTime = Number(command?.message.timestamp);
    expect(logTime).not.toBe(Number(claimedTime));
    expect(logTime).toBeGreaterThanOrEqual(before);
    expect(logTime).toBeLessThanOrEqual(after);
    // seat-events keeps CreateTime: the contrast shows the topic config is what stamps.
    expect(event?.message.timestamp).toBe(claimedTime);
  });
});
