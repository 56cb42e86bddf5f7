/**
 * Topic administration every process runs at start: the topics of docs/design.md §5.7 exist with
 * their partition count and configs. The partition count is the scaling ceiling and moves
 * live keys if changed, so a topic that exists with another count is an error, never
 * silently accepted.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import kafkajs, { type Admin, type Kafka } from 'kafkajs';
import { ERROR_CODES, HoldfastError } from '../contract/errors.ts';
import type { Logger } from '../observability/logger.ts';
import type { TopicSpec } from './topics.ts';

// kafkajs is CommonJS and Node's ESM loader cannot see these named exports: take them from the default.
const { ConfigResourceTypes, ConfigSource, KafkaJSProtocolError } = kafkajs;

export interface EnsureTopicsResult {
  /** Topics this call created; the others existed already with the right shape. */
  created: string[];
  /** Existing topics whose configs this call brought to their spec (`TopicSpec.adopt`). */
  adopted: string[];
}

/** Runs `work` with a connected admin client, disconnecting afterwards. */
export async function withAdmin<T>(kafka: Kafka, work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}

const LEADER_WAIT_MS = 30_000;

/** Resolves once every partition of `topics` has a leader; bounded, with a clear error. */
export async function waitForLeaders(admin: Admin, topics: readonly string[]): Promise<void> {
  const deadline = Date.now() + LEADER_WAIT_MS;
  let lastProblem = 'no metadata yet';
  for (;;) {
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [...topics] });
      const leaderless = metadata.topics.filter(
        (t) => t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0),
      );
      if (leaderless.length === 0) return;
      lastProblem = `no leader yet for ${leaderless.map((t) => t.name).join(', ')}`;
    } catch (error) {
      // A topic created a moment ago may not be in the broker's metadata yet.
      if (!(error instanceof KafkaJSProtocolError) || !error.retriable) throw error;
      lastProblem = error.message;
    }
    if (Date.now() >= deadline) {
      throw new HoldfastError(
        ERROR_CODES.TIMEOUT,
        `Kafka topics ${topics.join(', ')} have no leaders after ${LEADER_WAIT_MS} ms: ${lastProblem}`,
        { retriable: true, context: { topics } },
      );
    }
    await sleep(100);
  }
}

interface Mismatch {
  spec: TopicSpec;
  /** Set when the partition count differs: never changed here. */
  partitions?: string;
  /** One line per config that differs. */
  configs: string[];
  /** The topic's own configs (set on the topic, not inherited), by name. */
  own: Record<string, string>;
}

/** How existing topics differ from their specs; only the ones that differ. */
async function mismatches(admin: Admin, specs: readonly TopicSpec[]): Promise<Mismatch[]> {
  if (specs.length === 0) return [];
  const found: Mismatch[] = [];
  const metadata = await admin.fetchTopicMetadata({ topics: specs.map((s) => s.topic) });
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: specs.map((s) => ({
      type: ConfigResourceTypes.TOPIC,
      name: s.topic,
    })),
  });
  for (const spec of specs) {
    const mismatch: Mismatch = { spec, configs: [], own: {} };
    const partitions = metadata.topics.find((t) => t.name === spec.topic)?.partitions.length ?? 0;
    if (partitions !== spec.numPartitions) {
      mismatch.partitions = `topic "${spec.topic}" has ${partitions} partitions but ${spec.numPartitions} are configured (HOLDFAST_PARTITIONS); the partition count cannot change under live keys: use the existing count, or another HOLDFAST_KAFKA_PREFIX for a fresh set of topics`;
    }
    const entries =
      described.resources.find((r) => r.resourceName === spec.topic)?.configEntries ?? [];
    for (const entry of entries) {
      if (entry.configSource === ConfigSource.TOPIC_CONFIG)
        mismatch.own[entry.configName] = entry.configValue;
    }
    for (const [name, expected] of Object.entries(spec.configs)) {
      const actual = entries.find((e) => e.configName === name)?.configValue;
      if (actual !== expected) {
        mismatch.configs.push(
          `topic "${spec.topic}" has ${name}=${actual ?? '(unset)'} but needs ${name}=${expected}`,
        );
      }
    }
    if (mismatch.partitions || mismatch.configs.length > 0) found.push(mismatch);
  }
  return found;
}

/**
 * Sets an adoptable topic's configs to its spec, keeping the other configs set on it
 * (Kafka's AlterConfigs replaces a topic's whole set).
 */
async function adopt(admin: Admin, mismatch: Mismatch): Promise<void> {
  const configs = { ...mismatch.own, ...mismatch.spec.configs };
  await admin.alterConfigs({
    validateOnly: false,
    resources: [
      {
        type: ConfigResourceTypes.TOPIC,
        name: mismatch.spec.topic,
        configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })),
      },
    ],
  });
}

/**
 * Creates the missing topics of `specs` with their partition count and configs, waits for
 * their leaders, and checks that the existing ones match. A topic whose spec says it may be
 * adopted (`TopicSpec.adopt`) and whose partition count is right gets its configs set to the
 * spec, with a warning that says why. Idempotent and safe to run from several processes at
 * once. Throws HF_TOPIC_MISMATCH, naming every difference.
 */
export async function ensureTopics(
  kafka: Kafka,
  specs: readonly TopicSpec[],
  logger?: Logger,
): Promise<EnsureTopicsResult> {
  return withAdmin(kafka, async (admin) => {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((spec) => !existing.has(spec.topic));
    const created: string[] = [];
    if (missing.length > 0) {
      // kafkajs answers false, not an error, when another process created one first. Its own
      // leader wait fails on the UNKNOWN_TOPIC_OR_PARTITION a fresh topic briefly reports.
      await admin.createTopics({
        waitForLeaders: false,
        topics: missing.map((spec) => ({
          topic: spec.topic,
          numPartitions: spec.numPartitions,
          configEntries: Object.entries(spec.configs).map(([name, value]) => ({ name, value })),
        })),
      });
      created.push(...missing.map((spec) => spec.topic));
    }
    await waitForLeaders(
      admin,
      specs.map((spec) => spec.topic),
    );
    // Checked after creating too: a concurrent creator may have used another shape.
    let found = await mismatches(admin, specs);
    const adoptable = found.filter((m) => m.spec.adopt && !m.partitions);
    for (const mismatch of adoptable) {
      await adopt(admin, mismatch);
      logger?.warn(
        { topic: mismatch.spec.topic, changed: mismatch.configs },
        `topic ${mismatch.spec.topic}: configs set to what Holdfast needs. ${mismatch.spec.adopt}`,
      );
    }
    if (adoptable.length > 0) found = await mismatches(admin, specs);
    const problems = found.flatMap((m) => [...(m.partitions ? [m.partitions] : []), ...m.configs]);
    if (problems.length > 0) {
      throw new HoldfastError(
        ERROR_CODES.TOPIC_MISMATCH,
        `Existing Kafka topics do not match their specification:\n  ${problems.join('\n  ')}`,
        { context: { topics: specs.map((s) => s.topic) } },
      );
    }
    return { created, adopted: adoptable.map((m) => m.spec.topic) };
  });
}

export interface PartitionOffsets {
  partition: number;
  /** Offset of the first record still in the log. */
  earliest: string;
  /** Offset the next record will get (the log end): equal to `earliest` when empty. */
  latest: string;
}

/** Earliest and latest offsets of every partition of `topic`, ordered by partition. */
export async function partitionOffsets(admin: Admin, topic: string): Promise<PartitionOffsets[]> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets
    .map((o) => ({ partition: o.partition, earliest: o.low, latest: o.high }))
    .sort((a, b) => a.partition - b.partition);
}

/** The partition ids of `topic`, sorted, from metadata (a fresh topic may not answer offsets yet). */
export async function partitionIds(admin: Admin, topic: string): Promise<number[]> {
  const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
  return (metadata.topics[0]?.partitions ?? []).map((p) => p.partitionId).sort((a, b) => a - b);
}

/**
 * Right after topics are created, a broker can answer "not the leader" to offset requests
 * for a moment, and kafkajs does not retry that for an admin's `fetchTopicOffsets`. A
 * process that just created its topics waits here until every topic answers.
 */
export async function waitForTopicOffsets(
  admin: Admin,
  topics: readonly string[],
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      for (const topic of topics) await admin.fetchTopicOffsets(topic);
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new HoldfastError(
          ERROR_CODES.INFRA_NOT_READY,
          `topics ${topics.join(', ')} have no answering leader after ${timeoutMs} ms`,
          { cause: error, retriable: true, context: { topics } },
        );
      }
      await sleep(Math.min(100 * 2 ** attempt, 1000));
    }
  }
}

/** First offset and log end of every partition of `topic`. */
export async function logBounds(
  admin: Admin,
  topic: string,
): Promise<Map<number, { low: bigint; high: bigint }>> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return new Map(offsets.map((p) => [p.partition, { low: BigInt(p.low), high: BigInt(p.high) }]));
}
