/**
 * The shows a process knows: read from the compacted `shows` topic to its end before the
 * process decides or answers anything (DESIGN §3.4), then followed so a show created while
 * it runs becomes known within moments. Shows are immutable: the first record of a showId
 * wins and later ones are ignored (and logged).
 */
import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import type { ShowDefinition } from '../actors/messages.ts';
import { ERROR_CODES, HoldfastError } from '../errors.ts';
import type { Logger } from '../observability/logger.ts';
import { decodeShow } from './codec.ts';

/** What deciding and answering code needs of the catalog. */
export interface ShowLookup {
  get(showId: string): ShowDefinition | undefined;
}

export interface ShowCatalogOptions {
  kafka: Kafka;
  topic: string;
  /** Prefix of the throw-away consumer group each catalog reads with. */
  groupPrefix: string;
  logger: Logger;
  /** How long `start` may take to read the topic to its end. @defaultValue 30000 */
  readTimeoutMs?: number;
}

export class ShowCatalog implements ShowLookup {
  readonly #shows = new Map<string, ShowDefinition>();
  readonly #listeners = new Set<(show: ShowDefinition) => void>();
  readonly #consumer: Consumer;
  readonly #logger: Logger;

  private constructor(consumer: Consumer, logger: Logger) {
    this.#consumer = consumer;
    this.#logger = logger;
  }

  /** Starts following the topic and resolves once it has been read to its end. */
  static async start(options: ShowCatalogOptions): Promise<ShowCatalog> {
    const logger = options.logger.child({ component: 'show-catalog' });
    const consumer = options.kafka.consumer({
      // A fresh group each time: every process reads every show, from the beginning.
      groupId: `${options.groupPrefix}holdfast-shows-${randomUUID()}`,
      allowAutoTopicCreation: false,
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
    });
    const catalog = new ShowCatalog(consumer, logger);
    const admin = options.kafka.admin();
    await admin.connect();
    let endOffsets: Map<number, bigint>;
    try {
      const offsets = await admin.fetchTopicOffsets(options.topic);
      endOffsets = new Map(offsets.map((p) => [p.partition, BigInt(p.high)]));
    } finally {
      await admin.disconnect();
    }
    const pending = new Set([...endOffsets].filter(([, high]) => high > 0n).map(([p]) => p));
    const caughtUp = new Promise<void>((resolve) => {
      if (pending.size === 0) resolve();
      catalog.#onConsumed = (partition, offset) => {
        const high = endOffsets.get(partition) ?? 0n;
        if (offset + 1n >= high && pending.delete(partition) && pending.size === 0) resolve();
      };
    });

    await consumer.connect();
    await consumer.subscribe({ topic: options.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        catalog.#accept(message);
        catalog.#onConsumed(partition, BigInt(message.offset));
      },
    });
    const timeoutMs = options.readTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new HoldfastError(
              ERROR_CODES.TIMEOUT,
              `could not read topic ${options.topic} to its end within ${timeoutMs} ms`,
              { retriable: true, context: { topic: options.topic } },
            ),
          ),
        timeoutMs,
      );
    });
    try {
      await Promise.race([caughtUp, timedOut]);
    } catch (error) {
      await consumer.disconnect();
      throw error;
    } finally {
      clearTimeout(timer);
    }
    logger.info({ shows: catalog.#shows.size }, 'shows read to the end of the topic');
    return catalog;
  }

  #onConsumed: (partition: number, offset: bigint) => void = () => {};

  #accept(message: Parameters<typeof decodeShow>[0]): void {
    const decoded = decodeShow(message);
    if (!decoded.ok) {
      this.#logger.warn(
        { reason: decoded.reason },
        'ignoring an invalid record on the shows topic',
      );
      return;
    }
    const show = decoded.value;
    if (this.#shows.has(show.showId)) {
      this.#logger.warn(
        { showId: show.showId },
        'ignoring a second definition of an immutable show',
      );
      return;
    }
    this.#shows.set(show.showId, show);
    for (const listener of this.#listeners) listener(show);
  }

  get(showId: string): ShowDefinition | undefined {
    return this.#shows.get(showId);
  }

  list(): ShowDefinition[] {
    return [...this.#shows.values()];
  }

  /** Calls `listener` for each show that becomes known from now on. */
  onShow(listener: (show: ShowDefinition) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async stop(): Promise<void> {
    await this.#consumer.disconnect();
  }
}
