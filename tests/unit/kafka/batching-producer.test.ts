/**
 * The batching producer against a stand-in for kafkajs's producer that behaves like an
 * idempotent producer after an outage: once a request of a producer instance has failed,
 * the broker refuses every later request of that instance (OUT_OF_ORDER_SEQUENCE_NUMBER);
 * only a new producer (a new producer id) gets through.
 */
import type { Kafka, Producer, ProducerBatch } from 'kafkajs';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, isHoldfastError } from '../../../src/contract/errors.ts';
import { BatchingProducer, refusedBeforeSending } from '../../../src/kafka/batching-producer.ts';

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

  // Issue 12, item 10: only a send that certainly did not reach a broker is "not sent".
  it('says a send was not sent only when no request could have left', async () => {
    const stopped = new BatchingProducer({ kafka: fakeKafka().kafka, logger });
    await stopped.stop();
    const closed = await stopped.send(records('events', 'x')).catch((error: unknown) => error);
    expect(isHoldfastError(closed, ERROR_CODES.PRODUCE_NOT_SENT)).toBe(true);

    const fake = fakeKafka();
    const producer = new BatchingProducer({ kafka: fake.kafka, logger });
    fake.state.outage = true;
    const failed = await producer.send(records('events', 'x')).catch((error: unknown) => error);
    expect(isHoldfastError(failed, ERROR_CODES.PRODUCE_NOT_SENT)).toBe(false);
  });

  it('classifies kafkajs errors: refusals before the send versus after it', () => {
    const named = (name: string, message: string, cause?: unknown) =>
      Object.assign(new Error(message, cause === undefined ? undefined : { cause }), { name });
    // Thrown by kafkajs's connection-state check, before its retrier: nothing written.
    expect(refusedBeforeSending(named('KafkaJSError', 'The producer is disconnected'))).toBe(true);
    expect(
      refusedBeforeSending(
        named(
          'KafkaJSNonRetriableError',
          "The producer is disconnecting; therefore, it can't safely accept messages anymore",
        ),
      ),
    ).toBe(true);
    // After a request may have left: outcome unknown.
    const timeout = named('KafkaJSRequestTimeoutError', 'Request Produce(key: 0) timed out');
    expect(refusedBeforeSending(timeout)).toBe(false);
    expect(refusedBeforeSending(named('KafkaJSConnectionClosedError', 'Closed connection'))).toBe(
      false,
    );
    expect(
      refusedBeforeSending(named('KafkaJSNumberOfRetriesExceeded', 'timed out', timeout)),
    ).toBe(false);
    // The retrier wraps a non-retriable error that happened inside it, with a cause.
    expect(
      refusedBeforeSending(
        named('KafkaJSNonRetriableError', 'The producer is disconnected', timeout),
      ),
    ).toBe(false);
    expect(refusedBeforeSending(new Error('anything else'))).toBe(false);
  });

  it('connect failures are not sent', async () => {
    const fake = fakeKafka();
    const kafka = {
      producer: () => {
        const inner = fake.kafka.producer();
        return Object.assign(inner, {
          connect: async () => {
            throw new Error('Connection error: connect ECONNREFUSED');
          },
        });
      },
    } as unknown as Kafka;
    const producer = new BatchingProducer({ kafka, logger });
    const failed = await producer.send(records('events', 'x')).catch((error: unknown) => error);
    expect(isHoldfastError(failed, ERROR_CODES.PRODUCE_NOT_SENT)).toBe(true);
    expect(fake.requests).toHaveLength(0);
  });
});
