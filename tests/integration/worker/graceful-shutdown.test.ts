/**
 * SIGTERM under steady load (docs/design.md §6.6): the worker finishes and commits the batch in hand,
 * leaves the group and exits 0; its partitions move to the other worker, and no decision is
 * lost or doubled.
 */
import { afterAll, expect, inject, it } from 'vitest';
import type { SeatCommand } from '../../../src/contract/kafka-records.ts';
import { seatIdsOf } from '../../../src/contract/seat-layout.ts';
import { type FleetMember, spawnMember, waitReady } from '../../../src/fleet/fleet.ts';
import { freePort } from '../../../src/infra/ports.ts';
import { waitFor } from '../../support/wait.ts';
import { uniqueById, WorkerTestbed } from '../../support/worker-testbed.ts';

let bed: WorkerTestbed | undefined;
const members: FleetMember[] = [];

afterAll(async () => {
  for (const member of members) member.child.kill('SIGKILL');
  await bed?.close();
});

it('moves the partitions of a SIGTERMed worker with no decision lost or doubled', async () => {
  const b = await WorkerTestbed.create({
    kafkaBrokers: inject('kafkaBrokers'),
    redisUrl: inject('redisUrl'),
    partitions: 4,
  });
  bed = b;
  const show = await b.createShow({ rows: 20, seatsPerRow: 50 });
  const leaving = spawnMember({
    name: 'leaving',
    kind: 'worker',
    port: await freePort(),
    env: { ...process.env, ...b.env },
  });
  const staying = spawnMember({
    name: 'staying',
    kind: 'worker',
    port: await freePort(),
    env: { ...process.env, ...b.env },
  });
  members.push(leaving, staying);
  // Under load, not while it is still starting: both own partitions first.
  await Promise.all([waitReady(leaving), waitReady(staying)]);
  const seats = seatIdsOf(show);
  const sent: SeatCommand[] = [];
  const exit = new Promise<number | null>((resolve) =>
    leaving.child.once('exit', (code) => resolve(code)),
  );

  // Steady load: 20 holds every 100 ms on fresh seats, 60 rounds; SIGTERM a third of the way.
  for (let round = 0; round < 60; round++) {
    const batch = seats
      .slice(round * 20, round * 20 + 20)
      .map((seatId) => b.hold(show.showId, seatId, `u-${seatId}`));
    await b.sendMany(batch);
    sent.push(...batch);
    if (round === 20) leaving.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  expect(await exit).toBe(0);
  await waitFor(() => sent.every((c) => b.answersTo(c).length > 0), {
    what: 'every command decided',
    timeoutMs: 90_000,
  });
  for (const command of sent) {
    const answers = uniqueById(b.answersTo(command));
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({ type: 'seat.held', version: 1 });
  }
  expect(staying.exited()).toBe(false);
});
