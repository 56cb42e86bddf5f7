/**
 * How far a partition's events on `seat-events` go (docs/design.md §3.16), read from the real
 * broker: the highest event position among the partition's last records.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SeatEvent } from '../../../src/contract/kafka-records.ts';
import { encodeEvent } from '../../../src/kafka/codec.ts';
import { EmittedEvents, eventPosition } from '../../../src/kafka/emitted-events.ts';
import { openTestScope, type TestScope } from '../../support/fixtures.ts';

let scope: TestScope;
beforeEach(async () => {
  scope = await openTestScope('emitted');
});
afterEach(() => scope.close());

function rejected(eventId: string, occurredAt = 1_700_000_000_000): SeatEvent {
  return {
    type: 'seat.rejected',
    eventId,
    showId: 'gala',
    seatId: 'A1',
    version: 0,
    userId: 'ann',
    causationId: 'c1',
    commandId: 'c1',
    correlationId: 'k1',
    replyTo: 'gw',
    occurredAt,
    reason: 'SEAT_TAKEN',
  };
}

async function topicWith(records: Record<number, (SeatEvent | string)[]>): Promise<string> {
  const topic = `${scope.names.kafkaPrefix}seat-events`;
  await scope.createTopics([{ topic, numPartitions: 2, configs: {} }]);
  const producer = await scope.producer();
  for (const [partition, list] of Object.entries(records)) {
    await producer.send({
      topic,
      messages: list.map((r) =>
        typeof r === 'string'
          ? { partition: Number(partition), key: 'gala/A1', value: r }
          : { ...encodeEvent(r), partition: Number(partition) },
      ),
    });
  }
  return topic;
}

describe('EmittedEvents', () => {
  it('takes the highest position among the last records, not the last one, and skips what is not an event of the partition', async () => {
    const topic = await topicWith({
      // A zombie's older event landed after a newer one; a record that is no event; an
      // event id of another partition.
      0: [
        rejected('0-5-0'),
        rejected('0-9-1', 42),
        rejected('0-7-0'),
        'not json',
        rejected('1-99-0'),
      ],
    });
    const emitted = new EmittedEvents({
      kafka: scope.kafka,
      topic,
      groupPrefix: scope.names.kafkaPrefix,
    });
    const [zero, one] = await Promise.all([emitted.of(0), emitted.of(1)]);
    expect(zero).toEqual({ offset: 9n, index: 1, occurredAt: 42 });
    expect(one).toBeUndefined();
  });

  it('reads only the tail of a partition', async () => {
    const topic = await topicWith({
      0: [rejected('0-100-0'), rejected('0-1-0'), rejected('0-2-0')],
    });
    const emitted = new EmittedEvents({
      kafka: scope.kafka,
      topic,
      groupPrefix: scope.names.kafkaPrefix,
      tailRecords: 2,
    });
    expect(await emitted.of(0)).toEqual({ offset: 2n, index: 0, occurredAt: 1_700_000_000_000 });
  });

  it('parses the positions of event ids', () => {
    expect(eventPosition('3-1234-1', 3)).toEqual({ offset: 1234n, index: 1 });
    expect(eventPosition('3-1234-1', 2)).toBeUndefined();
    expect(eventPosition('exp-3-1-0', 3)).toBeUndefined();
  });
});
