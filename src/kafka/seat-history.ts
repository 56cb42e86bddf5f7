/**
 * Every record of one seat on `seat-events`, read from the start of its partition up to the
 * partition's end at the time of the call: an operator's view of a seat's history.
 */
import { seatKey } from '../contract/ids.ts';
import type { SeatEvent } from '../contract/kafka-records.ts';
import { withAdmin } from './admin.ts';
import type { KafkaClient } from './client.ts';
import { decodeEvent } from './codec.ts';
import { partitionOfKey } from './partitioning.ts';
import { readRanges } from './range-reader.ts';

export interface SeatHistoryOptions {
  kafka: KafkaClient;
  topic: string;
  /** The deployment's `HOLDFAST_KAFKA_PREFIX`: the throw-away group's name starts with it. */
  groupPrefix: string;
  showId: string;
  seatId: string;
  /** How long reading may take. @defaultValue 60000 */
  timeoutMs?: number;
}

export async function readSeatHistory(options: SeatHistoryOptions): Promise<SeatEvent[]> {
  const key = seatKey(options.showId, options.seatId);
  const offsets = await withAdmin(options.kafka, (admin) => admin.fetchTopicOffsets(options.topic));
  const partition = partitionOfKey(key, offsets.length);
  const bounds = offsets.find((o) => o.partition === partition);
  const history: SeatEvent[] = [];
  await readRanges({
    kafka: options.kafka,
    topic: options.topic,
    groupPrefix: options.groupPrefix,
    purpose: 'seat-history',
    ranges: new Map([
      [partition, { from: BigInt(bounds?.low ?? '0'), end: BigInt(bounds?.high ?? '0') }],
    ]),
    timeoutMs: options.timeoutMs ?? 60_000,
    onRecord: (_partition, message) => {
      if (message.key?.toString() !== key) return;
      const decoded = decodeEvent(message);
      if (decoded.ok) history.push(decoded.value);
    },
  });
  return history;
}
