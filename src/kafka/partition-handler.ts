/**
 * What a partition consumer hands over, what it asks of the code that consumes partitions
 * (the worker's partition hosts, the gateways' read-model projection), and its settings:
 * records in plain terms, so that no kafkajs type leaves src/kafka.
 */
import type { Kafka } from 'kafkajs';
import type { Logger } from '../observability/logger.ts';
import type { IncomingRecord } from './codec.ts';

/** One consumed record in plain terms. */
export interface ConsumedRecord extends IncomingRecord {
  readonly offset: bigint;
  /** Log time (ms) for a LogAppendTime topic, else the producer's timestamp. */
  readonly timestamp: number;
}

export interface PartitionBatch {
  readonly partition: number;
  /** Contiguous, starting exactly at the partition's position. */
  readonly records: readonly ConsumedRecord[];
  /** The log end when the batch was fetched. */
  readonly highWatermark: bigint;
}

export interface LogBounds {
  /** First offset still in the log. */
  readonly low: bigint;
  /** The offset the next record will get. */
  readonly high: bigint;
}

/** What a consumer of partitions does with them. */
export interface PartitionHandler {
  /**
   * The partitions of the previous assignment are gone (a new assignment, a rejoin, or
   * stop): drop them. A partition kept across a rebalance may have been handled by another
   * member in between, so it is started afresh.
   */
  revoke(): Promise<void>;
  /**
   * Loads a newly assigned partition and resolves to the offset it starts from. A throw
   * leaves it paused; it is tried again while `isCurrent()`. `generation` is the Kafka
   * group generation of the assignment, as kafkajs reported it with the join; undefined
   * when it did not (an install without its patch: a handler that needs it refuses).
   */
  load(
    partition: number,
    bounds: LogBounds,
    isCurrent: () => boolean,
    generation: number | undefined,
  ): Promise<bigint>;
  /**
   * Handles records from the partition's position on and resolves to the new position
   * (the offset after the last record handled), or undefined when it took none.
   */
  handle(batch: PartitionBatch, heartbeat: () => Promise<void>): Promise<bigint | undefined>;
}

/**
 * Fetch batching. kafkajs asks the broker for at least `minBytes` per fetch and lets it
 * wait up to `maxWaitTimeInMs` for them (Fetch request fields `min_bytes`/`max_wait_ms`):
 * a broker with less data holds the fetch until either is reached. `minBytes: 1` answers at
 * the first record, so at a steady trickle every record costs a fetch round trip.
 */
export interface FetchSettings {
  /** @defaultValue 1 (answer as soon as there is a record: decisions wait for nothing) */
  minBytes?: number;
  /** Also bounds how long a seek or a stop waits for the fetch in flight. @defaultValue 100 */
  maxWaitTimeInMs?: number;
}

/** How a member keeps its place in the group, and how kafkajs retries a failed consumer. */
export interface GroupSettings {
  /** How often the member tells the coordinator it is alive. @defaultValue 1000 */
  heartbeatIntervalMs?: number;
  /** How long a rebalance waits for members to rejoin; never less than the session timeout. @defaultValue 10000 */
  rebalanceTimeoutMs?: number;
  /** kafkajs's retries of a failed consumer operation before it crashes. @defaultValue 8 */
  retries?: number;
  /** The first retry's wait; later ones back off. @defaultValue 100 */
  retryInitialMs?: number;
  /** The longest wait between two retries. @defaultValue 3000 */
  retryMaxMs?: number;
}

export interface PartitionConsumerOptions {
  kafka: Kafka;
  topic: string;
  groupId: string;
  handler: PartitionHandler;
  logger: Logger;
  sessionTimeoutMs: number;
  /** Partitions handled at the same time. */
  concurrency: number;
  fetch?: FetchSettings;
  group?: GroupSettings;
  /** How often handled positions are committed (for lag metrics). @defaultValue 5000 */
  commitIntervalMs?: number;
  /** A partition behind its log end with no batch for this long is sought again. @defaultValue 3000 */
  stallMs?: number;
  /** Called on every assignment this member gets (for a rebalance counter). */
  onAssignment?: (partitions: readonly number[]) => void;
  now?: () => number;
}
