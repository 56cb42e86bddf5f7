/**
 * The first definition of a show is the only one (docs/design.md §3.4), against the real
 * broker: across a race of two creators, later records, tombstones, and a topic that earlier
 * versions compacted.
 */
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { ERROR_CODES, type HoldfastError, isHoldfastError } from '../../../src/contract/errors.ts';
import type { ShowDefinition } from '../../../src/contract/shows.ts';
import { ensureTopics } from '../../../src/kafka/admin.ts';
import { encodeShow } from '../../../src/kafka/codec.ts';
import { type IgnoredShowRecord, ShowCatalog } from '../../../src/kafka/show-catalog.ts';
import { publishShow } from '../../../src/kafka/show-publisher.ts';
import { topicSpecs } from '../../../src/kafka/topics.ts';
import { openTestScope, silentLogger, type TestScope } from '../../support/fixtures.ts';
import { WorkerTestbed } from '../../support/worker-testbed.ts';

let scope: TestScope;
beforeEach(async () => {
  scope = await openTestScope('shows');
});
afterEach(() => scope.close());

function definition(showId: string, rows: number, holdTtlMs: number): ShowDefinition {
  return { showId, rows, seatsPerRow: 4, holdTtlMs, createdAt: Date.now() };
}

async function catalog(
  topic: string,
  onIgnored?: (reason: IgnoredShowRecord) => void,
): Promise<ShowCatalog> {
  const started = await ShowCatalog.start({
    kafka: scope.kafka,
    topic,
    groupPrefix: scope.names.kafkaPrefix,
    logger: silentLogger,
    ...(onIgnored ? { onIgnored } : {}),
  });
  scope.defer(() => started.stop());
  return started;
}

describe('shows', () => {
  it('lets exactly one of two racing creators win, and every reader sees its definition', async () => {
    const topics = await scope.createHoldfastTopics(1);
    // Both creators read the topic before either appends: both pass the catalog check.
    const [mine, theirs] = await Promise.all([catalog(topics.shows), catalog(topics.shows)]);
    const a = definition('gala', 1, 5000);
    const b = definition('gala', 5, 9000);
    const results = await Promise.allSettled([
      publishShow(scope.kafka, topics.shows, mine, a),
      publishShow(scope.kafka, topics.shows, theirs, b),
    ]);

    const won = results.findIndex((r) => r.status === 'fulfilled');
    const lost = results.find((r) => r.status === 'rejected');
    expect(won).toBeGreaterThanOrEqual(0);
    expect(lost).toBeDefined();
    const winner = won === 0 ? a : b;
    const error = (lost as PromiseRejectedResult).reason;
    expect(isHoldfastError(error, ERROR_CODES.SHOW_EXISTS)).toBe(true);
    expect((error as HoldfastError).context.existing).toEqual(winner);
    expect((error as HoldfastError).message).toContain(`${winner.rows} rows`);
    // Both records are on the log; every reader takes the first.
    const offsets = await scope.admin.fetchTopicOffsets(topics.shows);
    expect(offsets[0]?.high).toBe('2');
    expect((await catalog(topics.shows)).get('gala')).toEqual(winner);
    expect(mine.get('gala')).toEqual(winner);
    expect(theirs.get('gala')).toEqual(winner);
  });

  it('keeps the first definition when a second record and a tombstone follow, and reports both', async () => {
    const topics = await scope.createHoldfastTopics(1);
    const first = definition('opera', 2, 60_000);
    await publishShow(scope.kafka, topics.shows, await catalog(topics.shows), first);
    const producer = await scope.producer();
    await producer.send({
      topic: topics.shows,
      messages: [encodeShow(definition('opera', 9, 1000)), { key: 'opera', value: null }],
    });

    const ignored: IgnoredShowRecord[] = [];
    const fresh = await catalog(topics.shows, (reason) => ignored.push(reason));
    expect(fresh.get('opera')).toEqual(first);
    expect(fresh.definedAt('opera')).toEqual({ partition: 0, offset: 0n });
    expect(ignored).toEqual(['redefinition', 'tombstone']);
    await expect(
      publishShow(scope.kafka, topics.shows, fresh, definition('opera', 3, 1000)),
    ).rejects.toSatisfy((error) => isHoldfastError(error, ERROR_CODES.SHOW_EXISTS));
  });

  it('creates the shows topic retained forever, never compacted', async () => {
    const topics = await scope.createHoldfastTopics(1);
    const described = await scope.admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: 2, name: topics.shows }],
    });
    const configs = Object.fromEntries(
      (described.resources[0]?.configEntries ?? []).map((e) => [e.configName, e.configValue]),
    );
    expect(configs).toMatchObject({
      'cleanup.policy': 'delete',
      'retention.ms': '-1',
      'retention.bytes': '-1',
      'message.timestamp.type': 'LogAppendTime',
    });
  });

  it('stops the compaction of a shows topic an earlier version made, keeping its other settings', async () => {
    const specs = topicSpecs(scope.names.topics, 1);
    const shows = specs.find((s) => s.topic === scope.names.topics.shows);
    if (!shows) throw new Error('no shows spec');
    await scope.createTopics([
      {
        topic: shows.topic,
        numPartitions: 1,
        configs: {
          'cleanup.policy': 'compact',
          'message.timestamp.type': 'LogAppendTime',
          'max.message.bytes': '2000000',
        },
      },
    ]);
    const result = await ensureTopics(scope.kafka, specs);
    scope.defer(() =>
      scope.admin.deleteTopics({
        topics: specs.map((s) => s.topic).filter((t) => t !== shows.topic),
      }),
    );
    expect(result.adopted).toEqual([shows.topic]);
    const described = await scope.admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: 2, name: shows.topic }],
    });
    const configs = Object.fromEntries(
      (described.resources[0]?.configEntries ?? []).map((e) => [e.configName, e.configValue]),
    );
    expect(configs).toMatchObject({
      'cleanup.policy': 'delete',
      'retention.ms': '-1',
      'retention.bytes': '-1',
      'max.message.bytes': '2000000',
    });
    // The other topics are never adopted: a wrong partition count is still refused.
    await expect(ensureTopics(scope.kafka, topicSpecs(scope.names.topics, 2))).rejects.toSatisfy(
      (error) => isHoldfastError(error, ERROR_CODES.TOPIC_MISMATCH),
    );
  });
});

describe('shows as the worker decides with them', () => {
  let bed: WorkerTestbed | undefined;
  afterEach(async () => {
    await bed?.close();
    bed = undefined;
  });

  it('decides with the first definition after a race, a redefinition and a tombstone', async () => {
    bed = await WorkerTestbed.create({
      kafkaBrokers: inject('kafkaBrokers'),
      redisUrl: inject('redisUrl'),
      partitions: 1,
    });
    const b = bed;
    const readers = await Promise.all([
      ShowCatalog.start({
        kafka: b.kafka,
        topic: b.topics.shows,
        groupPrefix: b.prefix,
        logger: silentLogger,
      }),
      ShowCatalog.start({
        kafka: b.kafka,
        topic: b.topics.shows,
        groupPrefix: b.prefix,
        logger: silentLogger,
      }),
    ]);
    const small = definition('ballet', 1, 5000);
    const large = definition('ballet', 3, 5000);
    const results = await Promise.allSettled([
      publishShow(b.kafka, b.topics.shows, readers[0], small),
      publishShow(b.kafka, b.topics.shows, readers[1], large),
    ]);
    await Promise.all(readers.map((r) => r.stop()));
    const winner = results[0]?.status === 'fulfilled' ? small : large;
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    // Later records try to change the show the other way round, then to delete it.
    await b.deployment.publishShows([winner === small ? large : small]);
    const producer = await scope.producer();
    await producer.send({ topic: b.topics.shows, messages: [{ key: 'ballet', value: null }] });

    const worker = await b.startWorker();
    // Row C exists only in the larger layout.
    const hold = b.hold('ballet', 'C1', 'ann');
    await b.send(hold);
    const [answer] = await b.decisionOf(hold);
    if (winner === large) expect(answer).toMatchObject({ type: 'seat.held' });
    else expect(answer).toMatchObject({ type: 'seat.rejected', reason: 'UNKNOWN_SEAT' });
    const ignored = await worker.metrics.showRecordsIgnored.get();
    expect(Object.fromEntries(ignored.values.map((v) => [v.labels.reason, v.value]))).toEqual({
      redefinition: 2,
      tombstone: 1,
    });
  });
});
