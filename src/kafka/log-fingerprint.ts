/**
 * The fingerprint of a partition's log: the cluster's id and the broker time of the
 * partition's first record, as `<cluster id>|<first record time>` (the time empty while the
 * partition has no record). State kept beside the log (snapshots, read-model offsets) carries
 * it, so that state from another log — a new broker, a topic made again — is never taken for
 * this one's. The state side compares fingerprints (`state/log-fingerprint.ts`).
 */
import { withAdmin } from './admin.ts';
import type { KafkaClient } from './client.ts';
import { type OffsetRange, readRanges } from './range-reader.ts';
import { PartitionsPerTurn } from './turn-batch.ts';

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
  readonly #perTurn = new PartitionsPerTurn((partitions) => this.#read(partitions));

  constructor(options: LogFingerprintOptions) {
    this.#o = options;
  }

  /**
   * The fingerprint of each of `partitions` of the topic, as the cluster holds it now.
   * Partitions are loaded one by one, all at once: the calls of one turn share one admin
   * session and one reader of first records.
   */
  async of(partitions: readonly number[]): Promise<Map<number, string>> {
    const all = await this.#perTurn.of(partitions);
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
        const times = await this.#readFirstTimes(new Map(unknown));
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

  /** The time of the record at `low` of each partition. */
  async #readFirstTimes(lows: ReadonlyMap<number, string>): Promise<Map<number, string>> {
    const times = new Map<number, string>();
    const ranges = new Map<number, OffsetRange>();
    for (const [partition, low] of lows) {
      ranges.set(partition, { from: BigInt(low), end: BigInt(low) + 1n });
    }
    await readRanges({
      kafka: this.#o.kafka,
      topic: this.#o.topic,
      groupPrefix: this.#o.groupPrefix,
      purpose: 'fingerprint',
      ranges,
      timeoutMs: this.#o.timeoutMs ?? 30_000,
      onRecord: (partition, message) => times.set(partition, message.timestamp),
    });
    return times;
  }
}

/** The first record time a fingerprint names; undefined while its partition had none. */
export function firstRecordTime(fingerprint: string): number | undefined {
  const time = fingerprint.slice(fingerprint.lastIndexOf('|') + 1);
  return time === '' ? undefined : Number(time);
}
