/**
 * The gateways' projection of `seat-events`: one consumer group, each record handled in
 * order — (1) read model, (2) broadcast if the seat changed, (3) hand the decision to the
 * gateway named in `replyTo`. The group protocol is the partition consumer's; this file
 * says where each partition starts and what a record does.
 *
 * Where a partition starts: from the offset the read model records for it + 1, never from
 * the committed offset (which serves lag metrics). No record means the read model was lost
 * (or never written): the partition is rebuilt from the start of the log, marked as
 * rebuilding so that no gateway serves the seat map until it has caught up. A periodic
 * check notices a loss on partitions that see no traffic.
 */
import { isStateChange, type SeatEvent } from '../contract/kafka-records.ts';
import type { SeatChanged } from '../contract/seat-views.ts';
import type { SeatCancelled } from '../contract/socket-events.ts';
import type { KafkaClient } from '../kafka/client.ts';
import { decodeEvent } from '../kafka/codec.ts';
import { PartitionConsumer } from '../kafka/partition-consumer.ts';
import type {
  FetchSettings,
  GroupSettings,
  LogBounds,
  PartitionBatch,
  PartitionHandler,
} from '../kafka/partition-handler.ts';
import type { Logger } from '../observability/logger.ts';
import type { AppliedRecord, ReadModel } from '../state/read-model.ts';
import { seatView, storedSeatOf } from '../state/read-model.ts';

/** What the consumer does with a record once the read model has it. */
export interface EventSink {
  broadcast(change: SeatChanged): void;
  /** An operator cancelled `ownerId`'s hold or reservation: tell that user's sockets. */
  cancelled(ownerId: string, notice: SeatCancelled): void;
  statsChanged(showId: string): void;
  /** `live` is false for records replayed while rebuilding (their waiters are long gone). */
  reply(event: SeatEvent, live: boolean): void;
}

export interface EventsConsumerOptions {
  kafka: KafkaClient;
  topic: string;
  groupId: string;
  readModel: ReadModel;
  /** The fingerprint of each partition's log, as the cluster holds it now. */
  fingerprints: { of(partitions: readonly number[]): Promise<Map<number, string>> };
  sink: EventSink;
  logger: Logger;
  /** This gateway's id, written into rebuilding marks. */
  owner: string;
  sessionTimeoutMs: number;
  /** How often assigned partitions are checked for a lost read model. @defaultValue 1000 */
  lossCheckMs?: number;
  /** Records whose log time is this recent still get a broadcast and reply while rebuilding. */
  replyWindowMs: number;
  /** @defaultValue the partition consumer's */
  commitIntervalMs?: number;
  fetch?: FetchSettings;
  group?: GroupSettings;
  now?: () => number;
}

/** Records applied in one round trip: a fetched batch is cut into chunks of this size. */
const APPLY_CHUNK = 500;

type ChunkOutcome =
  | { kind: 'handled'; next: bigint | undefined }
  /** The partition is being reset: nothing more of this batch is handled. */
  | { kind: 'paused' }
  /** The partition was started over (lost, or reset under the write). */
  | { kind: 'restarted' };

type PartitionState =
  | { phase: 'live'; low: bigint }
  | { phase: 'rebuilding'; low: bigint; target: bigint }
  | { phase: 'resetting' };

export class EventsConsumer implements PartitionHandler {
  readonly #o: EventsConsumerOptions;
  readonly #consumer: PartitionConsumer;
  readonly #logger: Logger;
  readonly #partitions = new Map<number, PartitionState>();
  readonly #rebuildTtlMs: number;
  #checking = false;
  /** Offsets of another log dropped for the current assignment (see `#dropForeign`). */
  #foreignDropped: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: EventsConsumerOptions) {
    this.#o = options;
    this.#logger = options.logger.child({ component: 'events-consumer' });
    this.#rebuildTtlMs = Math.max(30_000, 3 * options.sessionTimeoutMs);
    this.#consumer = new PartitionConsumer({
      kafka: options.kafka,
      topic: options.topic,
      groupId: options.groupId,
      handler: this,
      logger: options.logger,
      sessionTimeoutMs: options.sessionTimeoutMs,
      concurrency: 4,
      fetch: options.fetch,
      group: options.group,
      commitIntervalMs: options.commitIntervalMs,
      now: options.now,
    });
  }

  #now(): number {
    return (this.#o.now ?? Date.now)();
  }

  /** Joined the group and every assigned partition knows where it starts. */
  get ready(): boolean {
    if (!this.#consumer.positioned || this.#consumer.crashed) return false;
    for (const state of this.#partitions.values()) if (state.phase === 'resetting') return false;
    return true;
  }

  assignedPartitions(): number[] {
    return this.#consumer.assignedPartitions();
  }

  async start(): Promise<void> {
    await this.#consumer.start();
    this.#timer = setInterval(() => {
      this.#check().catch((error: unknown) =>
        this.#logger.warn({ err: error }, 'read-model check failed; will retry'),
      );
    }, this.#o.lossCheckMs ?? 1000);
    this.#timer.unref();
  }

  async revoke(): Promise<void> {
    this.#partitions.clear();
    this.#foreignDropped = undefined;
  }

  async load(partition: number, bounds: LogBounds, isCurrent: () => boolean): Promise<bigint> {
    await this.#dropForeign();
    const offset = (await this.#o.readModel.offsets([partition])).get(partition);
    if (!isCurrent()) return bounds.low;
    if (offset === undefined) return this.#startRebuild(partition, bounds);
    const from = offset + 1n > bounds.low ? offset + 1n : bounds.low;
    const rebuilding = await this.#o.readModel.isRebuilding(partition);
    if (rebuilding && from < bounds.high) {
      await this.#o.readModel.markRebuilding(partition, this.#o.owner, this.#rebuildTtlMs);
      this.#partitions.set(partition, {
        phase: 'rebuilding',
        low: bounds.low,
        target: bounds.high,
      });
    } else {
      if (rebuilding) await this.#o.readModel.clearRebuilding(partition);
      this.#partitions.set(partition, { phase: 'live', low: bounds.low });
    }
    return from;
  }

  /**
   * Offsets recorded from another log (a Redis that outlived its Kafka data) are dropped
   * before any partition is positioned: they then read as lost and are rebuilt. Once per
   * assignment, judging all its partitions at once, so that no partition is positioned from
   * data the check of another one drops a moment later. A failed check is tried again by the
   * next load (the partition consumer retries a load that throws).
   */
  #dropForeign(): Promise<void> {
    if (this.#foreignDropped) return this.#foreignDropped;
    const partitions = this.#consumer.assignedPartitions();
    const check = (async () => {
      const fingerprints = await this.#o.fingerprints.of(partitions);
      if (await this.#o.readModel.discardForeign(fingerprints)) {
        this.#logger.warn({ partitions }, 'read model held offsets of another log; dropped it');
      }
    })();
    check.catch(() => {
      if (this.#foreignDropped === check) this.#foreignDropped = undefined;
    });
    this.#foreignDropped = check;
    return check;
  }

  /** Empties a partition's record to replay it from the start of the log; returns that start. */
  async #startRebuild(partition: number, bounds: LogBounds): Promise<bigint> {
    this.#partitions.set(partition, { phase: 'resetting' });
    await this.#o.readModel.markRebuilding(partition, this.#o.owner, this.#rebuildTtlMs);
    const fingerprint = (await this.#o.fingerprints.of([partition])).get(partition) ?? '';
    await this.#o.readModel.resetPartition(partition, fingerprint);
    if (bounds.high <= bounds.low) {
      await this.#o.readModel.clearRebuilding(partition);
      this.#partitions.set(partition, { phase: 'live', low: bounds.low });
      return bounds.low;
    }
    this.#logger.warn(
      { partition, from: bounds.low.toString(), to: bounds.high.toString() },
      'read model missing for partition: rebuilding it from the start of the log',
    );
    this.#partitions.set(partition, {
      phase: 'rebuilding',
      low: bounds.low,
      target: bounds.high,
    });
    return bounds.low;
  }

  /** The read model lost a partition under a running consumer: rebuild it in place. */
  async #onLost(partition: number): Promise<void> {
    const state = this.#partitions.get(partition);
    if (!state || state.phase === 'resetting') return;
    try {
      const bounds = await this.#consumer.bounds(partition);
      if (this.#partitions.get(partition) !== state) return;
      this.#consumer.seek(partition, await this.#startRebuild(partition, bounds));
    } catch (error) {
      // Back to where it was, so that the next check or record tries again.
      if (this.#partitions.get(partition)?.phase === 'resetting') {
        this.#partitions.set(partition, state);
      }
      throw error;
    }
  }

  /**
   * Applies a fetched batch to the read model in chunks, one round trip each, then does
   * each record's broadcast and reply in offset order.
   */
  async handle(batch: PartitionBatch, heartbeat: () => Promise<void>): Promise<bigint | undefined> {
    let next: bigint | undefined;
    for (let from = 0; from < batch.records.length; from += APPLY_CHUNK) {
      const done = await this.#handleChunk(
        batch.partition,
        batch.records.slice(from, from + APPLY_CHUNK),
      );
      // Paused (being reset): keep what was handled; started over: the seek decides.
      if (done.kind === 'paused') return next;
      if (done.kind === 'restarted') return undefined;
      next = done.next ?? next;
      await heartbeat();
    }
    return next;
  }

  async #handleChunk(partition: number, records: PartitionBatch['records']): Promise<ChunkOutcome> {
    let state = this.#partitions.get(partition);
    if (!state || state.phase === 'resetting') return { kind: 'paused' };
    const decoded = records.map((record) => ({ record, decoded: decodeEvent(record) }));
    const applicable: AppliedRecord[] = [];
    for (const { record, decoded: d } of decoded) {
      if (d.ok) applicable.push({ offset: record.offset, event: d.value });
    }
    const results = await this.#o.readModel.applyAll(partition, applicable, state.low);
    let next: bigint | undefined;
    let applied = 0;
    for (const { record, decoded: d } of decoded) {
      if (d.ok) {
        const event = d.value;
        const result = results[applied++];
        if (!result || result.kind === 'lost') {
          await this.#onLost(partition);
          return { kind: 'restarted' };
        }
        // A check may have started the partition over while the write was in flight.
        if (this.#partitions.get(partition) !== state) return { kind: 'restarted' };
        // Replayed records are history, except recent ones (by log time): a change that
        // arrived just as the loss was noticed still needs its broadcast and its reply.
        const live =
          state.phase === 'live' ||
          (state.phase === 'rebuilding' && record.offset >= state.target) ||
          event.occurredAt >= this.#now() - this.#o.replyWindowMs;
        if (result.kind === 'applied' && result.changed && isStateChange(event)) {
          if (live) {
            this.#o.sink.broadcast({
              ...seatView(event.showId, event.seatId, storedSeatOf(event)),
              eventId: event.eventId,
            });
            if (event.type === 'seat.released' && event.cause === 'cancelled' && event.ownerId) {
              this.#o.sink.cancelled(event.ownerId, {
                showId: event.showId,
                seatId: event.seatId,
                reason: event.reason ?? '',
              });
            }
          }
          this.#o.sink.statsChanged(event.showId);
        }
        this.#o.sink.reply(event, live);
      } else {
        this.#logger.warn(
          { partition, offset: record.offset.toString(), reason: d.reason },
          'skipping an undecodable seat-events record',
        );
      }
      next = record.offset + 1n;
      if (state.phase === 'rebuilding' && next >= state.target) {
        await this.#o.readModel.clearRebuilding(partition);
        state = { phase: 'live', low: state.low };
        this.#partitions.set(partition, state);
        this.#logger.info({ partition }, 'read model rebuilt for partition');
      }
    }
    return { kind: 'handled', next };
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
    if (partitions.length === 0) return;
    const stored = await this.#o.readModel.offsets(partitions);
    for (const partition of partitions) {
      const state = this.#partitions.get(partition);
      if (!state || state.phase === 'resetting') continue;
      // Extend, never re-create: the handler may have just finished and cleared it.
      if (state.phase === 'rebuilding') {
        await this.#o.readModel.refreshRebuilding(partition, this.#rebuildTtlMs);
      }
      if (stored.get(partition) === undefined) await this.#onLost(partition);
    }
  }

  #stopping: Promise<void> | undefined;

  /** Finishes the batches in hand and leaves the group. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      if (this.#timer) clearInterval(this.#timer);
      await this.#consumer.stop();
    })();
    return this.#stopping;
  }
}
