/**
 * What a partition host is given (src/worker/partition-host.ts): the pure seat actors, the
 * shows, where its records go, and time. Each is injected so that a test can stand in for it.
 */
import type { HoldExpiry, SeatCommand, SeatEvent } from '../contract/kafka-records.ts';
import type { ShowDefinition } from '../contract/shows.ts';
import type { TopicRecords } from '../kafka/producer.ts';

/** The pure seat actors of one partition, as the host drives them. */
export interface PartitionCore {
  loadSnapshot(entries: Iterable<readonly [string, string]>): void;
  handle(
    command: SeatCommand,
    position: { partition: number; offset: string; logTime: number },
    show: ShowDefinition | undefined,
  ): readonly SeatEvent[];
  /** Seats changed since the last call, serialized for the snapshot. */
  takeChanges(): ReadonlyMap<string, string>;
  /** The earliest timer (hold deadline or passivation) of the partition. */
  nextDeadline(): number | undefined;
  /** Runs the timers due by `now`; returns the hold expiries to produce. */
  takeDue(now: number): HoldExpiry[];
  readonly liveActorCount: number;
}

/** The shows as the log knew them, and a way to catch up when a command names a new one. */
export interface ShowsAtLogTime {
  getAt(showId: string, logTime: number): ShowDefinition | undefined;
  get(showId: string): ShowDefinition | undefined;
  catchUp(): Promise<void>;
}

/** Where the host's records go: one call per batch, acknowledged by every replica. */
export interface RecordSink {
  send(records: readonly TopicRecords[]): Promise<void>;
}

/** Time and the one timer of a host, injected so that a test drives them. */
export interface Scheduler {
  now(): number;
  /** Runs `task` after `delayMs`; the returned function cancels it. */
  schedule(delayMs: number, task: () => void): () => void;
}

export const realScheduler: Scheduler = {
  now: () => Date.now(),
  schedule: (delayMs, task) => {
    const timer = setTimeout(task, delayMs);
    return () => clearTimeout(timer);
  },
};
