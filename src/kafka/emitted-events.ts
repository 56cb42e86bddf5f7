/**
 * How far the events already on `seat-events` go, per partition (docs/design.md §3.16): the
 * latest event position (`partition-offset-index` of its command, §3.9) among the last
 * records of the partition. A worker replaying a partition produces nothing at or below it.
 *
 * Why one position says "everything before it is there": a worker names the partition of its
 * events (the command's), a partition's events of one request form one record batch that is
 * appended whole or not at all, a request's parts and a host's batches are sent one after
 * another, each only after the one before was acknowledged by every replica, and a host
 * whose produce failed stops deciding and is reloaded from this very position. So whoever
 * appended the event at position (o, i) had every event before it on the log already: any
 * one event certifies the ones before it, and the highest of those read is the best bound.
 * A zombie's late records can only make the tail's highest lower than the truth (its events
 * are produced again: same ids, same content), never higher.
 */
import { withAdmin } from './admin.ts';
import type { KafkaClient } from './client.ts';
import { decodeEvent } from './codec.ts';
import { type OffsetRange, readRanges } from './range-reader.ts';
import { PartitionsPerTurn } from './turn-batch.ts';

/** Where the latest event read of a partition stands, in its command's terms. */
export interface EmittedPosition {
  /** The offset on `seat-commands` of the command that caused it. */
  readonly offset: bigint;
  /** Its index among that command's events. */
  readonly index: number;
  /** Its command's log time. */
  readonly occurredAt: number;
}

export interface EmittedEventsOptions {
  kafka: KafkaClient;
  /** `seat-events`. */
  topic: string;
  /** Prefix of the throw-away consumer group that reads the tails. */
  groupPrefix: string;
  /** Records read from the end of each partition. @defaultValue 1000 */
  tailRecords?: number;
  /** How long reading may take. @defaultValue 30000 */
  timeoutMs?: number;
}

const EVENT_ID = /^(\d+)-(\d+)-(\d+)$/;

/** The position an event id names, if it is one of `partition`'s. */
export function eventPosition(
  eventId: string,
  partition: number,
): Omit<EmittedPosition, 'occurredAt'> | undefined {
  const match = EVENT_ID.exec(eventId);
  if (!match || Number(match[1]) !== partition) return undefined;
  return { offset: BigInt(match[2] as string), index: Number(match[3]) };
}

function isAfter(a: Omit<EmittedPosition, 'occurredAt'>, b: Omit<EmittedPosition, 'occurredAt'>) {
  return a.offset > b.offset || (a.offset === b.offset && a.index > b.index);
}

export class EmittedEvents {
  readonly #o: EmittedEventsOptions;
  readonly #perTurn = new PartitionsPerTurn((partitions) => this.#read(partitions));

  constructor(options: EmittedEventsOptions) {
    this.#o = options;
  }

  /** The latest event position of `partition` on the log now; undefined when it has none. */
  async of(partition: number): Promise<EmittedPosition | undefined> {
    return (await this.#perTurn.of([partition])).get(partition);
  }

  async #read(partitions: readonly number[]): Promise<Map<number, EmittedPosition>> {
    const { kafka, topic } = this.#o;
    const tail = BigInt(this.#o.tailRecords ?? 1000);
    const ranges = await withAdmin(kafka, async (admin) => {
      const offsets = await admin.fetchTopicOffsets(topic);
      const wanted = new Map<number, OffsetRange>();
      for (const p of offsets) {
        const low = BigInt(p.low);
        const end = BigInt(p.high);
        if (!partitions.includes(p.partition) || end <= low) continue;
        wanted.set(p.partition, { from: end - tail > low ? end - tail : low, end });
      }
      return wanted;
    });
    if (ranges.size === 0) return new Map();
    return this.#readTails(ranges);
  }

  async #readTails(
    ranges: ReadonlyMap<number, OffsetRange>,
  ): Promise<Map<number, EmittedPosition>> {
    const latest = new Map<number, EmittedPosition>();
    await readRanges({
      kafka: this.#o.kafka,
      topic: this.#o.topic,
      groupPrefix: this.#o.groupPrefix,
      purpose: 'emitted',
      ranges,
      timeoutMs: this.#o.timeoutMs ?? 30_000,
      onRecord: (partition, message) => {
        const decoded = decodeEvent(message);
        if (!decoded.ok) return;
        const position = eventPosition(decoded.value.eventId, partition);
        if (!position) return;
        const current = latest.get(partition);
        if (!current || isAfter(position, current))
          latest.set(partition, { ...position, occurredAt: decoded.value.occurredAt });
      },
    });
    return latest;
  }
}
