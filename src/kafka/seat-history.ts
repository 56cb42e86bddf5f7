/**
 * Every record of one seat on `seat-events`, read from the start of its partition up to the
 * partition's end at the time of the call: an operator's view of a seat's history.
 */
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { ERROR_CODES, HoldfastError } from '../contract/errors.ts';
import { seatKey } from '../contract/ids.ts';
import type { SeatEvent } from '../contract/kafka-records.ts';
import { decodeEvent } from './codec.ts';
import { partitionOfKey } from './partitioning.ts';

export interface SeatHistoryOptions {
  kafka: Kafka;
  topic: string;
  showId: string;
  seatId: string;
  /** How long reading may take. @defaultValue 60000 */
  timeoutMs?: number;
}

export async function readSeatHistory(options: SeatHistoryOptions): Promise<SeatEvent[]> {
  const key = seatKey(options.showId, options.seatId);
  const admin = options.kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(options.topic).finally(() => admin.disconnect());
  const partition = partitionOfKey(key, offsets.length);
  const end = BigInt(offsets.find((o) => o.partition === partition)?.high ?? '0');
  const history: SeatEvent[] = [];
  if (end === 0n) return history;

  const consumer = options.kafka.consumer({
    groupId: `holdfast-seat-history-${randomUUID()}`,
    maxWaitTimeInMs: 100,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: options.topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new HoldfastError(
              ERROR_CODES.TIMEOUT,
              `reading ${options.topic} partition ${partition} took too long`,
              {
                retriable: true,
              },
            ),
          ),
        options.timeoutMs ?? 60_000,
      );
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch, pause }) => {
            if (batch.partition !== partition) {
              pause();
              return;
            }
            for (const message of batch.messages) {
              if (BigInt(message.offset) >= end) break;
              if (message.key?.toString() !== key) continue;
              const decoded = decodeEvent(message);
              if (decoded.ok) history.push(decoded.value);
            }
            if (BigInt(batch.lastOffset()) + 1n >= end) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return history;
}
