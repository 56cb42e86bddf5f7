/**
 * The one partition-assignment consumer: a member of a consumer group on one topic that
 * hands each assigned partition to a handler, from the offset the handler says (never the
 * committed one), in order, batch by batch. The worker's partition hosts and the gateways'
 * read-model projection both plug into it.
 *
 * kafkajs starts fetching from committed offsets as soon as an assignment arrives, and its
 * GROUP_JOIN event is not awaited. So newly assigned partitions are paused in the listener,
 * the handler loads where each starts, the partition is sought there and only then resumed.
 * Every assignment (and rejoin) bumps an epoch of this consumer's own (not the group's
 * generation), so a slow load of an older one is dropped; a load that fails is retried
 * after a pause while its assignment is current. The handler is told the group generation
 * of the assignment too (the worker's claims carry it).
 *
 * Positions are the consumer's own: a batch that does not start where the handler stands
 * (kafkajs lost a seek, or fetched before it) is not handed over and the seek is made again;
 * a partition behind its log end that gets no batch for `stallMs` is sought again too.
 *
 * kafkajs's `autoCommit` commits after every batch whatever its interval says (its runner
 * calls `commitOffsets()` after each): one replicated write on the broker per partition
 * batch. It is off; positions are committed as position-commits.ts says. With auto-commit
 * off, kafkajs applies a seek locally instead of committing it, so a failed commit can no
 * longer drop a seek.
 */
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Logger } from '../observability/logger.ts';
import { logBounds } from './admin.ts';
import { createGroupConsumer } from './group-consumer.ts';
import type { ConsumedRecord, LogBounds, PartitionConsumerOptions } from './partition-handler.ts';
import { PositionCommits } from './position-commits.ts';

export type ConsumerLifecycle = 'STARTING' | 'RUNNING' | 'REJOINING' | 'STOPPING' | 'STOPPED';

/**
 * Per partition: the next offset the handler takes, the log end as last seen, when it last
 * moved (or was sought), a seek count (a batch in flight across a seek moves nothing), and
 * whether a batch of it is with the handler.
 */
interface Position {
  next: bigint;
  end: bigint;
  progressAt: number;
  seeks: number;
  busy: boolean;
}

const REJOIN_PAUSE_MAX_MS = 5000;
const LOAD_PAUSE_MAX_MS = 5000;

export class PartitionConsumer {
  readonly #o: PartitionConsumerOptions;
  readonly #logger: Logger;
  readonly #admin: ReturnType<Kafka['admin']>;
  readonly #positions = new Map<number, Position>();
  /** The partitions of the current assignment, loaded or not. */
  #assigned: readonly number[] = [];
  #joined = false;
  #consumer: Consumer;
  /** Bumped by every assignment, rejoin and stop: a load of an older epoch is dropped. */
  #epoch = 0;
  #lifecycle: ConsumerLifecycle = 'STARTING';
  #crashed: Error | undefined;
  #rejoin: Promise<void> | undefined;
  #rejoinAgain = false;
  #timer: NodeJS.Timeout | undefined;
  #handling = new Set<Promise<unknown>>();
  readonly #commits: PositionCommits;

  constructor(options: PartitionConsumerOptions) {
    this.#o = options;
    this.#logger = options.logger.child({ component: 'partition-consumer', topic: options.topic });
    this.#admin = options.kafka.admin();
    this.#consumer = this.#create();
    this.#commits = new PositionCommits(
      (offsets) =>
        this.#consumer.commitOffsets(
          offsets.map(({ partition, offset }) => ({
            topic: options.topic,
            partition,
            offset: offset.toString(),
          })),
        ),
      this.#logger,
    );
  }

  get lifecycle(): ConsumerLifecycle {
    return this.#lifecycle;
  }

  /** Set when kafkajs gave up on the consumer (it will not restart it). */
  get crashed(): Error | undefined {
    return this.#crashed;
  }

  /** Joined the group, and every assigned partition knows where it starts. */
  get positioned(): boolean {
    return (
      this.#lifecycle === 'RUNNING' &&
      this.#joined &&
      this.#assigned.every((p) => this.#positions.has(p))
    );
  }

  assignedPartitions(): number[] {
    return [...this.#assigned];
  }

  #now(): number {
    return (this.#o.now ?? Date.now)();
  }

  #create(): Consumer {
    return createGroupConsumer(this.#o, this.#logger, {
      isCurrent: (consumer) => consumer === this.#consumer,
      isStale: (consumer) => this.#isStale(consumer),
      assigned: (consumer, partitions, generation) =>
        this.#onAssignment(consumer, partitions, generation),
      // Still a member of the old generation: what was handled is committed for lag.
      rebalancing: () => void this.#commit(),
      gaveUp: (error) => {
        // Not ready until a new consumer has joined.
        this.#crashed = error;
        this.rejoin();
      },
    });
  }

  /**
   * A consumer replaced on rejoin can come back by itself: kafkajs restarts a crashed
   * consumer on a timer that may fire after our disconnect. It must not touch the
   * partitions; it is disconnected again.
   */
  #isStale(consumer: Consumer): boolean {
    if (consumer === this.#consumer) return false;
    this.#logger.warn('a replaced consumer came back; disconnecting it');
    consumer.disconnect().catch(() => {});
    return true;
  }

  async start(): Promise<void> {
    await this.#admin.connect();
    await this.#run(this.#consumer);
    this.#lifecycle = 'RUNNING';
    this.#timer = setInterval(() => this.#tick(), this.#o.commitIntervalMs ?? 5000);
    this.#timer.unref();
  }

  async #run(consumer: Consumer): Promise<void> {
    await consumer.connect();
    await consumer.subscribe({ topic: this.#o.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.#o.concurrency,
      eachBatch: async (payload) => {
        if (this.#isStale(consumer)) return;
        const work = this.#eachBatch(consumer, payload);
        this.#handling.add(work);
        try {
          await work;
        } finally {
          this.#handling.delete(work);
        }
      },
    });
  }

  #onAssignment(consumer: Consumer, assigned: number[], generation: number | undefined): void {
    const epoch = ++this.#epoch;
    this.#logger.info({ assigned, generation: generation ?? null }, 'partitions assigned');
    this.#o.onAssignment?.(assigned);
    this.#positions.clear();
    this.#commits.forget();
    this.#assigned = assigned;
    this.#joined = true;
    if (assigned.length > 0) consumer.pause([{ topic: this.#o.topic, partitions: assigned }]);
    void this.#load(consumer, assigned, epoch, generation);
  }

  /** Starts every partition of an assignment; retries the ones that fail while it is current. */
  async #load(
    consumer: Consumer,
    assigned: readonly number[],
    epoch: number,
    generation: number | undefined,
  ): Promise<void> {
    const isCurrent = () => epoch === this.#epoch && consumer === this.#consumer;
    let pending = [...assigned];
    try {
      await this.#o.handler.revoke();
    } catch (error) {
      this.#logger.error({ err: error }, 'dropping the previous partitions failed');
    }
    for (let attempt = 0; pending.length > 0 && isCurrent(); attempt++) {
      try {
        const bounds = await logBounds(this.#admin, this.#o.topic);
        const failed: number[] = [];
        await Promise.all(
          pending.map(async (partition) => {
            try {
              const start = await this.#o.handler.load(
                partition,
                bounds.get(partition) ?? { low: 0n, high: 0n },
                isCurrent,
                generation,
              );
              if (!isCurrent()) return;
              const end = bounds.get(partition)?.high ?? 0n;
              this.#positions.set(partition, {
                next: start,
                end,
                progressAt: this.#now(),
                seeks: 0,
                busy: false,
              });
              consumer.seek({ topic: this.#o.topic, partition, offset: start.toString() });
              consumer.resume([{ topic: this.#o.topic, partitions: [partition] }]);
            } catch (error) {
              this.#logger.error({ err: error, partition }, 'could not start the partition');
              failed.push(partition);
            }
          }),
        );
        pending = failed;
      } catch (error) {
        this.#logger.error({ err: error }, 'could not read the log bounds');
      }
      if (pending.length === 0 || !isCurrent()) break;
      const pauseMs = Math.min(200 * 2 ** attempt, LOAD_PAUSE_MAX_MS);
      this.#logger.warn({ partitions: pending, pauseMs }, 'starting partitions again shortly');
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
    if (isCurrent()) this.#logger.info({ partitions: assigned }, 'assigned partitions started');
  }

  /** The log bounds of one partition of the topic, as of now. */
  async bounds(partition: number): Promise<LogBounds> {
    return (await logBounds(this.#admin, this.#o.topic)).get(partition) ?? { low: 0n, high: 0n };
  }

  async #eachBatch(consumer: Consumer, payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const partition = batch.partition;
    const position = this.#positions.get(partition);
    if (!position || this.#lifecycle === 'STOPPING' || payload.isStale()) return;
    position.end = BigInt(batch.highWatermark);
    const seeks = position.seeks;
    const records: ConsumedRecord[] = [];
    for (const message of batch.messages) {
      const offset = BigInt(message.offset);
      if (offset < position.next) continue;
      records.push({
        offset,
        timestamp: Number(message.timestamp),
        key: message.key,
        value: message.value,
        headers: message.headers,
      });
    }
    const first = records[0];
    if (first?.offset !== position.next) {
      // kafkajs reads from elsewhere than the handler stands (a lost seek, or a fetch from
      // before it): put it back. Records below the position are re-deliveries.
      if (batch.messages.length > 0) this.#seek(consumer, partition, position);
      return;
    }
    position.busy = true;
    let next: bigint | undefined;
    try {
      next = await this.#o.handler.handle({ partition, records, highWatermark: position.end }, () =>
        payload.heartbeat(),
      );
    } finally {
      position.busy = false;
    }
    if (this.#positions.get(partition) !== position || position.seeks !== seeks) return;
    if (next !== undefined && next > position.next) {
      position.next = next;
      position.progressAt = this.#now();
      payload.resolveOffset((next - 1n).toString());
    }
    await payload.heartbeat();
  }

  /** Moves a partition (the handler starts it over, e.g. a rebuild from the log start). */
  seek(partition: number, offset: bigint): void {
    const position = this.#positions.get(partition);
    if (!position) return;
    position.next = offset;
    this.#seek(this.#consumer, partition, position);
  }

  #seek(consumer: Consumer, partition: number, position: Position): void {
    position.seeks++;
    position.progressAt = this.#now();
    consumer.seek({ topic: this.#o.topic, partition, offset: position.next.toString() });
  }

  #tick(): void {
    const now = this.#now();
    const stallMs = this.#o.stallMs ?? 3000;
    for (const [partition, position] of this.#positions) {
      if (!position.busy && position.next < position.end && now - position.progressAt > stallMs) {
        // A seek can still be lost (kafkajs pops it in a fetch that then fails); at the
        // end of a quiet log nothing else would show it.
        this.#logger.warn(
          { partition, from: position.next.toString(), to: position.end.toString() },
          'partition made no progress; seeking again',
        );
        this.#seek(this.#consumer, partition, position);
      }
    }
    void this.#commit();
  }

  /** Commits the positions the handler reached (sampled now), if joined. */
  #commit(): Promise<void> {
    if (!this.#joined) return Promise.resolve();
    const positions = new Map([...this.#positions].map(([p, position]) => [p, position.next]));
    return this.#commits.commit(positions);
  }

  /**
   * Leaves the group and joins again (the handler found a partition fenced: it claims
   * again only what the new assignment gives). The broker may be down (that may be why):
   * joining is retried with a growing pause until it works or the consumer is stopped. A
   * rejoin asked for while one runs makes it run once more.
   */
  rejoin(): void {
    if (this.#lifecycle === 'STOPPING' || this.#lifecycle === 'STOPPED') return;
    if (this.#rejoin) {
      this.#rejoinAgain = true;
      return;
    }
    // Not awaited by the batch that asked: disconnecting waits for that batch.
    this.#rejoin = (async () => {
      try {
        do {
          this.#rejoinAgain = false;
          await this.#rejoinOnce();
        } while (this.#rejoinAgain && this.#lifecycle === 'RUNNING');
      } finally {
        this.#rejoin = undefined;
      }
    })();
  }

  async #rejoinOnce(): Promise<void> {
    this.#lifecycle = 'REJOINING';
    this.#epoch++;
    this.#joined = false;
    this.#positions.clear();
    this.#logger.warn('leaving and rejoining the group');
    const old = this.#consumer;
    // Replaced before it is stopped, so anything the old one still emits is stale.
    this.#consumer = this.#create();
    await old.disconnect().catch((error: unknown) => {
      this.#logger.warn({ err: error }, 'disconnecting the replaced consumer failed');
    });
    await this.#o.handler.revoke().catch((error: unknown) => {
      this.#logger.error({ err: error }, 'dropping the partitions failed');
    });
    for (let attempt = 0; this.#lifecycle === 'REJOINING'; attempt++) {
      try {
        await this.#run(this.#consumer);
        this.#crashed = undefined;
        this.#lifecycle = 'RUNNING';
      } catch (error) {
        const pauseMs = Math.min(500 * 2 ** attempt, REJOIN_PAUSE_MAX_MS);
        this.#logger.warn({ err: error, attempt, pauseMs }, 'rejoining the group failed; retrying');
        const failed = this.#consumer;
        this.#consumer = this.#create();
        await failed.disconnect().catch(() => {});
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
    }
  }

  /** Finishes the batches in hand, commits what was handled, leaves the group. Idempotent. */
  #stopping: Promise<void> | undefined;
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      this.#lifecycle = 'STOPPING';
      if (this.#timer) clearInterval(this.#timer);
      await this.#rejoin;
      await Promise.allSettled([...this.#handling]);
      // Committed at once, so that a successor's lag reads true.
      await this.#commit();
      this.#epoch++;
      await this.#consumer.disconnect();
      await this.#o.handler.revoke();
      this.#positions.clear();
      await this.#admin.disconnect().catch(() => {});
      this.#lifecycle = 'STOPPED';
    })();
    return this.#stopping;
  }
}
