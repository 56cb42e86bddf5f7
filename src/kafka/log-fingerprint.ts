/**
 * The fingerprint of a partition's log: the cluster's id and the broker time of the
 * partition's first record, as `<cluster id>|<first record time>` (the time empty while the
 * partition has no record). State kept beside the log (snapshots, read-model offsets) carries
 * it, so that state from another log — a new broker, a topic made again — is never taken for
 * this one's. The state side compares fingerprints (`state/log-fingerprint.ts`).
 */
import { randomUUID } from 'node:crypto';
import type { Admin } from 'kafkajs';
import { ERROR_CODES, HoldfastError } from '../contract/errors.ts';
import { withAdmin } from './admin.ts';
import type { KafkaClient } from './client.ts';

export interface LogFingerprintOptions {
  kafka: KafkaClient;
  topic: string;
  /** Prefix of the throw-away consumer group that reads first records. */
  groupPrefix: string;
  /** How long reading the first records may take. @defaultValue 30000 */
  timeoutMs?: number;
}

export class LogFingerprints {
  readonly #o: LogFingerprintOptions;
  /** `partition/low offset` → that record's time: a record's time never changes. */
  readonly #firstTimes = new Map<string, string>();
  /** Partitions asked for in this turn of the event loop, answered together. */
  #batch: { partitions: Set<number>; result: Promise<Map<number, string>> } | undefined;

  constructor(options: LogFingerprintOptions) {
    this.#o = options;
  }

  /**
   * The fingerprint of each of `partitions` of the topic, as the cluster holds it now.
   * Partitions are loaded one by one, all at once: the calls of one turn share one admin
   * session and one reader of first records.
   */
  async of(partitions: readonly number[]): Promise<Map<number, string>> {
    if (!this.#batch) {
      const wanted = new Set<number>();
      const result = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        this.#batch = undefined;
        return this.#read([...wanted]);
      });
      this.#batch = { partitions: wanted, result };
    }
    for (const partition of partitions) this.#batch.partitions.add(partition);
    const all = await this.#batch.result;
    return new Map(partitions.map((partition) => [partition, all.get(partition) as string]));
  }

  #read(partitions: readonly number[]): Promise<Map<number, string>> {
    const { kafka, topic } = this.#o;
    return withAdmin(kafka, async (admin) => {
      const [{ clusterId }, offsets] = await Promise.all([
        admin.describeCluster(),
        admin.fetchTopicOffsets(topic),
      ]);
      const lows = new Map<number, string>();
      for (const p of offsets) {
        if (partitions.includes(p.partition) && BigInt(p.high) > BigInt(p.low))
          lows.set(p.partition, p.low);
      }
      const unknown = [...lows].filter(([p, low]) => !this.#firstTimes.has(`${p}/${low}`));
      if (unknown.length > 0) {
        const times = await this.#readFirstTimes(admin, new Map(unknown));
        for (const [p, time] of times) this.#firstTimes.set(`${p}/${lows.get(p)}`, time);
      }
      const result = new Map<number, string>();
      for (const partition of partitions) {
        const low = lows.get(partition);
        const first = low === undefined ? '' : (this.#firstTimes.get(`${partition}/${low}`) ?? '');
        result.set(partition, `${clusterId}|${first}`);
      }
      return result;
    });
  }

  /** The time of the record at `low` of each partition, read by a throw-away consumer. */
  async #readFirstTimes(
    admin: Admin,
    lows: ReadonlyMap<number, string>,
  ): Promise<Map<number, string>> {
    const { kafka, topic, groupPrefix } = this.#o;
    const groupId = `${groupPrefix}holdfast-fingerprint-${randomUUID()}`;
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
    const times = new Map<number, string>();
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      const timeoutMs = this.#o.timeoutMs ?? 30_000;
      const tooLong = new HoldfastError(
        ERROR_CODES.TIMEOUT,
        `reading the first records of ${topic} took longer than ${timeoutMs} ms`,
        { retriable: true },
      );
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(tooLong), timeoutMs);
        const done = (error?: unknown) => {
          clearTimeout(timer);
          if (error === undefined) resolve();
          else reject(error);
        };
        consumer
          .run({
            autoCommit: false,
            eachBatch: async ({ batch, pause }) => {
              const first = batch.messages[0];
              if (lows.has(batch.partition) && first && !times.has(batch.partition)) {
                times.set(batch.partition, first.timestamp);
              }
              pause();
              if (times.size === lows.size) done();
            },
          })
          .catch(done);
      });
    } finally {
      await consumer.disconnect();
      await admin.deleteGroups([groupId]).catch(() => undefined);
    }
    return times;
  }
}

/** The first record time a fingerprint names; undefined while its partition had none. */
export function firstRecordTime(fingerprint: string): number | undefined {
  const time = fingerprint.slice(fingerprint.lastIndexOf('|') + 1);
  return time === '' ? undefined : Number(time);
}
