/**
 * Produces client commands to `seat-commands`: idempotent, `acks=all`, one request in
 * flight (kafkajs's idempotent producer reorders otherwise). Commands that arrive while a
 * send is in flight wait and go together in the next one, so one in flight still carries
 * many commands. A failed send fails its commands (the gateway answers `UNAVAILABLE`) and
 * the producer is recreated: after a broker restart the idempotent producer can fail with
 * OUT_OF_ORDER_SEQUENCE_NUMBER for good.
 */
import { type Kafka, Partitioners, type Producer } from 'kafkajs';
import type { SeatCommand } from '../contract/kafka-records.ts';
import { encodeCommand } from '../kafka/codec.ts';
import { chunkRecords } from '../kafka/producer.ts';
import type { Logger } from '../observability/logger.ts';

interface Queued {
  command: SeatCommand;
  done: (error: Error | undefined) => void;
}

export class CommandProducer {
  readonly #kafka: Kafka;
  readonly #topic: string;
  readonly #logger: Logger;
  #producer: Producer;
  #connected: Promise<void> | undefined;
  #queue: Queued[] = [];
  #sending = false;
  #isConnected = false;
  #closed = false;

  constructor(kafka: Kafka, topic: string, logger: Logger) {
    this.#kafka = kafka;
    this.#topic = topic;
    this.#logger = logger.child({ component: 'command-producer' });
    this.#producer = this.#create();
  }

  #create(): Producer {
    const producer = this.#kafka.producer({
      allowAutoTopicCreation: false,
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      // Bounded, unlike kafkajs's default for idempotent producers (forever): a client
      // should hear UNAVAILABLE while Kafka is down. kafkajs warns that this may weaken
      // exactly-once; a command written twice is harmless (its commandId dedupes it).
      retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 },
    });
    producer.on(producer.events.CONNECT, () => {
      this.#isConnected = true;
    });
    producer.on(producer.events.DISCONNECT, () => {
      this.#isConnected = false;
    });
    return producer;
  }

  get connected(): boolean {
    return this.#isConnected;
  }

  async connect(): Promise<void> {
    this.#connected ??= this.#producer.connect().catch((error: unknown) => {
      this.#connected = undefined;
      throw error;
    });
    await this.#connected;
  }

  /** Resolves once the command is on the log; rejects if it could not be written. */
  send(command: SeatCommand): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('producer closed'));
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ command, done: (error) => (error ? reject(error) : resolve()) });
      if (!this.#sending) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#sending = true;
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue;
        this.#queue = [];
        try {
          await this.connect();
          const records = [
            { topic: this.#topic, messages: batch.map((q) => encodeCommand(q.command)) },
          ];
          // Under the broker's request size limit, in order.
          for (const request of chunkRecords(records)) {
            await this.#producer.sendBatch({ acks: -1, topicMessages: request });
          }
          for (const q of batch) q.done(undefined);
        } catch (error) {
          this.#logger.error({ err: error, commands: batch.length }, 'could not produce commands');
          for (const q of batch) q.done(error as Error);
          await this.#recreate();
        }
      }
    } finally {
      this.#sending = false;
    }
  }

  async #recreate(): Promise<void> {
    const old = this.#producer;
    this.#producer = this.#create();
    this.#connected = undefined;
    this.#isConnected = false;
    await old.disconnect().catch(() => {});
    this.connect().catch((error: unknown) => {
      this.#logger.warn({ err: error }, 'producer reconnect failed; the next send retries');
    });
  }

  async stop(): Promise<void> {
    this.#closed = true;
    while (this.#sending) await new Promise((resolve) => setTimeout(resolve, 10));
    await this.#producer.disconnect();
  }
}
