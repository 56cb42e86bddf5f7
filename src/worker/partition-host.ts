/**
 * One owned partition of `seat-commands`: its claim, its seat actors, its hold timer, and the
 * per-batch effect order of docs/design.md §3.6 — decide every command in memory, produce the
 * events, write the snapshot increment (fenced), and only then let the caller commit.
 *
 * A host lives for one assignment. Everything it does runs through one serial queue, so a
 * batch, a timer flush and the final stop never interleave.
 */
import { randomUUID } from 'node:crypto';
import PQueue from 'p-queue';
import { ERROR_CODES, isHoldfastError } from '../contract/errors.ts';
import { decodeCommand, encodeCommand, encodeEvent } from '../kafka/codec.ts';
import { deadLetter } from '../kafka/dead-letters.ts';
import type { ConsumedRecord } from '../kafka/partition-handler.ts';
import type { OutboundRecord } from '../kafka/producer.ts';
import type { Logger } from '../observability/logger.ts';
import type { SnapshotStore, SnapshotWriteResult } from '../state/snapshot-store.ts';
import { AlreadyEmitted, type EmittedLog } from './already-emitted.ts';
import {
  type PartitionCore,
  type RecordSink,
  realScheduler,
  type Scheduler,
  type ShowsAtLogTime,
} from './host-ports.ts';
import type { WorkerMetrics } from './metrics.ts';

export type HostStatus = 'LOADING' | 'DECIDING' | 'FENCED' | 'STOPPED';

export interface PartitionHostOptions {
  partition: number;
  topics: { commands: string; events: string; deadLetters: string };
  core: PartitionCore;
  snapshots: SnapshotStore;
  sink: RecordSink;
  emitted: EmittedLog;
  shows: ShowsAtLogTime;
  metrics: WorkerMetrics;
  logger: Logger;
  /** Called once when a snapshot write is refused: the worker must rejoin the group. */
  onFenced: (partition: number) => void;
  /** @defaultValue the real clock and `setTimeout` */
  scheduler?: Scheduler;
}

export interface BatchResult {
  /** The offset to commit (last applied + 1), or undefined when nothing may be committed. */
  commitOffset: bigint | undefined;
}

export class PartitionHost {
  readonly partition: number;
  readonly #options: PartitionHostOptions;
  readonly #queue = new PQueue({ concurrency: 1 });
  readonly #token = randomUUID();
  readonly #logger: Logger;
  readonly #scheduler: Scheduler;
  #status: HostStatus = 'LOADING';
  /** The next offset this partition must apply: the snapshot offset + 1, then onwards. */
  #nextOffset = 0n;
  #cancelTimer: (() => void) | undefined;
  #timerDeadline: number | undefined;
  /**
   * The log end at load time. Until the host has applied up to it, it is replaying history:
   * holds there mostly ended later in the same log, so their timers wait for the present.
   */
  #replayUntil = 0n;
  /**
   * The latest event of this partition already on `seat-events` when it was loaded: the
   * replay decides the commands up to it again but produces none of their records.
   */
  #emitted: AlreadyEmitted | undefined;

  constructor(options: PartitionHostOptions) {
    this.partition = options.partition;
    this.#options = options;
    this.#logger = options.logger.child({
      component: 'partition-host',
      partition: options.partition,
    });
    this.#scheduler = options.scheduler ?? realScheduler;
  }

  #now(): number {
    return this.#scheduler.now();
  }

  get status(): HostStatus {
    return this.#status;
  }

  get nextOffset(): bigint {
    return this.#nextOffset;
  }

  get liveActorCount(): number {
    return this.#options.core.liveActorCount;
  }

  /**
   * Claims the partition with a fresh token and loads its snapshot; returns the offset to
   * start consuming from (never the committed offset: docs/design.md §3.7). `log` names the group
   * generation of the assignment and the fingerprint of the partition's log.
   */
  load(
    logStart: bigint,
    logEnd: bigint,
    log: { generation: number; fingerprint: string },
  ): Promise<bigint> {
    return this.#serial(async () => {
      // Read beside the claim, for the replay (§3.16): the partitions loaded together share
      // one reader, and a reading taken earlier is only lower, never wrong.
      const emitted = logEnd > logStart ? this.#options.emitted.of(this.partition) : undefined;
      emitted?.catch(() => {}); // awaited below when there is something to replay
      const snapshot = await this.#options.snapshots.claimAndLoad(this.partition, {
        token: this.#token,
        generation: log.generation,
        logEndOffset: logEnd,
        fingerprint: log.fingerprint,
      });
      try {
        this.#options.core.loadSnapshot(snapshot.seats);
      } catch (error) {
        if (!isHoldfastError(error, ERROR_CODES.RECORD_INVALID)) throw error;
        // A record this code cannot read (a rollback across a format change): the log is
        // the truth, so drop the snapshot; the reload that follows replays from the start.
        this.#options.metrics.snapshotsDiscarded.inc({ reason: 'unreadable' });
        this.#logger.error(
          { err: error },
          'snapshot unreadable; discarding it, the partition replays from the start of the log',
        );
        await this.#options.snapshots.discard(this.partition, this.#token);
        throw error;
      }
      if (snapshot.discarded)
        this.#options.metrics.snapshotsDiscarded.inc({ reason: snapshot.discarded });
      const afterSnapshot = snapshot.offset === undefined ? logStart : snapshot.offset + 1n;
      // A snapshot below the log start (records deleted under it) cannot be continued from;
      // retention is forever, so this only happens when an operator changed it.
      this.#nextOffset = afterSnapshot < logStart ? logStart : afterSnapshot;
      this.#replayUntil = logEnd;
      this.#emitted = await AlreadyEmitted.read(
        emitted,
        this.partition,
        { start: this.#nextOffset, end: logEnd, fingerprint: log.fingerprint },
        this.#logger,
      );
      this.#status = 'DECIDING';
      this.#logger.info(
        {
          snapshotOffset: snapshot.offset?.toString() ?? null,
          discarded: snapshot.discarded,
          seats: snapshot.seats.size,
          startOffset: this.#nextOffset.toString(),
          emittedThrough: this.#emitted?.through.toString() ?? null,
        },
        snapshot.discarded
          ? `discarded the snapshot (${snapshot.discarded}); replaying from the start`
          : 'partition claimed and loaded',
      );
      this.#rearmTimer();
      return this.#nextOffset;
    });
  }

  /**
   * Applies one fetched batch. Records below the next offset (re-deliveries) are skipped;
   * a batch that starts past it (a fetch from before the seek) is refused whole so the
   * caller re-fetches from `nextOffset`.
   */
  processBatch(records: readonly ConsumedRecord[]): Promise<BatchResult> {
    return this.#serial(async () => {
      if (this.#status !== 'DECIDING') return { commitOffset: undefined };
      const fresh = records.filter((r) => r.offset >= this.#nextOffset);
      const first = fresh[0];
      if (!first) return { commitOffset: undefined };
      if (first.offset !== this.#nextOffset) {
        this.#logger.warn(
          { expected: this.#nextOffset.toString(), got: first.offset.toString() },
          'batch does not start at the next offset; refusing it',
        );
        return { commitOffset: undefined };
      }
      return this.#applyBatch(fresh);
    });
  }

  async #applyBatch(records: readonly ConsumedRecord[]): Promise<BatchResult> {
    const { metrics } = this.#options;
    try {
      const decided = await this.#decide(records);
      const last = records[records.length - 1] as ConsumedRecord;
      // Dead letters first: once any event of the batch is on the log, so are they (§3.16).
      if (decided.deadLetters.length > 0)
        await this.#options.sink.send([
          { topic: this.#options.topics.deadLetters, messages: decided.deadLetters },
        ]);
      if (decided.events.length > 0)
        await this.#options.sink.send([
          { topic: this.#options.topics.events, messages: decided.events },
        ]);
      const written = await this.#options.snapshots.write(
        this.partition,
        this.#token,
        last.offset,
        decided.changes,
      );
      if (written !== 'OK') {
        this.#fence(written);
        return { commitOffset: undefined };
      }
      this.#nextOffset = last.offset + 1n;
      if (this.#emitted && !this.#emitted.covers(this.#nextOffset)) this.#emitted = undefined;
    } catch (error) {
      // Deciding changed the actors; the effects of this batch may be half done. Memory is
      // ahead of the durable state, so it cannot be trusted: stop deciding and let the
      // partition be reloaded from its snapshot, which replays these commands to the same
      // decisions (same event ids). Redelivering the batch to this memory instead would
      // answer it from the repeat memory and lose its events.
      this.#logger.error({ err: error }, 'deciding a batch failed; the partition will be reloaded');
      this.#stopDeciding();
      return { commitOffset: undefined };
    }
    metrics.batchSize.observe(records.length);
    const now = this.#now();
    for (const record of records)
      metrics.decisionLatency.observe(Math.max(0, now - record.timestamp) / 1000);
    this.#rearmTimer();
    return { commitOffset: this.#nextOffset };
  }

  /**
   * Decides every command of the batch in memory: its events, dead letters and seat changes,
   * leaving out the records already on the log (§3.16).
   */
  async #decide(records: readonly ConsumedRecord[]): Promise<{
    events: OutboundRecord[];
    deadLetters: OutboundRecord[];
    changes: ReadonlyMap<string, string>;
  }> {
    const { core, topics, metrics } = this.#options;
    const events: OutboundRecord[] = [];
    const deadLetters: OutboundRecord[] = [];
    let catchUpDone = false;
    let alreadyOnLog = 0;
    for (const record of records) {
      const offset = record.offset.toString();
      const emitted = this.#emitted?.covers(record.offset) ? this.#emitted : undefined;
      const decoded = decodeCommand(record);
      if (!decoded.ok) {
        if (emitted) continue;
        deadLetters.push(
          deadLetter(
            record,
            { topic: topics.commands, partition: this.partition, offset },
            decoded.reason,
          ),
        );
        continue;
      }
      const command = decoded.value;
      const logTime = record.timestamp;
      let show = this.#options.shows.getAt(command.showId, logTime);
      if (!show && !catchUpDone && !this.#options.shows.get(command.showId)) {
        // The show may be logged already but not yet read here: catch up before refusing.
        await this.#options.shows.catchUp();
        catchUpDone = true;
        show = this.#options.shows.getAt(command.showId, logTime);
      }
      const produced = core.handle(command, { partition: this.partition, offset, logTime }, show);
      emitted?.check(record.offset, produced);
      for (const event of produced) {
        metrics.commands.inc({
          type: command.type,
          outcome: event.type === 'seat.rejected' ? event.reason : event.type,
        });
        if (emitted?.has(record.offset, event)) {
          alreadyOnLog++;
          continue;
        }
        const encoded = encodeEvent(event);
        // Named, not hashed: the events of this partition's commands must land in the same
        // partition of `seat-events`, where a replay reads how far they go (§3.16). With the
        // same partition count and key it is also where the key hashes to; naming it skips a
        // murmur2 hash per event.
        events.push({ ...encoded, partition: this.partition });
      }
    }
    if (alreadyOnLog > 0) metrics.eventsAlreadyInLog.inc(alreadyOnLog);
    if (deadLetters.length > 0) {
      metrics.deadLetters.inc(deadLetters.length);
      this.#logger.warn({ count: deadLetters.length }, 'records sent to the dead-letter topic');
    }
    return { events, deadLetters, changes: core.takeChanges() };
  }

  #fence(reason: Exclude<SnapshotWriteResult, 'OK'>): void {
    this.#options.metrics.fencedWrites.inc();
    this.#logger.warn(
      { reason },
      'snapshot write refused: another owner holds this partition; stopping',
    );
    this.#stopDeciding();
  }

  /** Stops deciding this partition for good: the worker reloads it (or hands it over). */
  #stopDeciding(): void {
    this.#status = 'FENCED';
    this.#stopTimer();
    this.#options.onFenced(this.partition);
  }

  /** Produces the expiry commands of every hold due by now, then waits for the next one. */
  #flushDueExpiries(): Promise<void> {
    return this.#serial(async () => {
      if (this.#status !== 'DECIDING') return;
      const due = this.#options.core.takeDue(this.#now());
      if (due.length > 0) {
        try {
          await this.#options.sink.send([
            { topic: this.#options.topics.commands, messages: due.map(encodeCommand) },
          ]);
          this.#options.metrics.expiriesScheduled.inc(due.length);
        } catch (error) {
          // The holds stay in the snapshot; the next owner (or a reload) re-arms them.
          this.#logger.error(
            { err: error, count: due.length },
            'could not produce hold expiries; reloading',
          );
          this.#stopDeciding();
          return;
        }
      }
      this.#rearmTimer();
    });
  }

  /** One timer per partition, set for the earliest hold deadline. */
  #rearmTimer(): void {
    const deadline = this.#options.core.nextDeadline();
    if (deadline === this.#timerDeadline && this.#cancelTimer) return;
    this.#stopTimer();
    if (
      deadline === undefined ||
      this.#status !== 'DECIDING' ||
      this.#nextOffset < this.#replayUntil
    )
      return;
    this.#timerDeadline = deadline;
    this.#cancelTimer = this.#scheduler.schedule(Math.max(0, deadline - this.#now()), () => {
      this.#cancelTimer = undefined;
      this.#timerDeadline = undefined;
      this.#flushDueExpiries().catch((error: unknown) =>
        this.#logger.error({ err: error }, 'hold timer failed'),
      );
    });
  }

  #stopTimer(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    this.#timerDeadline = undefined;
  }

  /** Finishes the work in hand, then drops the partition's actors and timer. */
  async stop(): Promise<void> {
    await this.#queue.onIdle();
    if (this.#status !== 'FENCED') this.#status = 'STOPPED';
    this.#stopTimer();
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    return this.#queue.add(work) as Promise<T>;
  }
}
