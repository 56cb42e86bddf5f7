/**
 * The shows a process knows: read from the `shows` topic to its end before the process
 * decides or answers anything (docs/design.md §3.4), then followed so a show created while
 * it runs becomes known within moments. Shows are immutable: the first record of a showId,
 * by offset, is its definition; a later record or a tombstone for it is ignored, logged and
 * reported (`onIgnored`), so every reader, now or in a later replay, sees the same show.
 * The topic is retained forever and never compacted, so its offsets have no gaps: a gap means
 * records were removed (compaction or retention before this rule), and is logged.
 *
 * The topic stamps log time, so a worker can ask whether a show existed at a command's log
 * time (`getAt`): a decision then depends on the log alone, never on how far this process
 * happened to have read `shows` when the command arrived.
 */
import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { ERROR_CODES, HoldfastError } from '../contract/errors.ts';
import type { ShowDefinition } from '../contract/shows.ts';
import type { Logger } from '../observability/logger.ts';
import { decodeShow } from './codec.ts';

/** What answering code needs of the catalog. */
export interface ShowLookup {
  get(showId: string): ShowDefinition | undefined;
}

/** Why a record of the `shows` topic was not taken. */
export type IgnoredShowRecord = 'redefinition' | 'tombstone' | 'invalid';

export interface ShowCatalogOptions {
  kafka: Kafka;
  topic: string;
  /** Prefix of the throw-away consumer group each catalog reads with. */
  groupPrefix: string;
  logger: Logger;
  /** How long reading the topic to its end may take. @defaultValue 30000 */
  readTimeoutMs?: number;
  /** Told of every record not taken (for a metric). */
  onIgnored?: (reason: IgnoredShowRecord) => void;
}

interface KnownShow {
  show: ShowDefinition;
  /** Log time of the record that created the show. */
  loggedAt: number;
  /** Where that record is on the topic. */
  partition: number;
  offset: bigint;
}

/** Where a show's defining record is on the `shows` topic. */
export interface ShowRecordPosition {
  partition: number;
  offset: bigint;
}

export class ShowCatalog implements ShowLookup {
  readonly #shows = new Map<string, KnownShow>();
  readonly #listeners = new Set<(show: ShowDefinition) => void>();
  /** Next offset to consume, per partition. */
  readonly #position = new Map<number, bigint>();
  readonly #waiters = new Set<() => void>();
  readonly #consumer: Consumer;
  readonly #admin: Admin;
  readonly #topic: string;
  readonly #readTimeoutMs: number;
  readonly #logger: Logger;
  readonly #onIgnored: ((reason: IgnoredShowRecord) => void) | undefined;

  private constructor(options: ShowCatalogOptions) {
    this.#logger = options.logger.child({ component: 'show-catalog' });
    this.#onIgnored = options.onIgnored;
    this.#topic = options.topic;
    this.#readTimeoutMs = options.readTimeoutMs ?? 30_000;
    this.#admin = options.kafka.admin();
    this.#consumer = options.kafka.consumer({
      // A fresh group each time: every process reads every show, from the beginning.
      groupId: `${options.groupPrefix}holdfast-shows-${randomUUID()}`,
      allowAutoTopicCreation: false,
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
    });
  }

  /** Starts following the topic and resolves once it has been read to its end. */
  static async start(options: ShowCatalogOptions): Promise<ShowCatalog> {
    const catalog = new ShowCatalog(options);
    await catalog.#admin.connect();
    await catalog.#consumer.connect();
    await catalog.#consumer.subscribe({ topic: options.topic, fromBeginning: true });
    await catalog.#consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const offset = BigInt(message.offset);
        const expected = catalog.#position.get(partition) ?? 0n;
        // Read already: after a rejoin kafkajs may fetch from the start again (nothing is committed).
        if (offset < expected) return;
        if (offset > expected) {
          catalog.#logger.warn(
            { partition, from: expected.toString(), to: (offset - 1n).toString() },
            'records of the shows topic are missing (removed by compaction or retention, which Holdfast no longer sets): a show defined twice before may read as its later definition',
          );
        }
        catalog.#accept(partition, offset, message);
        catalog.#position.set(partition, offset + 1n);
        for (const wake of catalog.#waiters) wake();
      },
    });
    try {
      await catalog.catchUp();
    } catch (error) {
      await catalog.stop();
      throw error;
    }
    catalog.#logger.info({ shows: catalog.#shows.size }, 'shows read to the end of the topic');
    return catalog;
  }

  /** Resolves once every show logged before this call is known. */
  async catchUp(): Promise<void> {
    const offsets = await this.#admin.fetchTopicOffsets(this.#topic);
    const ends = offsets.map((p) => ({ partition: p.partition, end: BigInt(p.high) }));
    const reached = () =>
      ends.every(({ partition, end }) => (this.#position.get(partition) ?? 0n) >= end);
    if (reached()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(
          new HoldfastError(
            ERROR_CODES.TIMEOUT,
            `could not read topic ${this.#topic} to its end within ${this.#readTimeoutMs} ms`,
            { retriable: true, context: { topic: this.#topic } },
          ),
        );
      }, this.#readTimeoutMs);
      const check = () => {
        if (!reached()) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve();
      };
      this.#waiters.add(check);
    });
  }

  #accept(partition: number, offset: bigint, message: KafkaMessage): void {
    if (message.value === null) {
      this.#ignore(
        'tombstone',
        {
          showId: message.key?.toString(),
          offset: message.offset,
        },
        'ignoring a tombstone on the shows topic: shows are never deleted',
      );
      return;
    }
    const decoded = decodeShow(message);
    if (!decoded.ok) {
      this.#ignore(
        'invalid',
        {
          reason: decoded.reason,
          offset: message.offset,
        },
        'ignoring an invalid record on the shows topic',
      );
      return;
    }
    const show = decoded.value;
    const first = this.#shows.get(show.showId);
    if (first) {
      this.#ignore(
        'redefinition',
        {
          showId: show.showId,
          offset: message.offset,
          definedAt: first.offset.toString(),
        },
        'ignoring a later definition of an immutable show: the first record is the show',
      );
      return;
    }
    this.#shows.set(show.showId, { show, loggedAt: Number(message.timestamp), partition, offset });
    for (const listener of this.#listeners) listener(show);
  }

  #ignore(reason: IgnoredShowRecord, detail: Record<string, unknown>, message: string): void {
    this.#logger.warn(detail, message);
    this.#onIgnored?.(reason);
  }

  get(showId: string): ShowDefinition | undefined {
    return this.#shows.get(showId)?.show;
  }

  /** Where the record that defines the show is on the topic. */
  definedAt(showId: string): ShowRecordPosition | undefined {
    const known = this.#shows.get(showId);
    return known && { partition: known.partition, offset: known.offset };
  }

  /** The show as the log knew it at `logTime`: undefined if it was created later. */
  getAt(showId: string, logTime: number): ShowDefinition | undefined {
    const known = this.#shows.get(showId);
    return known && known.loggedAt <= logTime ? known.show : undefined;
  }

  list(): ShowDefinition[] {
    return [...this.#shows.values()].map((known) => known.show);
  }

  /** Calls `listener` for each show that becomes known from now on. */
  onShow(listener: (show: ShowDefinition) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async stop(): Promise<void> {
    await this.#consumer.disconnect();
    await this.#admin.disconnect();
  }
}
