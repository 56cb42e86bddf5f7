/**
 * `holdfast seats cancel` through real Kafka and Redis: a worker, a gateway, SDK clients
 * and the CLI as an operator runs it (its own process). The owner is told, everyone sees the
 * seat free, the owner's later confirm or release is CANCELLED, a retry with the same
 * --command-id repeats the decisions, and a seat with nothing to cancel fails the command.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HoldfastClient } from '../../../src/client/index.ts';
import type { ShowDefinition } from '../../../src/contract/shows.ts';
import type { SeatCancelled } from '../../../src/contract/socket-events.ts';
import type { CancellationOutcome } from '../../../src/kafka/seat-cancellation.ts';
import { readSeatHistory } from '../../../src/kafka/seat-history.ts';
import { waitFor } from '../../support/wait.ts';
import { GatewayTestbed } from '../gateway/gateway-testbed.ts';

const CLI = fileURLToPath(new URL('../../../bin/holdfast.js', import.meta.url));
const run = promisify(execFile);

let tb: GatewayTestbed;
let url: string;
let show: ShowDefinition;

beforeAll(async () => {
  const setup = await GatewayTestbed.oneGateway({ layout: { rows: 2, seatsPerRow: 5 } });
  tb = setup.tb;
  url = setup.gateway.url;
  show = setup.show;
});
afterAll(() => tb?.close());

interface Printed {
  showId: string;
  commandId: string;
  outcomes: CancellationOutcome[];
}

/** Runs the CLI; resolves with its exit code and printed JSON (or its stderr). */
async function cancel(
  args: string[],
): Promise<{ code: number; printed?: Printed; stderr: string }> {
  const env = { ...process.env, ...tb.bed.env, USER: 'ops' };
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, 'seats', 'cancel', ...args], {
      env,
    });
    return { code: 0, printed: JSON.parse(stdout) as Printed, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    const printed = failed.stdout.trim() ? (JSON.parse(failed.stdout) as Printed) : undefined;
    return { code: failed.code, printed, stderr: failed.stderr };
  }
}

async function holdAndConfirm(alice: HoldfastClient) {
  const held = await alice.hold(show.showId, 'A1');
  const toConfirm = await alice.hold(show.showId, 'A2');
  if (!held.ok || !toConfirm.ok) throw new Error('hold refused');
  const confirmed = await alice.confirm(show.showId, 'A2', toConfirm.holdId);
  expect(confirmed.ok).toBe(true);
  return { held, reserved: toConfirm };
}

describe('holdfast seats cancel', () => {
  it("frees a hold and a reservation, tells the owner, and refuses the owner's later confirm and release", async () => {
    const alice = await tb.client('alice', url);
    const bob = await tb.client('bob', url);
    await alice.join(show.showId);
    await bob.join(show.showId);
    const told: SeatCancelled[] = [];
    alice.onSeatCancelled((notice) => told.push(notice));
    const { held, reserved } = await holdAndConfirm(alice);

    const refund = [
      show.showId,
      'A1',
      'A2',
      '--reason',
      'refunded at the box office',
      '--command-id',
      'refund-1',
      '--json',
    ];
    const result = await cancel(refund);
    expect(result.code).toBe(0);
    expect(result.printed).toMatchObject({
      showId: show.showId,
      commandId: 'refund-1',
      outcomes: [
        { seatId: 'A1', outcome: 'cancelled', ownerId: 'alice', repeated: false },
        { seatId: 'A2', outcome: 'cancelled', ownerId: 'alice', repeated: false },
      ],
    });

    await waitFor(() => told.length === 2, { what: 'alice told of both cancellations' });
    expect(told.sort((a, b) => a.seatId.localeCompare(b.seatId))).toEqual([
      { showId: show.showId, seatId: 'A1', reason: 'refunded at the box office' },
      { showId: show.showId, seatId: 'A2', reason: 'refunded at the box office' },
    ]);
    await waitFor(
      () =>
        bob.seat(show.showId, 'A1')?.status === 'available' &&
        bob.seat(show.showId, 'A2')?.status === 'available',
      { what: 'bob sees both seats free' },
    );
    expect(alice.mine(show.showId)).toEqual([]);
    const rejoined = await alice.join(show.showId);
    expect(rejoined).toMatchObject({ ok: true, mine: [] });

    expect(await alice.confirm(show.showId, 'A1', held.holdId)).toMatchObject({
      ok: false,
      error: { code: 'CANCELLED' },
    });
    expect(await alice.release(show.showId, 'A2', reserved.holdId)).toMatchObject({
      ok: false,
      error: { code: 'CANCELLED' },
    });
    // The operator is in the log, as operator:<name>, with the reason and the owner.
    const history = await readSeatHistory({
      kafka: tb.bed.kafka,
      topic: tb.bed.topics.events,
      groupPrefix: tb.bed.prefix,
      showId: show.showId,
      seatId: 'A1',
    });
    expect(history.find((e) => e.type === 'seat.released')).toMatchObject({
      cause: 'cancelled',
      userId: 'operator:ops',
      ownerId: 'alice',
      reason: 'refunded at the box office',
    });

    // Someone else may hold the freed seat.
    expect(await bob.hold(show.showId, 'A1')).toMatchObject({ ok: true });

    // The same --command-id again: the first decisions, nothing cancelled afresh (bob keeps A1).
    const retry = await cancel(refund);
    expect(retry.code).toBe(0);
    expect(retry.printed?.outcomes).toMatchObject([
      { seatId: 'A1', outcome: 'cancelled', repeated: true },
      { seatId: 'A2', outcome: 'cancelled', repeated: true },
    ]);
    expect(bob.seat(show.showId, 'A1')?.status).toBe('held');
  });

  it('exits 1 when a seat has nothing to cancel, still cancelling the others', async () => {
    const carol = await tb.client('carol', url);
    const held = await carol.hold(show.showId, 'B1');
    expect(held.ok).toBe(true);
    const result = await cancel([show.showId, 'B1', 'B2', '--reason', 'test', '--json']);
    expect(result.code).toBe(1);
    expect(result.printed?.outcomes).toMatchObject([
      { seatId: 'B1', outcome: 'cancelled', ownerId: 'carol' },
      { seatId: 'B2', outcome: 'refused', code: 'NOT_HOLDER' },
    ]);
    expect(result.stderr).toMatch(/--command-id [0-9a-f-]{36}/);
  });

  it('refuses a seat outside the layout, a repeated seat and a bad reason before asking any seat', async () => {
    const dave = await tb.client('dave', url);
    await dave.join(show.showId);
    const held = await dave.hold(show.showId, 'B3');
    expect(held.ok).toBe(true);
    const outside = await cancel([show.showId, 'B3', 'C1', '--reason', 'x']);
    expect(outside.code).toBe(1);
    expect(outside.stderr).toContain('HF_USAGE');
    expect(outside.stderr).toContain('C1');
    const twice = await cancel([show.showId, 'B3', 'B3', '--reason', 'x']);
    expect(twice.stderr).toContain('named twice');
    const badReason = await cancel([show.showId, 'B3', '--reason', 'line\nbreak']);
    expect(badReason.code).not.toBe(0);
    expect(badReason.stderr).toContain('--reason');
    const noShow = await cancel(['no-such-show', 'A1', '--reason', 'x']);
    expect(noShow.stderr).toContain('no show "no-such-show"');
    // Nothing reached the seat: dave still holds it, in the log as in the map.
    const history = await readSeatHistory({
      kafka: tb.bed.kafka,
      topic: tb.bed.topics.events,
      groupPrefix: tb.bed.prefix,
      showId: show.showId,
      seatId: 'B3',
    });
    expect(history.map((e) => e.type)).toEqual(['seat.held']);
    expect(dave.seat(show.showId, 'B3')?.status).toBe('held');
  });
});
