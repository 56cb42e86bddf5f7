import type { Kafka, Producer, ProducerBatch, ProducerConfig, ProducerRecord } from 'kafkajs';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { SeatCommand } from '../../../src/contract/kafka-records.ts';
import { CommandProducer } from '../../../src/gateway/command-producer.ts';

const logger = pino({ level: 'silent' });
const retry = { retries: 3, initialMs: 100, maxMs: 1000 };

function command(seatId: string): SeatCommand {
  return {
    type: 'seat.holdRequest',
    commandId: `c-${seatId}`,
    correlationId: `k-${seatId}`,
    replyTo: 'gw',
    showId: 'gala',
    seatId,
    userId: 'alice',
    sentAt: 0,
  };
}

/** A stand-in for kafkajs's producer: records sends, fails on demand. */
function fakeKafka(behaviour: { fail: () => boolean }) {
  const sends: ProducerRecord[] = [];
  const configs: (ProducerConfig | undefined)[] = [];
  let created = 0;
  let release: (() => void) | undefined;
  const kafka = {
    producer: (config?: ProducerConfig) => {
      created++;
      configs.push(config);
      const producer = {
        events: { CONNECT: 'connect', DISCONNECT: 'disconnect' },
        on: () => () => {},
        connect: async () => {},
        disconnect: async () => {},
        sendBatch: async (batch: ProducerBatch) => {
          const [first] = batch.topicMessages ?? [];
          sends.push({
            topic: first?.topic ?? '',
            acks: batch.acks,
            messages: first?.messages ?? [],
          });
          if (sends.length === 1) {
            await new Promise<void>((resolve) => {
              release = resolve;
            });
          }
          if (behaviour.fail()) throw new Error('broker unavailable');
          return [];
        },
      };
      return producer as unknown as Producer;
    },
  } as unknown as Kafka;
  return { kafka, sends, configs, created: () => created, releaseFirst: () => release?.() };
}

describe('CommandProducer', () => {
  it('sends commands queued during a send together in the next one, keyed by seat', async () => {
    const fake = fakeKafka({ fail: () => false });
    const producer = new CommandProducer(fake.kafka, 'seat-commands', logger, retry);
    const first = producer.send(command('A1'));
    await new Promise((resolve) => setImmediate(resolve));
    const rest = [producer.send(command('A2')), producer.send(command('A3'))];
    fake.releaseFirst();
    await Promise.all([first, ...rest]);
    expect(fake.sends.map((s) => s.messages.map((m) => m.key))).toEqual([
      ['gala/A1'],
      ['gala/A2', 'gala/A3'],
    ]);
    expect(fake.sends[0]?.acks).toBe(-1);
    expect(fake.sends[0]?.messages[0]?.headers).toEqual({ type: 'seat.holdRequest' });
  });

  it("bounds kafkajs's retries of a send by the configured budget", () => {
    const fake = fakeKafka({ fail: () => false });
    new CommandProducer(fake.kafka, 'seat-commands', logger, {
      retries: 5,
      initialMs: 40,
      maxMs: 700,
    });
    expect(fake.configs[0]?.retry).toEqual({
      retries: 5,
      initialRetryTime: 40,
      maxRetryTime: 700,
    });
  });

  it('fails the commands of a failed send and recreates the producer', async () => {
    let failing = true;
    const fake = fakeKafka({ fail: () => failing });
    const producer = new CommandProducer(fake.kafka, 'seat-commands', logger, retry);
    const first = producer.send(command('A1'));
    await new Promise((resolve) => setImmediate(resolve));
    fake.releaseFirst();
    await expect(first).rejects.toThrow('broker unavailable');
    expect(fake.created()).toBe(2);
    failing = false;
    await expect(producer.send(command('A2'))).resolves.toBeUndefined();
  });
});
