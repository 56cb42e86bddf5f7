/**
 * The producer every Holdfast process uses: idempotent, one request in flight (kafkajs's
 * idempotent producer reorders otherwise: OUT_OF_ORDER_SEQUENCE_NUMBER), acks from every
 * replica, and sends split so that no request outgrows the broker's message size limit.
 */
import { type Kafka, Partitioners, type Producer, type RetryOptions } from 'kafkajs';

/**
 * Bytes of record payload per request. The broker refuses a record batch over
 * `message.max.bytes` (1 MiB by default); a worker's events for one fetched batch of
 * commands are larger than the commands, so they are sent in parts well under it.
 */
export const MAX_REQUEST_BYTES = 512 * 1024;

export function createProducer(kafka: Kafka, retry?: RetryOptions): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    ...(retry ? { retry } : {}),
  });
}

/** A record to produce, in plain terms (no kafkajs type leaves this folder). */
export interface OutboundRecord {
  key?: string | Buffer | null;
  value: string | Buffer | null;
  headers?: Record<string, string | Buffer | (string | Buffer)[] | undefined>;
  /** Set when the caller knows the partition; otherwise the key's hash picks it. */
  partition?: number;
}

export interface TopicRecords {
  topic: string;
  messages: OutboundRecord[];
}

function approximateBytes(message: OutboundRecord): number {
  let size = 64;
  if (message.key) size += message.key.length;
  if (message.value) size += message.value.length;
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    size += name.length + (typeof value === 'string' || Buffer.isBuffer(value) ? value.length : 64);
  }
  return size;
}

/** Splits records into requests of at most `maxBytes`, keeping every topic's order. */
export function chunkRecords(
  records: readonly TopicRecords[],
  maxBytes = MAX_REQUEST_BYTES,
): TopicRecords[][] {
  const requests: TopicRecords[][] = [];
  let current: TopicRecords[] = [];
  let currentBytes = 0;
  for (const { topic, messages } of records) {
    let part: TopicRecords = { topic, messages: [] };
    for (const message of messages) {
      const bytes = approximateBytes(message);
      if (currentBytes + bytes > maxBytes && currentBytes > 0) {
        if (part.messages.length > 0) current.push(part);
        requests.push(current);
        current = [];
        currentBytes = 0;
        part = { topic, messages: [] };
      }
      part.messages.push(message);
      currentBytes += bytes;
    }
    if (part.messages.length > 0) current.push(part);
  }
  if (current.length > 0) requests.push(current);
  return requests;
}

/**
 * Sends the records in order, one request after another, acknowledged by every replica.
 * `onSent` is called after each acknowledged request (its records are on the log).
 */
export async function sendInOrder(
  producer: Producer,
  records: readonly TopicRecords[],
  onSent?: () => void,
): Promise<void> {
  for (const topicMessages of chunkRecords(records)) {
    await producer.sendBatch({ topicMessages, acks: -1 });
    onSent?.();
  }
}
