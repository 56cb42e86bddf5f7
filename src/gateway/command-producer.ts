/**
 * Produces client commands to `seat-commands` through the shared batching producer. Its
 * retries (`HOLDFAST_COMMAND_RETRIES`) are bounded, unlike kafkajs's default for idempotent
 * producers (forever): a client should hear UNAVAILABLE while Kafka is down. kafkajs warns that this may weaken
 * exactly-once; a command written twice is harmless (its commandId dedupes it).
 */
import type { RetrySettings } from '../config/env.ts';
import type { SeatCommand } from '../contract/kafka-records.ts';
import { BatchingProducer } from '../kafka/batching-producer.ts';
import type { KafkaClient } from '../kafka/client.ts';
import { encodeCommand } from '../kafka/codec.ts';
import type { Logger } from '../observability/logger.ts';

export class CommandProducer {
  readonly #producer: BatchingProducer;
  readonly #topic: string;

  constructor(kafka: KafkaClient, topic: string, logger: Logger, retry: RetrySettings) {
    this.#topic = topic;
    this.#producer = new BatchingProducer({
      kafka,
      logger: logger.child({ component: 'command-producer' }),
      retry,
    });
  }

  get connected(): boolean {
    return this.#producer.connected;
  }

  connect(): Promise<void> {
    return this.#producer.connect();
  }

  /** Resolves once the command is on the log; rejects if it could not be written. */
  send(command: SeatCommand): Promise<void> {
    return this.#producer.send([{ topic: this.#topic, messages: [encodeCommand(command)] }]);
  }

  stop(): Promise<void> {
    return this.#producer.stop();
  }
}
