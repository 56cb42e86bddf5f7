/**
 * Regression (found by the chaos run, seed 42): after the Kafka broker is killed and
 * restarted, a worker could end up with TWO consumers in the reservation group — the one
 * it replaced when it left and rejoined (`#scheduleRejoin` in src/worker/worker.ts) was
 * restarted by kafkajs's own crash-restart timer. The replaced consumer's GROUP_JOIN still
 * reaches `#onAssignment`, which drops every partition host (the current consumer's too)
 * and loads only its own; the other partitions stay paused and are never decided again.
 *
 * The run: two worker processes on a broker of their own, the recovery probe (one hold per
 * partition every 300 ms), and three times a backlog of holds followed at once by the
 * broker killed and restarted (so a batch's events fail to produce mid-outage, the path
 * that makes the worker leave and rejoin while kafkajs restarts its crashed consumer). After each restart
 * every partition must decide again and each worker must be one member of the group.
 * Bounded waits only; no timing assertion.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { ChaosCluster } from '../../chaos/cluster.ts';
import { RecoveryProbe } from '../../chaos/probe.ts';
import type { ShowDefinition } from '../../src/contract/shows.ts';
import { withAdmin } from '../../src/kafka/admin.ts';
import { encodeCommand } from '../../src/kafka/codec.ts';
import { createProducer, sendInOrder } from '../../src/kafka/producer.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('workers across broker restarts', () => {
  let cluster: ChaosCluster | undefined;
  let probe: RecoveryProbe | undefined;
  let dir: string | undefined;
  let passed = false;

  afterAll(async () => {
    await probe?.stop();
    await cluster?.stop();
    // The members' logs stay for a failed run: the failure message names them.
    if (dir && passed) await rm(dir, { recursive: true, force: true });
  });

  it('every partition decides again and each worker stays one group member', async () => {
    dir = await mkdtemp(join(tmpdir(), 'holdfast-broker-restart-'));
    cluster = await ChaosCluster.start({
      env: process.env,
      partitions: 6,
      workers: 2,
      gateways: 0,
      sessionTimeoutMs: 6000,
      ackTimeoutMs: 5000,
      memberLogPath: join(dir, 'members.log'),
      logger: pino({ level: 'silent' }),
      progress: () => {},
    });
    const show: ShowDefinition = {
      showId: 'probe',
      rows: 1,
      seatsPerRow: 60,
      holdTtlMs: 3000,
      createdAt: Date.now(),
    };
    await cluster.publishShows([show]);
    await cluster.startFleet();
    probe = new RecoveryProbe(cluster, show, 300);
    await probe.start();
    const running = cluster;
    const load = createProducer(running.kafka);
    await load.connect();
    for (let round = 1; round <= 3; round++) {
      // A backlog, so that the workers are producing a batch's events when the broker dies:
      // the batch fails, the worker leaves and rejoins while its consumer is crashing.
      const commands = Array.from({ length: 3000 }, (_, i) =>
        encodeCommand({
          type: 'seat.holdRequest',
          commandId: `load-${round}-${i}`,
          correlationId: `load-${round}-${i}`,
          replyTo: '',
          showId: show.showId,
          seatId: `A${(i % 60) + 1}`,
          userId: `load-${i % 7}`,
          sentAt: Date.now(),
        }),
      );
      await sendInOrder(load, [{ topic: running.topics.commands, messages: commands }]);
      await running.localKafka().kill();
      await sleep(2000 + round * 500);
      await running.localKafka().restart();
      const since = Date.now();
      const recovered = await probe.waitRecovered(since, since + 1000, 120_000);
      // Members of a crashed consumer linger until their session times out: poll, bounded.
      const expected = running.workers.map((worker) => worker.name).sort();
      let group: string[] = [];
      for (let i = 0; i < 60; i++) {
        group = await withAdmin(running.kafka, async (admin) => {
          const { groups } = await admin.describeGroups([
            `${running.kafkaPrefix}holdfast-reservation`,
          ]);
          return groups[0]?.members.map((member) => member.clientId).sort() ?? [];
        }).catch(() => []);
        if (group.join() === expected.join()) break;
        await sleep(500);
      }
      // On failure, where it stalls: log ends and the group's committed offsets, per partition.
      const stall =
        recovered === undefined
          ? await withAdmin(running.kafka, async (admin) => {
              const ends = async (topic: string) =>
                (await admin.fetchTopicOffsets(topic))
                  .sort((a, b) => a.partition - b.partition)
                  .map((o) => o.high)
                  .join(' ');
              const [committed] = await admin.fetchOffsets({
                groupId: `${running.kafkaPrefix}holdfast-reservation`,
                topics: [running.topics.commands],
              });
              return {
                commands: await ends(running.topics.commands),
                committed: committed?.partitions
                  .sort((a, b) => a.partition - b.partition)
                  .map((p) => p.offset)
                  .join(' '),
                events: await ends(running.topics.events),
                probe: probe?.windowReport(since, since + 1000),
              };
            }).catch((error: unknown) => ({ error: String(error) }))
          : undefined;
      expect({
        stall,
        round,
        logs: dir,
        everyPartitionDecidesAgain: recovered !== undefined,
        group,
      }).toEqual({
        stall: undefined,
        round,
        logs: dir,
        everyPartitionDecidesAgain: true,
        group: expected,
      });
    }
    passed = true;
  }, 600_000);
});
