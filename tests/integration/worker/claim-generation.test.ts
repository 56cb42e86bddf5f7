/**
 * Claims carry the consumer group's real generation (issue 12, item 4), against the real
 * broker and Redis: the generation a worker claims with is the one kafkajs's patched
 * GROUP_JOIN reports, it moves on when the group rebalances, a superseded generation's claim
 * is refused, and a worker whose kafkajs reports no generation claims nothing.
 */
import { createRequire } from 'node:module';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { ERROR_CODES } from '../../../src/contract/errors.ts';
import { RedisSnapshotStore } from '../../../src/state/snapshot-store.ts';
import type { WorkerHandle } from '../../../src/worker/worker.ts';
import { waitFor } from '../../support/wait.ts';
import { WorkerTestbed } from '../../support/worker-testbed.ts';

const PARTITIONS = 2;

let bed: WorkerTestbed | undefined;
let restoreEmit: (() => void) | undefined;

async function testbed(): Promise<WorkerTestbed> {
  bed = await WorkerTestbed.create({
    kafkaBrokers: inject('kafkaBrokers'),
    redisUrl: inject('redisUrl'),
    partitions: PARTITIONS,
  });
  return bed;
}

afterEach(async () => {
  restoreEmit?.();
  restoreEmit = undefined;
  await bed?.close();
  bed = undefined;
});

interface StoredClaim {
  token: string | null;
  generation: number | undefined;
  fingerprint: string | null;
}

/** What Redis holds for each partition's claim, in partition order. */
async function claims(b: WorkerTestbed, store: RedisSnapshotStore): Promise<StoredClaim[]> {
  return Promise.all(
    Array.from({ length: PARTITIONS }, async (_, partition) => {
      const [token, generation, fingerprint] = await b.redis.hmget(
        store.keys(partition).meta,
        'token',
        'generation',
        'log',
      );
      return {
        token: token ?? null,
        generation: generation == null ? undefined : Number(generation),
        fingerprint: fingerprint ?? null,
      };
    }),
  );
}

/** The one generation every partition is claimed with, or undefined while they differ. */
function sameGeneration(held: StoredClaim[]): number | undefined {
  const generations = new Set(held.map((c) => c.generation));
  const [only] = generations;
  return generations.size === 1 ? only : undefined;
}

function owned(...workers: WorkerHandle[]): number {
  return workers.reduce((sum, w) => sum + w.ownedPartitions().length, 0);
}

describe('claims carry the group generation', () => {
  it('claims with the group generation, a newer one after a rebalance, and refuses a claim of the superseded one', async () => {
    const b = await testbed();
    const store = new RedisSnapshotStore(b.redis, b.redisPrefix, b.topics.commands);
    const show = await b.createShow({ rows: 1, seatsPerRow: 10 });
    const first = await b.startWorker();
    await waitFor(() => first.ownedPartitions().length === PARTITIONS, {
      what: 'the first worker to own every partition',
    });
    const alone = await claims(b, store);
    const joined = sameGeneration(alone);
    // Never the old placeholder 0: kafkajs's first join of a group is generation 1 or more.
    expect(joined).toBeGreaterThan(0);

    const second = await b.startWorker();
    await waitFor(
      async () =>
        owned(first, second) === PARTITIONS &&
        second.ownedPartitions().length > 0 &&
        (sameGeneration(await claims(b, store)) ?? 0) > (joined ?? 0),
      { what: 'both workers to own partitions, claimed in a newer generation' },
    );
    const rebalanced = await claims(b, store);
    const current = sameGeneration(rebalanced) as number;
    expect(current).toBeGreaterThan(joined as number);
    for (const [partition, claim] of rebalanced.entries())
      expect(claim.token, `partition ${partition}`).not.toBe(alone[partition]?.token);

    // An owner of the superseded generation claiming late (its load was slow): refused.
    const stale = rebalanced[0] as StoredClaim;
    await expect(
      store.claimAndLoad(0, {
        token: 'superseded-owner',
        generation: joined as number,
        logEndOffset: 1_000_000n,
        fingerprint: stale.fingerprint ?? '',
      }),
    ).rejects.toMatchObject({ code: ERROR_CODES.SNAPSHOT_FENCED });
    expect((await claims(b, store))[0]).toEqual(stale);

    // The current owners go on deciding: nobody's write was refused.
    const holds = ['A1', 'A2', 'A3', 'A4', 'A5', 'A6'].map((seat) =>
      b.hold(show.showId, seat, 'alice'),
    );
    await b.sendMany(holds);
    for (const hold of holds) expect((await b.decisionOf(hold))[0]?.type).toBe('seat.held');
    for (const worker of [first, second])
      expect((await worker.metrics.fencedWrites.get()).values[0]?.value ?? 0).toBe(0);
  });

  it('claims nothing when kafkajs reports no generation with the join (its patch missing)', async () => {
    const b = await testbed();
    const store = new RedisSnapshotStore(b.redis, b.redisPrefix, b.topics.commands);
    // kafkajs as installed without patches/kafkajs+2.2.4.patch: GROUP_JOIN without generationId.
    const require = createRequire(import.meta.url);
    const Emitter = require('kafkajs/src/instrumentation/emitter.js') as {
      prototype: { emit(name: string, payload: Record<string, unknown>): void };
    };
    const emit = Emitter.prototype.emit;
    Emitter.prototype.emit = function (name, payload) {
      if (name !== 'consumer.group_join') return emit.call(this, name, payload);
      const { generationId: _dropped, ...unpatched } = payload;
      return emit.call(this, name, unpatched);
    };
    restoreEmit = () => {
      Emitter.prototype.emit = emit;
    };
    const worker = await b.startWorker();
    await waitFor(
      async () => ((await worker.metrics.rebalances.get()).values[0]?.value ?? 0) >= 1,
      { what: 'the worker to join the group' },
    );
    // Loads are refused (HF_KAFKAJS_UNPATCHED) and retried: give them a few attempts.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(worker.ownedPartitions()).toEqual([]);
    expect((await claims(b, store)).map((c) => c.token)).toEqual(
      Array.from({ length: PARTITIONS }, () => null),
    );
  });
});
