import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ERROR_CODES, isHoldfastError } from '../../../src/contract/errors.ts';
import { ensureTopics } from '../../../src/kafka/admin.ts';
import { topicSpecs } from '../../../src/kafka/topics.ts';
import { openTestScope, type TestScope } from '../../support/fixtures.ts';

let scope: TestScope;
beforeEach(async () => {
  scope = await openTestScope('admin');
});
afterEach(() => scope.close());

describe('ensureTopics', () => {
  it('creates the Holdfast topics with their partition counts and configs, and is idempotent', async () => {
    const topics = scope.names.topics;
    const specs = topicSpecs(topics, 4);
    scope.defer(() => scope.admin.deleteTopics({ topics: specs.map((s) => s.topic) }));

    const first = await ensureTopics(scope.kafka, specs);
    const second = await ensureTopics(scope.kafka, specs);

    expect([...first.created].sort()).toEqual(specs.map((s) => s.topic).sort());
    expect(second.created).toEqual([]);
    const metadata = await scope.admin.fetchTopicMetadata({ topics: specs.map((s) => s.topic) });
    const partitions = Object.fromEntries(
      metadata.topics.map((t) => [t.name, t.partitions.length]),
    );
    expect(partitions).toEqual({
      [topics.commands]: 4,
      [topics.events]: 4,
      [topics.deadLetters]: 1,
      [topics.shows]: 1,
    });
    for (const topic of metadata.topics) {
      expect(topic.partitions.every((p) => p.leader >= 0)).toBe(true);
    }
  });

  it('reports an existing topic with another partition count, never accepting it', async () => {
    const topics = await scope.createHoldfastTopics(3);

    const attempt = ensureTopics(scope.kafka, topicSpecs(topics, 6));

    await expect(attempt).rejects.toSatisfy((error) =>
      isHoldfastError(error, ERROR_CODES.TOPIC_MISMATCH),
    );
    await expect(attempt).rejects.toThrow(
      new RegExp(`topic "${topics.commands}" has 3 partitions but 6 are configured`),
    );
    const metadata = await scope.admin.fetchTopicMetadata({ topics: [topics.commands] });
    expect(metadata.topics[0]?.partitions).toHaveLength(3);
  });
});
