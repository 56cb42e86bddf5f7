/**
 * The partition consumer's protocol against a stand-in for a kafkajs consumer that the
 * test drives: it emits the assignment, records pauses, seeks and resumes, and delivers
 * batches from where *it* thinks the partition is — which, after a lost seek, is not where
 * the handler starts.
 */
import type { EachBatchPayload, Kafka } from 'kafkajs';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { PartitionConsumer } from '../../../src/kafka/partition-consumer.ts';
import type {
  LogBounds,
  PartitionBatch,
  PartitionHandler,
} from '../../../src/kafka/partition-handler.ts';
import { waitFor } from '../../support/wait.ts';

const logger = pino({ level: 'silent' });
const TOPIC = 'events';

type Listener = (event: { payload: Record<string, unknown> }) => void;

class FakeKafkaConsumer {
  readonly events = {
    GROUP_JOIN: 'join',
    REBALANCING: 'rebalancing',
    CRASH: 'crash',
  };
  readonly listeners = new Map<string, Listener>();
  readonly log: string[] = [];
  readonly commits: { partition: number; offset: string }[][] = [];
  /** Where this consumer would fetch from next, per partition. */
  readonly fetchFrom = new Map<number, bigint>();
  /** Seeks to drop, as kafkajs drops one whose commit fails. */
  dropSeeks = 0;
  eachBatch: ((payload: EachBatchPayload) => Promise<void>) | undefined;
  on(event: string, listener: Listener) {
    this.listeners.set(event, listener);
  }
  async connect() {}
  async subscribe() {}
  async run(options: { eachBatch: (payload: EachBatchPayload) => Promise<void> }) {
    this.eachBatch = options.eachBatch;
  }
  async disconnect() {}
  async commitOffsets(offsets: { partition: number; offset: string }[]) {
    this.commits.push(offsets.map(({ partition, offset }) => ({ partition, offset })));
  }
  pause(topics: { partitions: number[] }[]) {
    this.log.push(`pause ${topics[0]?.partitions.join(',')}`);
  }
  resume(topics: { partitions: number[] }[]) {
    this.log.push(`resume ${topics[0]?.partitions.join(',')}`);
  }
  seek({ partition, offset }: { partition: number; offset: string }) {
    this.log.push(`seek ${partition}@${offset}`);
    if (this.dropSeeks > 0) {
      this.dropSeeks--;
      return;
    }
    this.fetchFrom.set(partition, BigInt(offset));
  }
  /** A join as patched kafkajs reports it; `generationId: null` as unpatched kafkajs (none). */
  join(partitions: number[], generationId: number | null = 1) {
    const payload: Record<string, unknown> = { memberAssignment: { [TOPIC]: partitions } };
    if (generationId !== null) payload.generationId = generationId;
    this.listeners.get('join')?.({ payload });
  }
  /** Delivers `count` records of `partition` from where this consumer stands. */
  async deliver(partition: number, count: number, highWatermark: bigint) {
    const from = this.fetchFrom.get(partition) ?? 0n;
    const messages = Array.from({ length: count }, (_, i) => ({
      offset: (from + BigInt(i)).toString(),
      timestamp: '0',
      key: Buffer.from('k'),
      value: Buffer.from(`v${from + BigInt(i)}`),
      headers: {},
    }));
    await this.eachBatch?.({
      batch: { partition, messages, highWatermark: highWatermark.toString() },
      resolveOffset: (offset: string) => this.fetchFrom.set(partition, BigInt(offset) + 1n),
      heartbeat: async () => {},
      isStale: () => false,
    } as unknown as EachBatchPayload);
  }
}

class RecordingHandler implements PartitionHandler {
  readonly starts = new Map<number, bigint>();
  readonly seen: string[] = [];
  /** Per load, the partition and the group generation it was handed. */
  readonly loads: { partition: number; generation: number | undefined }[] = [];
  revokes = 0;
  failLoads = 0;
  async revoke() {
    this.revokes++;
  }
  async load(
    partition: number,
    _bounds: LogBounds,
    _isCurrent: () => boolean,
    generation: number | undefined,
  ) {
    this.loads.push({ partition, generation });
    if (this.failLoads > 0) {
      this.failLoads--;
      throw new Error('Redis unavailable');
    }
    return this.starts.get(partition) ?? 0n;
  }
  async handle(batch: PartitionBatch) {
    for (const record of batch.records) this.seen.push(`${batch.partition}@${record.offset}`);
    return (batch.records.at(-1)?.offset ?? -1n) + 1n;
  }
}

function setup() {
  const created = { count: 0 };
  const kafkaConsumer = new FakeKafkaConsumer();
  const handler = new RecordingHandler();
  const kafka = {
    consumer: () => {
      created.count++;
      return kafkaConsumer;
    },
    admin: () => ({
      connect: async () => {},
      disconnect: async () => {},
      fetchTopicOffsets: async () => [
        { partition: 0, low: '0', high: '20' },
        { partition: 1, low: '0', high: '20' },
      ],
    }),
  } as unknown as Kafka;
  const consumer = new PartitionConsumer({
    kafka,
    topic: TOPIC,
    groupId: 'g',
    handler,
    logger,
    sessionTimeoutMs: 6000,
    concurrency: 2,
    commitIntervalMs: 60_000,
  });
  return { kafkaConsumer, handler, consumer, created };
}

let running: PartitionConsumer | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe('PartitionConsumer', () => {
  it('pauses a new assignment, seeks each partition to where the handler starts, then resumes it', async () => {
    const { kafkaConsumer, handler, consumer } = setup();
    running = consumer;
    handler.starts.set(0, 5n);
    handler.starts.set(1, 7n);
    await consumer.start();
    kafkaConsumer.join([0, 1]);
    await waitFor(() => consumer.positioned, { what: 'both partitions positioned' });
    expect(kafkaConsumer.log[0]).toBe('pause 0,1');
    expect(kafkaConsumer.log).toContain('seek 0@5');
    expect(kafkaConsumer.log).toContain('seek 1@7');
    expect(kafkaConsumer.log.indexOf('seek 0@5')).toBeLessThan(
      kafkaConsumer.log.indexOf('resume 0'),
    );
    await kafkaConsumer.deliver(0, 2, 20n);
    expect(handler.seen).toEqual(['0@5', '0@6']);
  });

  // Issue 12, item 4: claims carry the group generation, so every load must be handed the
  // one of its own assignment (the patched kafkajs reports it with the join).
  it('hands every load the group generation its join reported', async () => {
    const { kafkaConsumer, handler, consumer } = setup();
    running = consumer;
    await consumer.start();
    kafkaConsumer.join([0, 1], 4);
    await waitFor(() => consumer.positioned, { what: 'generation 4 positioned' });
    expect(handler.loads).toEqual([
      { partition: 0, generation: 4 },
      { partition: 1, generation: 4 },
    ]);
    kafkaConsumer.join([1], 5);
    await waitFor(() => handler.loads.length === 3 && consumer.positioned, {
      what: 'generation 5 positioned',
    });
    expect(handler.loads[2]).toEqual({ partition: 1, generation: 5 });
  });

  it('hands a load no generation when the join reports none (kafkajs without its patch)', async () => {
    const { kafkaConsumer, handler, consumer } = setup();
    running = consumer;
    await consumer.start();
    kafkaConsumer.join([0], null);
    await waitFor(() => consumer.positioned, { what: 'partition 0 positioned' });
    expect(handler.loads).toEqual([{ partition: 0, generation: undefined }]);
  });

  // Regression (issue 12, item 5): kafkajs can drop a seek (it popped it, then the commit
  // carrying it failed) and fetch from the committed offset instead. Every batch then
  // started below the handler's position and was refused, forever.
  it('seeks again when kafkajs delivers from elsewhere than the handler stands', async () => {
    const { kafkaConsumer, handler, consumer } = setup();
    running = consumer;
    handler.starts.set(0, 5n);
    await consumer.start();
    kafkaConsumer.dropSeeks = 1;
    kafkaConsumer.join([0]);
    await waitFor(() => consumer.positioned, { what: 'partition 0 positioned' });
    await kafkaConsumer.deliver(0, 3, 20n); // 0, 1, 2: below the start
    expect(handler.seen).toEqual([]);
    await kafkaConsumer.deliver(0, 2, 20n);
    expect(handler.seen).toEqual(['0@5', '0@6']);
  });

  it('loads a partition again when its load fails, without leaving the group', async () => {
    const { kafkaConsumer, handler, consumer } = setup();
    running = consumer;
    handler.failLoads = 1;
    handler.starts.set(0, 3n);
    await consumer.start();
    kafkaConsumer.join([0]);
    expect(consumer.positioned).toBe(false);
    await waitFor(() => consumer.positioned, { what: 'partition 0 loaded on the second try' });
    expect(kafkaConsumer.log.filter((l) => l.startsWith('seek'))).toEqual(['seek 0@3']);
  });

  it('commits handled positions on stop, not per batch', async () => {
    const { kafkaConsumer, consumer } = setup();
    running = consumer;
    await consumer.start();
    kafkaConsumer.join([0]);
    await waitFor(() => consumer.positioned, { what: 'partition 0 positioned' });
    await kafkaConsumer.deliver(0, 4, 20n);
    await kafkaConsumer.deliver(0, 4, 20n);
    expect(kafkaConsumer.commits).toEqual([]);
    await consumer.stop();
    expect(kafkaConsumer.commits).toEqual([[{ partition: 0, offset: '8' }]]);
  });

  // Found by the broker-restart test: kafkajs gave up on a consumer (group coordinator not
  // found while the broker restarted) and the worker stayed out of the group for good.
  it('joins again with a new consumer when kafkajs gives up on the current one', async () => {
    const { kafkaConsumer, handler, consumer, created } = setup();
    running = consumer;
    await consumer.start();
    kafkaConsumer.join([0]);
    await waitFor(() => consumer.positioned, { what: 'partition 0 positioned' });
    expect(created.count).toBe(1);
    const revokes = handler.revokes;
    kafkaConsumer.listeners.get('crash')?.({
      payload: { error: new Error('Failed to find group coordinator'), restart: false },
    });
    expect(consumer.crashed?.message).toBe('Failed to find group coordinator');
    await waitFor(() => consumer.lifecycle === 'RUNNING' && consumer.crashed === undefined, {
      what: 'a new consumer joined',
    });
    expect(created.count).toBe(2);
    expect(handler.revokes).toBeGreaterThan(revokes);
  });
});
