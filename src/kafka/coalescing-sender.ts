/**
 * One produce request for many partitions' batches. With one request in flight (the
 * idempotent producer's rule), partitions that each sent their own events would queue
 * behind each other; instead, sends that arrive while a request is in flight wait and go
 * out together in the next one. A partition awaits its send before its next batch, so its
 * order is kept; a failed request fails every send it carried.
 */
import type { Producer } from 'kafkajs';
import { sendInOrder, type TopicRecords } from './producer.ts';

interface Pending {
  records: readonly TopicRecords[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class CoalescingSender {
  readonly #producer: Producer;
  #queue: Pending[] = [];
  #inFlight = false;

  constructor(producer: Producer) {
    this.#producer = producer;
  }

  send(records: readonly TopicRecords[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ records, resolve, reject });
      if (!this.#inFlight) {
        // One tick later, so every partition batch of the same fetch rides in this request.
        this.#inFlight = true;
        setImmediate(() => void this.#flush());
      }
    });
  }

  async #flush(): Promise<void> {
    this.#inFlight = true;
    while (this.#queue.length > 0) {
      const carried = this.#queue;
      this.#queue = [];
      try {
        await sendInOrder(this.#producer, mergeByTopic(carried.flatMap((p) => p.records)));
        for (const pending of carried) pending.resolve();
      } catch (error) {
        for (const pending of carried) pending.reject(error);
      }
    }
    this.#inFlight = false;
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
