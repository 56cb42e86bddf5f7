/** The snapshot store and the read model pass the same offset-record suite on a real Redis. */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterEach } from 'vitest';
import type { SeatEvent } from '../../../src/contract/kafka-records.ts';
import { RedisReadModel } from '../../../src/state/read-model-redis.ts';
import { RedisSnapshotStore } from '../../../src/state/snapshot-store.ts';
import { openTestScope, type TestScope } from '../../support/fixtures.ts';
import {
  type OffsetRecordUnderTest,
  offsetRecordConformance,
} from './offset-record-conformance.ts';

let scope: TestScope | undefined;
afterEach(async () => {
  await scope?.close();
  scope = undefined;
});

async function redisOfScope(label: string): Promise<{ redis: Redis; prefix: string }> {
  scope = await openTestScope(label);
  return { redis: await scope.redis(), prefix: scope.names.redisPrefix };
}

async function dropAll(redis: Redis, pattern: string): Promise<void> {
  const keys = await redis.keys(pattern);
  if (keys.length > 0) await redis.del(...keys);
}

offsetRecordConformance('snapshot store', async (): Promise<OffsetRecordUnderTest> => {
  const { redis, prefix } = await redisOfScope('snapconf');
  const store = new RedisSnapshotStore(redis, prefix, 'seat-commands');
  const tokens = new Map<number, string>();
  return {
    open: async (partition, fingerprint) => {
      const token = randomUUID();
      tokens.set(partition, token);
      const snapshot = await store.claimAndLoad(partition, {
        token,
        generation: 0,
        logEndOffset: 1_000_000n,
        fingerprint,
      });
      return snapshot.offset;
    },
    record: async (partition, offset) => {
      const changes = new Map([['show/A1', `record-${offset}`]]);
      const written = await store.write(partition, tokens.get(partition) ?? '', offset, changes);
      return written === 'OK' ? 'ok' : 'refused';
    },
    stored: async (partition) => {
      const offset = await redis.hget(store.keys(partition).meta, 'offset');
      return offset === null ? undefined : BigInt(offset);
    },
    lose: () => dropAll(redis, `*${prefix}*`),
  };
});

offsetRecordConformance('read model', async (): Promise<OffsetRecordUnderTest> => {
  const { redis, prefix } = await redisOfScope('rmconf');
  const model = new RedisReadModel({ redis, prefix, eventsTopic: 'seat-events' });
  const stored = async (partition: number) => {
    const offset = (await model.offsets([partition])).get(partition);
    return offset === undefined || offset < 0n ? undefined : offset;
  };
  return {
    open: async (partition, fingerprint) => {
      await model.discardForeign(new Map([[partition, fingerprint]]));
      if ((await model.offsets([partition])).get(partition) === undefined)
        await model.resetPartition(partition, fingerprint);
      return stored(partition);
    },
    record: async (partition, offset) => {
      const event = {
        eventId: `${partition}-${offset}-0`,
        type: 'seat.held',
        showId: 'show',
        seatId: 'A1',
        version: Number(offset) + 1,
        userId: 'alice',
        holdId: `${partition}-${offset}-0`,
        expiresAt: 60_000,
        causationId: 'c',
        commandId: 'c',
        correlationId: 'k',
        replyTo: 'gw',
        occurredAt: 1000,
      } as SeatEvent;
      const result = await model.apply(partition, offset, event, 0n);
      return result.kind === 'applied' ? 'ok' : 'refused';
    },
    stored,
    lose: () => dropAll(redis, `${model.keyPrefix}*`),
  };
});
