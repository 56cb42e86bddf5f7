/**
 * Reading given offset ranges of a topic once: a log's first records (fingerprints), the
 * tail of `seat-events` (what a replay must not produce again), one seat's history. kafkajs
 * consumes only through a consumer group, so each read joins a throw-away group, seeks every
 * partition to its range's start, hands over the records inside the ranges in order, and
 * leaves (deleting the group) once every range is read or the time is up.
 */
import { randomUUID } from 'node:crypto';
import type { KafkaMessage } from 'kafkajs';
import { ERROR_CODES, HoldfastError } from '../contract/errors.ts';
import { withAdmin } from './admin.ts';
import type { KafkaClient } from './client.ts';

/** Offsets `[from, end)` of one partition. */
export interface OffsetRange {
  readonly from: bigint;
  readonly end: bigint;
}

/** The `end` of a range read until the reader's `until` says it has what it waits for. */
export const OPEN_END = 2n ** 63n - 1n;

export interface RangeReadOptions {
  kafka: KafkaClient;
  topic: string;
  /** The throw-away group is `<groupPrefix>holdfast-<purpose>-<random>`. */
  groupPrefix: string;
  /** What is read, for the group's name and the timeout's message, e.g. `fingerprint`. */
  purpose: string;
  /** The ranges by partition; empty ones are not read. */
  ranges: ReadonlyMap<number, OffsetRange>;
  timeoutMs: number;
  /** Each record inside its partition's range, in offset order per partition. */
  onRecord: (partition: number, message: KafkaMessage) => void;
  /**
   * For a read of records still to come (ranges ending at `OPEN_END`): the read ends once
   * this is true, checked after each batch.
   */
  until?: () => boolean;
}

export async function readRanges(options: RangeReadOptions): Promise<void> {
  const { kafka, topic, timeoutMs } = options;
  const ranges = new Map([...options.ranges].filter(([, range]) => range.end > range.from));
  if (ranges.size === 0) return;
  const groupId = `${options.groupPrefix}holdfast-${options.purpose}-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  const done = new Set<number>();
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new HoldfastError(
              ERROR_CODES.TIMEOUT,
              `reading ${options.purpose} records of ${topic} took longer than ${timeoutMs} ms`,
              { retriable: true, context: { topic } },
            ),
          ),
        timeoutMs,
      );
      const finish = (error?: unknown) => {
        clearTimeout(timer);
        if (error === undefined) resolve();
        else reject(error);
      };
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch, pause }) => {
            const range = ranges.get(batch.partition);
            if (!range || done.has(batch.partition)) {
              pause();
              return;
            }
            for (const message of batch.messages) {
              const offset = BigInt(message.offset);
              if (offset >= range.end) break;
              if (offset >= range.from) options.onRecord(batch.partition, message);
            }
            if (BigInt(batch.lastOffset()) + 1n >= range.end) {
              done.add(batch.partition);
              pause();
              if (done.size === ranges.size) finish();
            } else if (options.until?.()) {
              finish();
            }
          },
        })
        .then(() => {
          // Seeks made before the first fetch are applied by it (and a fetch answered for a
          // partition with a seek pending is dropped): each range is read, not the whole log.
          for (const [partition, { from }] of ranges)
            consumer.seek({ topic, partition, offset: from.toString() });
        })
        .catch(finish);
    });
  } finally {
    await consumer.disconnect();
    await withAdmin(kafka, (admin) => admin.deleteGroups([groupId])).catch(() => undefined);
  }
}
