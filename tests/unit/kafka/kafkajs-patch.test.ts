/**
 * The installed kafkajs carries this project's patch (patches/kafkajs+2.2.4.patch, ADR-010):
 * its GROUP_JOIN event reports the generation of the join. kafkajs's own ConsumerGroup is
 * driven through one join against a stand-in coordinator, so a kafkajs installed without
 * the patch (a skipped postinstall, an upgrade that dropped it) fails here, not in
 * production, where the worker would refuse every partition.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, isHoldfastError } from '../../../src/contract/errors.ts';
import { joinedGeneration, requireGroupGeneration } from '../../../src/kafka/group-consumer.ts';

const require = createRequire(import.meta.url);

interface ConsumerGroupLike {
  joinAndSync(): Promise<void>;
}
type ConsumerGroupClass = new (options: Record<string, unknown>) => ConsumerGroupLike;

const ConsumerGroup = require('kafkajs/src/consumer/consumerGroup.js') as ConsumerGroupClass;
const { MemberAssignment } = require('kafkajs/src/consumer/assignerProtocol') as {
  MemberAssignment: {
    encode(assignment: { version: number; assignment: Record<string, number[]> }): Buffer;
  };
};

const silent = { info() {}, debug() {}, warn() {}, error() {} };

/** One join and sync of kafkajs's ConsumerGroup; the GROUP_JOIN payloads it emitted. */
async function joinOnce(generationId: number): Promise<Record<string, unknown>[]> {
  const emitted: Record<string, unknown>[] = [];
  const coordinator = {
    joinGroup: async () => ({
      generationId,
      leaderId: 'someone-else',
      memberId: 'member-1',
      members: [],
      groupProtocol: 'RoundRobinAssigner',
    }),
    syncGroup: async () => ({
      memberAssignment: MemberAssignment.encode({ version: 0, assignment: { commands: [0, 2] } }),
    }),
  };
  const group = new ConsumerGroup({
    retry: { retries: 0 },
    cluster: {
      findGroupCoordinator: async () => coordinator,
      findTopicPartitionMetadata: () => [0, 1, 2].map((partitionId) => ({ partitionId })),
      refreshMetadata: async () => {},
      committedOffsets: () => ({}),
    },
    groupId: 'g',
    topics: ['commands'],
    topicConfigurations: { commands: { fromBeginning: true } },
    logger: { namespace: () => silent },
    instrumentationEmitter: {
      emit: (name: string, payload: Record<string, unknown>) => {
        if (name === 'consumer.group_join') emitted.push(payload);
      },
    },
    assigners: [],
    sessionTimeout: 6000,
    rebalanceTimeout: 10_000,
    autoCommit: false,
  });
  await group.joinAndSync();
  return emitted;
}

describe('the kafkajs patch', () => {
  it("reports the join's group generation in the GROUP_JOIN event", async () => {
    const [payload, ...more] = await joinOnce(17);
    expect(more).toEqual([]);
    expect(payload).toMatchObject({ groupId: 'g', memberAssignment: { commands: [0, 2] } });
    expect(payload?.generationId).toBe(17);
    expect(joinedGeneration(payload ?? {})).toBe(17);
  });
});

describe('the group generation of a join', () => {
  it('is read only as a positive integer', () => {
    expect(joinedGeneration({ generationId: 3 })).toBe(3);
    expect(joinedGeneration({})).toBeUndefined();
    expect(joinedGeneration({ generationId: null })).toBeUndefined();
    expect(joinedGeneration({ generationId: '3' })).toBeUndefined();
    expect(joinedGeneration({ generationId: 0 })).toBeUndefined();
    expect(joinedGeneration({ generationId: -1 })).toBeUndefined();
  });

  it('refuses to go on without one, telling the operator to run npm ci', () => {
    expect(requireGroupGeneration(5)).toBe(5);
    let error: unknown;
    try {
      requireGroupGeneration(undefined);
    } catch (caught) {
      error = caught;
    }
    expect(isHoldfastError(error, ERROR_CODES.KAFKAJS_UNPATCHED)).toBe(true);
    expect((error as Error).message).toContain('npm ci');
    expect((error as Error).message).toContain('patches/kafkajs+2.2.4.patch');
  });
});
