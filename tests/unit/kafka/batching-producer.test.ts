/**
 * The batching producer against a stand-in for kafkajs's producer that behaves like an
 * idempotent producer after an outage: once a request of a producer instance has failed,
 * the broker refuses every later request of that instance (OUT_OF_ORDER_SEQUENCE_NUMBER);
 * only a new producer (a new producer id) gets through.
 */
import type { Kafka, Producer, ProducerBatch } from 'kafkajs';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { BatchingProducer } from '../../../src/kafka/batching-producer.ts';

const logger = pino({ level: 'silent' });

function fakeKafka() {
  const requests: { producer: number; batch: ProducerBatch }[] = [];
  const state = { outage: false, created: 0 };
  const kafka = {
    producer: () => {
      const id = ++state.created;
      let poisoned = false;
      return {
        events: { CONNECT: 'connect', DISCONNECT: 'disconnect' },
        on: () => () => {},
        connect: async () => {},
        disconnect: async () => {},
        sendBatch: async (batch: ProducerBatch) => {
          if (state.outage) {
            poisoned = true;
            throw new Error('Connection error: ECONNREFUSED');
          }
          if (poisoned) throw new Error('The broker received an out of order sequence number');
          requests.push({ producer: id, batch });
          return [];
        },
      } as unknown as Producer;
    },
  } as unknown as Kafka;
  return { kafka, requests, state };
}

const records = (topic: string, ...keys: string[]) => [
  { topic, messages: keys.map((key) => ({ key, value: key })) },
];

describe('BatchingProducer', () => {
  it('sends what arrives in the same tick as one request, one entry per topic in order', async () => {
    const fake = fakeKafka();
    const producer = new BatchingProducer({ kafka: fake.kafka, logger });
    await Promise.all([
      producer.send(records('events', 'a1', 'a2')),
      producer.send(records('dlq', 'd1')),
      producer.send(records('events', 'b1')),
    ]);
    expect(fake.requests).toHaveLength(1);
    expect(
      fake.requests[0]?.batch.topicMessages?.map((t) => [t.topic, t.messages.map((m) => m.key)]),
    ).toEqual([
      ['events', ['a1', 'a2', 'b1']],
      ['dlq', ['d1']],
    ]);
    expect(fake.requests[0]?.batch.acks).toBe(-1);
  });

  // Regression (issue 12, item 2): the worker's producer was never replaced, so after an
  // outage beyond its retries every later send was refused.
  it('fails the sends of a failed request, then replaces the producer so later sends get through', async () => {
    const fake = fakeKafka();
    const producer = new BatchingProducer({ kafka: fake.kafka, logger });
    fake.state.outage = true;
    await expect(producer.send(records('events', 'x'))).rejects.toThrow('ECONNREFUSED');
    fake.state.outage = false;
    await expect(producer.send(records('events', 'y'))).resolves.toBeUndefined();
    expect(fake.requests.map((r) => r.producer)).toEqual([2]);
  });

  it('refuses sends once stopped, after finishing the ones in hand', async () => {
    const fake = fakeKafka();
    const producer = new BatchingProducer({ kafka: fake.kafka, logger });
    const inHand = producer.send(records('events', 'x'));
    await producer.stop();
    await expect(inHand).resolves.toBeUndefined();
    await expect(producer.send(records('events', 'y'))).rejects.toThrow('producer closed');
  });
});
