/**
 * The one producer path of every Holdfast process: idempotent, acks from every replica, one
 * request in flight (kafkajs's idempotent producer reorders otherwise). Sends that arrive
 * while a request is in flight, or in the same tick, go out together in the next request,
 * so one request in flight still carries many partitions' records. A caller awaits its
 * send before its next one, so its order is kept; a failed request fails every send it
 * carried.
 *
 * After a failed request the kafkajs producer is replaced by a new one (a new producer id,
 * sequence numbers from zero). kafkajs rolls its sequence numbers back when a request
 * fails, but the broker may have appended the batch; after an outage longer than the retry
 * budget the old producer can be refused OUT_OF_ORDER_SEQUENCE_NUMBER on every later try,
 * or have a re-send of the same size dropped as a duplicate.
 *
 * What a failed send says of the log: it rejects with `HF_PRODUCE_NOT_SENT` only when its
 * records certainly did not reach a broker — the producer was stopped before the send, the
 * connect before the request failed, or kafkajs refused the request before writing it ("The
 * producer is disconnected"/"disconnecting": thrown before its retrier runs, so without a
 * `cause`). Every other failure is kafkajs's own error, after which the records may be on the
 * log: a request timed out (`KafkaJSRequestTimeoutError`), a connection closed after the
 * request left (`KafkaJSConnectionClosedError`), retries ran out
 * (`KafkaJSNumberOfRetriesExceeded`, whose earlier attempts may have been appended), a
 * partition answered with an error, or an earlier part of a split request was appended.
 */
import type { Kafka, Producer } from 'kafkajs';
import type { RetrySettings } from '../config/env.ts';
import { ERROR_CODES, HoldfastError } from '../contract/errors.ts';
import type { Logger } from '../observability/logger.ts';
import { kafkaRetry } from './client.ts';
import { createProducer, sendInOrder, type TopicRecords } from './producer.ts';

export interface BatchingProducerOptions {
  kafka: Kafka;
  logger: Logger;
  /**
   * kafkajs's retries of one request. Unset: the client's (bounded) retries. A gateway
   * bounds them tighter so that a client hears of an outage instead of waiting.
   */
  retry?: RetrySettings;
}

interface Pending {
  records: readonly TopicRecords[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class BatchingProducer {
  readonly #options: BatchingProducerOptions;
  readonly #logger: Logger;
  #producer: Producer;
  #connecting: Promise<void> | undefined;
  #isConnected = false;
  #queue: Pending[] = [];
  #flushing: Promise<void> | undefined;
  #closed = false;

  constructor(options: BatchingProducerOptions) {
    this.#options = options;
    this.#logger = options.logger.child({ component: 'batching-producer' });
    this.#producer = this.#create();
  }

  #create(): Producer {
    const producer = createProducer(
      this.#options.kafka,
      this.#options.retry && kafkaRetry(this.#options.retry),
    );
    producer.on(producer.events.CONNECT, () => {
      if (producer === this.#producer) this.#isConnected = true;
    });
    producer.on(producer.events.DISCONNECT, () => {
      if (producer === this.#producer) this.#isConnected = false;
    });
    return producer;
  }

  /** The current kafkajs producer is connected (it may be between replacements). */
  get connected(): boolean {
    return this.#isConnected;
  }

  async connect(): Promise<void> {
    this.#connecting ??= this.#producer.connect().catch((error: unknown) => {
      this.#connecting = undefined;
      throw error;
    });
    await this.#connecting;
  }

  /** Resolves once every record is acknowledged by every replica. */
  send(records: readonly TopicRecords[]): Promise<void> {
    if (this.#closed) return Promise.reject(notSent('producer closed'));
    return new Promise((resolve, reject) => {
      this.#queue.push({ records, resolve, reject });
      // One tick later, so every send of the same tick rides in this request.
      this.#flushing ??= new Promise<void>((done) => setImmediate(done)).then(() => this.#flush());
    });
  }

  async #flush(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const carried = this.#queue;
        this.#queue = [];
        let requestsSent = 0;
        try {
          await this.connect().catch((error: unknown) => {
            throw notSent('the producer could not connect', error);
          });
          await sendInOrder(this.#producer, mergeByTopic(carried.flatMap((p) => p.records)), () => {
            requestsSent++;
          });
          for (const pending of carried) pending.resolve();
        } catch (error) {
          this.#logger.error(
            { err: error, sends: carried.length },
            'produce failed; replacing the producer',
          );
          const failure =
            requestsSent === 0 && refusedBeforeSending(error) && !(error instanceof HoldfastError)
              ? notSent((error as Error).message, error)
              : error;
          for (const pending of carried) pending.reject(failure);
          await this.#replace();
        }
      }
    } finally {
      this.#flushing = undefined;
    }
  }

  async #replace(): Promise<void> {
    const old = this.#producer;
    this.#producer = this.#create();
    this.#connecting = undefined;
    this.#isConnected = false;
    await old.disconnect().catch(() => {});
    if (this.#closed) return;
    this.connect().catch((error: unknown) => {
      this.#logger.warn({ err: error }, 'producer reconnect failed; the next send retries');
    });
  }

  /** Refuses new sends, lets the ones in hand finish, disconnects. */
  async stop(): Promise<void> {
    this.#closed = true;
    await this.#flushing;
    await this.#producer.disconnect();
  }
}

/** One entry per topic, messages in the order the sends arrived. */
function mergeByTopic(records: readonly TopicRecords[]): TopicRecords[] {
  const byTopic = new Map<string, TopicRecords>();
  for (const { topic, messages } of records) {
    const entry = byTopic.get(topic);
    if (entry) entry.messages.push(...messages);
    else byTopic.set(topic, { topic, messages: [...messages] });
  }
  return [...byTopic.values()];
}

function notSent(message: string, cause?: unknown): HoldfastError {
  return new HoldfastError(ERROR_CODES.PRODUCE_NOT_SENT, message, { cause, retriable: true });
}

/**
 * kafkajs's refusals made before a request is written: its connection-state checks, which
 * throw a plain `KafkaJSError` / `KafkaJSNonRetriableError` without a `cause` (every error
 * that leaves its retrier carries one), and our own not-sent errors.
 */
export function refusedBeforeSending(error: unknown): boolean {
  if (error instanceof HoldfastError) return error.code === ERROR_CODES.PRODUCE_NOT_SENT;
  if (!(error instanceof Error) || error.cause !== undefined) return false;
  return (
    (error.name === 'KafkaJSError' || error.name === 'KafkaJSNonRetriableError') &&
    /producer is disconnect/.test(error.message)
  );
}
