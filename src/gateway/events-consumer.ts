/**
 * The gateways' consumer of `seat-events`: one consumer group, each record handled in
 * order — (1) read model, (2) broadcast if the seat changed, (3) hand the decision to the
 * gateway named in `replyTo` (DESIGN §4, "Results across gateways").
 *
 * Where a partition starts: from the offset the read model records for it + 1, never from
 * the committed offset (which serves lag metrics). No record means the read model was lost
 * (or never written): the partition is rebuilt from the start of the log, marked as
 * rebuilding so that no gateway serves the seat map until it has caught up. A periodic
 * check notices a loss on partitions that see no traffic.
 *
 * kafkajs emits GROUP_JOIN synchronously and starts fetching from committed offsets, so the
 * listener pauses the new partitions, loads where each starts, seeks and resumes.
 */
import type { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { isStateChange, type SeatEvent } from '../contract/kafka-records.ts';
import type { SeatChanged } from '../contract/seat-views.ts';
import { decodeEvent } from '../kafka/codec.ts';
import type { Logger } from '../observability/logger.ts';
import type { ReadModel } from '../state/read-model.ts';
import { seatView, storedSeatOf } from '../state/read-model.ts';

/** What the consumer does with a record once the read model has it. */
export interface EventSink {
  broadcast(change: SeatChanged): void;
  statsChanged(showId: string): void;
  /** `live` is false for records replayed while rebuilding (their waiters are long gone). */
  reply(event: SeatEvent, live: boolean): void;
}

export interface EventsConsumerOptions {
  kafka: Kafka;
  admin: Admin;
  topic: string;
  groupId: string;
  readModel: ReadModel;
  sink: EventSink;
  logger: Logger;
  /** This gateway's id, written into rebuilding marks. */
  owner: string;
  sessionTimeoutMs: number;
  /** How often assigned partitions are checked for a lost read model. @defaultValue 1000 */
  lossCheckMs?: number;
  /** Records whose log time is this recent still get a broadcast and reply while rebuilding. */
  replyWindowMs: number;
  now?: () => number;
}

/** A rebuild that applies nothing for this long is positioned again. */
const REBUILD_STALL_MS = 3000;

type PartitionState =
  | { phase: 'loading' }
  | { phase: 'live'; low: bigint }
  | {
      phase: 'rebuilding';
      low: bigint;
      target: bigint;
      /** When the rebuild last applied a record (or was last positioned). */
      progressAt: number;
    }
  | { phase: 'resetting' };

export class EventsConsumer {
  readonly #o: EventsConsumerOptions;
  readonly #consumer: Consumer;
  readonly #logger: Logger;
  readonly #partitions = new Map<number, PartitionState>();
  readonly #rebuildTtlMs: number;
  #joined = false;
  #loading = false;
  #checking = false;
  #dead = false;
  #generation = 0;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(options: EventsConsumerOptions) {
    this.#o = options;
    this.#logger = options.logger.child({ component: 'events-consumer' });
    this.#rebuildTtlMs = Math.max(30_000, 3 * options.sessionTimeoutMs);
    this.#consumer = options.kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: 1000,
      rebalanceTimeout: Math.max(options.sessionTimeoutMs, 10_000),
      // A seek (rebuild) and a stop wait for the fetch in flight: keep its long poll short.
      maxWaitTimeInMs: 500,
    });
  }

  #now(): number {
    return (this.#o.now ?? Date.now)();
  }

  /** Joined the group and every assigned partition knows where it starts. */
  get ready(): boolean {
    if (!this.#joined || this.#dead) return false;
    for (const state of this.#partitions.values()) {
      if (state.phase === 'loading' || state.phase === 'resetting') return false;
    }
    return true;
  }

  assignedPartitions(): number[] {
    return [...this.#partitions.keys()];
  }

  async start(): Promise<void> {
    const { events } = this.#consumer;
    this.#consumer.on(events.REBALANCING, () => {
      this.#joined = false;
      this.#generation++;
      this.#partitions.clear();
    });
    this.#consumer.on(events.GROUP_JOIN, (event) => {
      const partitions = event.payload.memberAssignment[this.#o.topic] ?? [];
      this.#onAssigned(partitions);
    });
    this.#consumer.on(events.CRASH, (event) => {
      // kafkajs restarts a crashed consumer unless `restart` is false: then it is dead in a
      // live process, and readiness must say so.
      if (!event.payload.restart) this.#dead = true;
      this.#logger.error(
        { err: event.payload.error, restart: event.payload.restart },
        event.payload.restart
          ? 'seat-events consumer crashed; kafkajs restarts it'
          : 'seat-events consumer crashed for good: this gateway is not ready any more',
      );
    });
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topic: this.#o.topic, fromBeginning: true });
    await this.#consumer.run({
      autoCommit: true,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 4,
      eachBatch: (payload) => this.#eachBatch(payload),
    });
    this.#timer = setInterval(() => {
      this.#check().catch((error: unknown) =>
        this.#logger.warn({ err: error }, 'read-model check failed; will retry'),
      );
    }, this.#o.lossCheckMs ?? 1000);
    this.#timer.unref();
  }

  #onAssigned(partitions: number[]): void {
    const generation = ++this.#generation;
    this.#partitions.clear();
    for (const partition of partitions) this.#partitions.set(partition, { phase: 'loading' });
    this.#joined = true;
    if (partitions.length === 0) return;
    this.#consumer.pause([{ topic: this.#o.topic, partitions }]);
    this.#load(partitions, generation).catch((error: unknown) => {
      this.#logger.error({ err: error, partitions }, 'could not load read-model offsets');
      // Leave them paused and loading (not ready); the check retries them.
    });
  }

  async #load(partitions: number[], generation: number): Promise<void> {
    if (this.#loading) return;
    this.#loading = true;
    try {
      await this.#position(partitions, generation);
    } catch (error) {
      // All of them stay paused and loading: the next check positions them again.
      if (generation === this.#generation) {
        for (const partition of partitions) this.#partitions.set(partition, { phase: 'loading' });
      }
      throw error;
    } finally {
      this.#loading = false;
    }
  }

  async #position(partitions: number[], generation: number): Promise<void> {
    const [stored, watermarks] = await Promise.all([
      this.#o.readModel.offsets(partitions),
      this.#watermarks(),
    ]);
    if (generation !== this.#generation) return;
    for (const partition of partitions) {
      const marks = watermarks.get(partition) ?? { low: 0n, high: 0n };
      const offset = stored.get(partition);
      if (offset === undefined) {
        await this.#startRebuild(partition, marks);
        continue;
      }
      const from = offset + 1n > marks.low ? offset + 1n : marks.low;
      const rebuilding = await this.#o.readModel.isRebuilding(partition);
      this.#consumer.seek({ topic: this.#o.topic, partition, offset: from.toString() });
      if (rebuilding && from < marks.high) {
        await this.#o.readModel.markRebuilding(partition, this.#o.owner, this.#rebuildTtlMs);
        this.#partitions.set(partition, {
          phase: 'rebuilding',
          low: marks.low,
          target: marks.high,
          progressAt: this.#now(),
        });
      } else {
        if (rebuilding) await this.#o.readModel.clearRebuilding(partition);
        this.#partitions.set(partition, { phase: 'live', low: marks.low });
      }
    }
    if (generation !== this.#generation) return;
    this.#consumer.resume([{ topic: this.#o.topic, partitions }]);
    this.#logger.info({ partitions }, 'seat-events partitions assigned and positioned');
  }

  async #watermarks(): Promise<Map<number, { low: bigint; high: bigint }>> {
    const offsets = await this.#o.admin.fetchTopicOffsets(this.#o.topic);
    return new Map(offsets.map((p) => [p.partition, { low: BigInt(p.low), high: BigInt(p.high) }]));
  }

  /** Replays a partition from the start of the log into an emptied record. */
  async #startRebuild(partition: number, marks: { low: bigint; high: bigint }): Promise<void> {
    this.#partitions.set(partition, { phase: 'resetting' });
    this.#consumer.seek({ topic: this.#o.topic, partition, offset: marks.low.toString() });
    await this.#o.readModel.markRebuilding(partition, this.#o.owner, this.#rebuildTtlMs);
    await this.#o.readModel.resetPartition(partition);
    if (marks.high <= marks.low) {
      await this.#o.readModel.clearRebuilding(partition);
      this.#partitions.set(partition, { phase: 'live', low: marks.low });
      return;
    }
    this.#logger.warn(
      { partition, from: marks.low.toString(), to: marks.high.toString() },
      'read model missing for partition: rebuilding it from the start of the log',
    );
    this.#partitions.set(partition, {
      phase: 'rebuilding',
      low: marks.low,
      target: marks.high,
      progressAt: this.#now(),
    });
  }

  async #onLost(partition: number): Promise<void> {
    const state = this.#partitions.get(partition);
    if (!state || state.phase === 'resetting' || state.phase === 'loading') return;
    this.#partitions.set(partition, { phase: 'resetting' });
    const generation = this.#generation;
    try {
      const marks = (await this.#watermarks()).get(partition) ?? { low: 0n, high: 0n };
      if (generation !== this.#generation) return;
      await this.#startRebuild(partition, marks);
    } catch (error) {
      // Back to where it was, so that the next check or record tries again.
      if (generation === this.#generation) this.#partitions.set(partition, state);
      throw error;
    }
  }

  async #eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const partition = batch.partition;
    for (const message of batch.messages) {
      if (!payload.isRunning() || payload.isStale() || this.#stopped) return;
      const state = this.#partitions.get(partition);
      if (!state || state.phase === 'loading' || state.phase === 'resetting') return;
      const offset = BigInt(message.offset);
      const decoded = decodeEvent(message);
      if (decoded.ok) {
        const event = decoded.value;
        const result = await this.#o.readModel.apply(partition, offset, event, state.low);
        if (result.kind === 'lost') {
          await this.#onLost(partition);
          return;
        }
        // A check may have started the partition over while the write was in flight.
        if (this.#partitions.get(partition) !== state) return;
        // Replayed records are history, except recent ones (by log time): a change that
        // arrived just as the loss was noticed still needs its broadcast and its reply.
        const now = this.#o.now ?? Date.now;
        const live =
          state.phase === 'live' ||
          offset >= state.target ||
          event.occurredAt >= now() - this.#o.replyWindowMs;
        if (result.kind === 'applied' && result.changed && isStateChange(event)) {
          if (live) {
            this.#o.sink.broadcast({
              ...seatView(event.showId, event.seatId, storedSeatOf(event)),
              eventId: event.eventId,
            });
          }
          this.#o.sink.statsChanged(event.showId);
        }
        this.#o.sink.reply(event, live);
      } else {
        this.#logger.warn(
          { partition, offset: message.offset, reason: decoded.reason },
          'skipping an undecodable seat-events record',
        );
      }
      payload.resolveOffset(message.offset);
      if (state.phase === 'rebuilding') state.progressAt = this.#now();
      if (state.phase === 'rebuilding' && offset + 1n >= state.target) {
        await this.#o.readModel.clearRebuilding(partition);
        this.#partitions.set(partition, { phase: 'live', low: state.low });
        this.#logger.info({ partition }, 'read model rebuilt for partition');
      }
      await payload.heartbeat();
    }
  }

  /** Notices a lost read model on quiet partitions and keeps rebuilding marks alive. */
  async #check(): Promise<void> {
    if (this.#checking) return;
    this.#checking = true;
    try {
      await this.#checkOnce();
    } finally {
      this.#checking = false;
    }
  }

  async #checkOnce(): Promise<void> {
    const partitions = [...this.#partitions.keys()];
    if (partitions.length === 0 || this.#stopped) return;
    const loading = partitions.filter((p) => this.#partitions.get(p)?.phase === 'loading');
    if (loading.length > 0 && this.#joined) {
      await this.#load(loading, this.#generation);
      return;
    }
    const stored = await this.#o.readModel.offsets(partitions);
    for (const partition of partitions) {
      const state = this.#partitions.get(partition);
      if (!state) continue;
      if (state.phase === 'rebuilding') {
        // Extend, never re-create: the handler may have just finished and cleared it.
        await this.#o.readModel.refreshRebuilding(partition, this.#rebuildTtlMs);
        const offset = stored.get(partition);
        if (offset !== undefined && this.#now() - state.progressAt > REBUILD_STALL_MS) {
          // A seek can be lost (kafkajs pops it before committing it, and a failed commit
          // drops it); at the end of a quiet log nothing would ever show it. Seek again to
          // where the rebuild stands.
          const from = offset + 1n > state.low ? offset + 1n : state.low;
          this.#logger.warn(
            { partition, from: from.toString(), to: state.target.toString() },
            'read-model rebuild made no progress; seeking again',
          );
          state.progressAt = this.#now();
          this.#consumer.seek({ topic: this.#o.topic, partition, offset: from.toString() });
        }
      }
      if (state.phase !== 'resetting' && stored.get(partition) === undefined) {
        await this.#onLost(partition);
      }
    }
  }

  #stopping: Promise<void> | undefined;

  /** Finishes the batch in hand and leaves the group. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      if (this.#timer) clearInterval(this.#timer);
      await this.#consumer.stop();
      this.#stopped = true;
      await this.#consumer.disconnect();
    })();
    return this.#stopping;
  }
}
