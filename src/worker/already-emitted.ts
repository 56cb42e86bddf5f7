/**
 * What a replay must not produce again (docs/design.md §3.16): the records of the commands up
 * to the latest event of the partition found on `seat-events` when it was loaded. Those are on
 * the log already (see `kafka/emitted-events.ts` for why one event vouches for all before
 * it); the replay decides them again, to rebuild memory, and leaves their records out.
 */
import type { SeatEvent } from '../contract/kafka-records.ts';
import { type EmittedPosition, eventPosition } from '../kafka/emitted-events.ts';
import { firstRecordTime } from '../kafka/log-fingerprint.ts';
import type { Logger } from '../observability/logger.ts';

/** How far a partition's events on `seat-events` go already. */
export interface EmittedLog {
  of(partition: number): Promise<EmittedPosition | undefined>;
}

export class AlreadyEmitted {
  readonly #partition: number;
  readonly #position: EmittedPosition;
  readonly #logger: Logger;

  private constructor(partition: number, position: EmittedPosition, logger: Logger) {
    this.#partition = partition;
    this.#position = position;
    this.#logger = logger;
  }

  /**
   * What is on the log of the commands from `start` on, if anything, from a reading of the
   * partition's latest event. One that names a command past this log's end, or logged before
   * this log's first record, belongs to another `seat-commands` log (its topic was made
   * again): it is not trusted, and the replay produces everything.
   */
  static async read(
    reading: Promise<EmittedPosition | undefined> | undefined,
    partition: number,
    log: { start: bigint; end: bigint; fingerprint: string },
    logger: Logger,
  ): Promise<AlreadyEmitted | undefined> {
    if (!reading || log.start >= log.end) return undefined;
    const position = await reading;
    if (!position || position.offset < log.start) return undefined;
    const first = firstRecordTime(log.fingerprint);
    if (position.offset >= log.end || (first !== undefined && position.occurredAt < first)) {
      logger.error(
        { offset: position.offset.toString(), logEnd: log.end.toString() },
        'seat-events holds events of another seat-commands log; the replay produces all its events',
      );
      return undefined;
    }
    return new AlreadyEmitted(partition, position, logger);
  }

  /** The command offset up to which records are on the log. */
  get through(): bigint {
    return this.#position.offset;
  }

  /** The command's records (events, dead letter) may be on the log already. */
  covers(offset: bigint): boolean {
    return offset <= this.#position.offset;
  }

  /** `event`, decided again for the command at `offset`, is on the log already. */
  has(offset: bigint, event: SeatEvent): boolean {
    if (offset !== this.#position.offset) return offset < this.#position.offset;
    const index = eventPosition(event.eventId, this.#partition)?.index;
    return index !== undefined && index <= this.#position.index;
  }

  /**
   * Called with what the replay decided for the command of the latest event on the log: it
   * must be that event again. If not, the log holds another decision under this id (a bug,
   * or events of another log): said loudly; the records after it are produced as decided.
   */
  check(offset: bigint, produced: readonly SeatEvent[]): void {
    const { index } = this.#position;
    if (offset !== this.#position.offset) return;
    if (produced.some((e) => eventPosition(e.eventId, this.#partition)?.index === index)) return;
    this.#logger.error(
      { offset: offset.toString(), index },
      'the replay did not decide the latest event found on seat-events again',
    );
  }
}
