import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deferred, openTestScope, type TestScope } from '../../support/fixtures.ts';

let scope: TestScope;
beforeEach(async () => {
  scope = await openTestScope('resume');
});
afterEach(() => scope.close());

describe('a consumer group across members', () => {
  it('resumes from the committed offset when a member stops and a new one joins', async () => {
    const topic = `${scope.names.kafkaPrefix}resume`;
    await scope.createTopics([{ topic, numPartitions: 1, configs: {} }]);
    const producer = await scope.producer();
    const send = (from: number, to: number) =>
      producer.send({
        topic,
        messages: Array.from({ length: to - from }, (_, i) => ({
          key: 'k',
          value: String(from + i),
        })),
      });
    const groupId = scope.names.group('members');

    await send(0, 5);
    const first: string[] = [];
    const firstDone = deferred();
    const member1 = await scope.consumer({ groupId });
    await member1.subscribe({ topic, fromBeginning: true });
    await member1.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        // A commit refused by a rebalance redelivers this record: count it once.
        const value = message.value?.toString() ?? '';
        if (!first.includes(value)) first.push(value);
        // Commit after handling, as the worker does: the next member starts after it.
        await member1.commitOffsets([
          { topic, partition, offset: (BigInt(message.offset) + 1n).toString() },
        ]);
        if (first.length === 5) firstDone.resolve();
      },
    });
    await firstDone.promise;
    await member1.stop();
    await member1.disconnect();

    await send(5, 10);
    const second: string[] = [];
    const secondDone = deferred();
    const member2 = await scope.consumer({ groupId });
    // fromBeginning applies only without a committed offset: it must not rewind here.
    await member2.subscribe({ topic, fromBeginning: true });
    await member2.run({
      eachMessage: async ({ message }) => {
        const value = message.value?.toString() ?? '';
        if (!second.includes(value)) second.push(value);
        if (second.length === 5) secondDone.resolve();
      },
    });
    await secondDone.promise;

    expect(first).toEqual(['0', '1', '2', '3', '4']);
    expect(second).toEqual(['5', '6', '7', '8', '9']);
  });
});
