/** `holdfast seat` and `holdfast shows inspect`: an operator's view of a seat and a show. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { currentState } from '../../../src/cli/commands/seat.ts';
import type { SeatHeld } from '../../../src/contract/kafka-records.ts';
import type { ShowDefinition } from '../../../src/contract/shows.ts';
import { partitionOfKey } from '../../../src/kafka/partitioning.ts';
import { readSeatHistory } from '../../../src/kafka/seat-history.ts';
import { WorkerTestbed } from '../../support/worker-testbed.ts';

const CLI = fileURLToPath(new URL('../../../bin/holdfast.js', import.meta.url));
let bed: WorkerTestbed;
let show: ShowDefinition;
let held: SeatHeld;

beforeAll(async () => {
  bed = await WorkerTestbed.create({
    kafkaBrokers: inject('kafkaBrokers'),
    redisUrl: inject('redisUrl'),
    partitions: 3,
  });
  show = await bed.createShow({ rows: 2, seatsPerRow: 5 });
  await bed.startWorker();
  const hold = bed.hold(show.showId, 'B2', 'alice');
  await bed.send(hold);
  held = (await bed.decisionOf(hold))[0] as SeatHeld;
  const rival = bed.hold(show.showId, 'B2', 'bob');
  await bed.send(rival);
  await bed.decisionOf(rival);
  const confirm = bed.confirm(show.showId, 'B2', 'alice', held.holdId);
  await bed.send(confirm);
  await bed.decisionOf(confirm);
});

afterAll(async () => {
  await bed?.close();
});

describe('seat history', () => {
  it('finds the partition kafkajs produced the key to', async () => {
    const at = await bed.send(bed.hold(show.showId, 'A3', 'carol'));
    expect(partitionOfKey(`${show.showId}/A3`, 3)).toBe(at.partition);
  });

  it("reads a seat's events in order and folds them into its current state", async () => {
    const events = await readSeatHistory({
      kafka: bed.kafka,
      topic: bed.topics.events,
      groupPrefix: bed.prefix,
      showId: show.showId,
      seatId: 'B2',
    });
    expect(events.map((e) => e.type)).toEqual(['seat.held', 'seat.rejected', 'seat.reserved']);
    expect(currentState(events)).toEqual({
      status: 'reserved',
      version: 2,
      userId: 'alice',
      holdId: held.holdId,
    });
  });

  it('prints the same through `holdfast seat --json`, and a well-formedness error for a bad id', async () => {
    const env = { ...process.env, ...bed.env };
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [CLI, 'seat', show.showId, 'B2', '--json'],
      { env },
    );
    const printed = JSON.parse(stdout) as { state: unknown; events: unknown[] };
    expect(printed.state).toMatchObject({ status: 'reserved', userId: 'alice' });
    expect(printed.events).toHaveLength(3);
    await expect(
      promisify(execFile)(process.execPath, [CLI, 'seat', show.showId, 'b2'], { env }),
    ).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('HF_USAGE'),
    });
  });

  it('escapes control characters of a user id in what it prints for a terminal', async () => {
    const userId = 'mallory\u001b]0;owned\u0007\r\nA5  v9  seat.reserved  alice';
    const hold = bed.hold(show.showId, 'A5', userId);
    await bed.send(hold);
    await bed.decisionOf(hold);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [CLI, 'seat', show.showId, 'A5'],
      {
        env: { ...process.env, ...bed.env },
      },
    );
    expect(stdout).toContain('mallory\\x1b]0;owned\\x07\\x0d\\x0aA5  v9  seat.reserved  alice');
    // No control character but the line breaks between lines.
    expect(stdout.replaceAll('\n', '')).not.toMatch(/\p{Cc}/u);
    // Two lines (the state and the one event), the id's newline made visible, not obeyed.
    expect(stdout.trimEnd().split('\n')).toHaveLength(2);
  });
});
