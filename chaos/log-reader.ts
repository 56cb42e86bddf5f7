/**
 * Reads whole topics (`seat-commands`, `seat-events`) from the start up to the end offsets
 * they had when the read began, with a throw-away consumer group. Bounded in time.
 */
import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { withAdmin } from '../src/kafka/admin.ts';
import { decodeCommand, decodeEvent } from '../src/kafka/codec.ts';
import type { LoggedCommand, LoggedEvent } from './records.ts';

export interface RawRecord {
  readonly partition: number;
  readonly offset: string;
  readonly message: KafkaMessage;
}

export async function readTopic(
  kafka: Kafka,
  topic: string,
  groupPrefix: string,
  timeoutMs: number,
): Promise<RawRecord[]> {
  const ends = await withAdmin(kafka, (admin) => admin.fetchTopicOffsets(topic));
  const remaining = new Map<number, bigint>();
  for (const { partition, high, low } of ends) {
    if (BigInt(high) > BigInt(low)) remaining.set(partition, BigInt(high) - 1n);
  }
  const records: RawRecord[] = [];
  if (remaining.size === 0) return records;
  const consumer = kafka.consumer({
    groupId: `${groupPrefix}chaos-reader-${randomUUID().slice(0, 8)}`,
    maxWaitTimeInMs: 200,
    maxBytes: 8 * 1024 * 1024,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        eachBatch: async ({ batch }) => {
          const last = remaining.get(batch.partition);
          for (const message of batch.messages) {
            if (last === undefined || BigInt(message.offset) > last) continue;
            records.push({ partition: batch.partition, offset: message.offset, message });
          }
          const highest = batch.messages[batch.messages.length - 1];
          if (last !== undefined && highest && BigInt(highest.offset) >= last) {
            remaining.delete(batch.partition);
            if (remaining.size === 0) resolve();
          }
        },
      });
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(new Error(`reading ${topic} took over ${timeoutMs} ms (${records.length} read)`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([done, timeout]);
    } finally {
      clearTimeout(timer);
    }
  } finally {
    await consumer.disconnect().catch(() => {});
  }
  return records.sort(
    (a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)),
  );
}

export function decodeCommands(records: readonly RawRecord[]): {
  commands: LoggedCommand[];
  undecodable: number;
} {
  const commands: LoggedCommand[] = [];
  let undecodable = 0;
  for (const { partition, offset, message } of records) {
    const decoded = decodeCommand(message);
    if (!decoded.ok) {
      undecodable++;
      continue;
    }
    commands.push({
      partition,
      offset,
      timestamp: Number(message.timestamp),
      command: decoded.value,
    });
  }
  return { commands, undecodable };
}

export function decodeEvents(records: readonly RawRecord[]): {
  events: LoggedEvent[];
  undecodable: number;
} {
  const events: LoggedEvent[] = [];
  let undecodable = 0;
  for (const { partition, offset, message } of records) {
    const decoded = decodeEvent(message);
    if (!decoded.ok) {
      undecodable++;
      continue;
    }
    events.push({ partition, offset, timestamp: Number(message.timestamp), event: decoded.value });
  }
  return { events, undecodable };
}
