/** The fingerprint of a partition's log, read from a real broker. */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ensureTopics } from '../../../src/kafka/admin.ts';
import { LogFingerprints } from '../../../src/kafka/log-fingerprint.ts';
import { openTestScope, type TestScope } from '../../support/fixtures.ts';
import { waitFor } from '../../support/wait.ts';

let scope: TestScope;
beforeEach(async () => {
  scope = await openTestScope('fingerprint');
});
afterEach(() => scope.close());

it('names the cluster and the first record time; a topic made again is another log', async () => {
  const topic = `${scope.names.kafkaPrefix}log`;
  const spec = { topic, numPartitions: 2, configs: { 'message.timestamp.type': 'LogAppendTime' } };
  await scope.createTopics([spec]);
  const producer = await scope.producer();
  const [sent] = await producer.send({
    topic,
    acks: -1,
    messages: [
      { partition: 0, value: 'first' },
      { partition: 0, value: 'second' },
    ],
  });
  const { clusterId } = await scope.admin.describeCluster();
  const fingerprints = () =>
    new LogFingerprints({
      kafka: scope.kafka,
      topic,
      groupPrefix: scope.names.kafkaPrefix,
    });
  const first = await fingerprints().of([0, 1]);
  expect(sent?.partition).toBe(0);
  expect(first.get(0)).toMatch(new RegExp(`^${clusterId}\\|\\d+$`));
  expect(first.get(1)).toBe(`${clusterId}|`);
  expect(await fingerprints().of([0, 1])).toEqual(first);
  // Partitions asked for one by one in the same turn (as loads ask) each get their own.
  const shared = fingerprints();
  const [zero, one] = await Promise.all([shared.of([0]), shared.of([1])]);
  expect(zero).toEqual(new Map([[0, first.get(0)]]));
  expect(one).toEqual(new Map([[1, first.get(1)]]));

  // The same topic deleted and made again: same cluster, another first record.
  await scope.admin.deleteTopics({ topics: [topic] });
  await waitFor(async () => !(await scope.admin.listTopics()).includes(topic), {
    what: 'the topic deleted',
  });
  await ensureTopics(scope.kafka, [spec]);
  await producer.send({ topic, acks: -1, messages: [{ partition: 0, value: 'new log' }] });
  const again = await fingerprints().of([0]);
  expect(again.get(0)).not.toBe(first.get(0));
});
