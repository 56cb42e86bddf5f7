/**
 * `holdfast gateway` and `holdfast token` as a newcomer runs them: two gateway processes,
 * SDK clients with printed tokens; one gateway is killed (SIGKILL) and the partitions it
 * consumed deliver again through the other; the other stops gracefully on SIGTERM.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHoldfast, type HoldfastClient } from '../../src/client/index.ts';
import type { ShowDefinition } from '../../src/contract/shows.ts';
import { testAddresses } from '../support/fixtures.ts';
import { WorkerTestbed } from '../support/worker-testbed.ts';

const CLI = fileURLToPath(new URL('../../bin/holdfast.js', import.meta.url));
const SECRET = `e2e-secret-${randomUUID()}`;

interface RunningGateway {
  child: ChildProcess;
  url: string;
}

function spawnGateway(env: Record<string, string>): Promise<RunningGateway> {
  const child = spawn(process.execPath, [CLI, 'gateway'], {
    env: {
      ...process.env,
      ...env,
      PORT: '0',
      HOLDFAST_JWT_SECRET: SECRET,
      HOLDFAST_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr += chunk;
      const match = /gateway \S+ listening on (http:\/\/\S+)/.exec(stderr);
      if (match?.[1]) resolve({ child, url: match[1] });
    });
    child.once('exit', (code) => reject(new Error(`gateway exited (${code}): ${stderr}`)));
  });
}

describe('holdfast gateway processes', () => {
  let bed: WorkerTestbed;
  let show: ShowDefinition;
  const children: ChildProcess[] = [];
  const clients: HoldfastClient[] = [];

  beforeAll(async () => {
    const { kafkaBrokers, redisUrl } = testAddresses();
    bed = await WorkerTestbed.create({ kafkaBrokers, redisUrl, partitions: 3 });
    await bed.startWorker();
    show = await bed.createShow({ rows: 2, seatsPerRow: 10 });
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await bed?.close();
  });

  it('serves clients, survives a killed gateway, stops gracefully', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [CLI, 'token', 'alice', '--ttl', '10m'],
      {
        env: { ...process.env, HOLDFAST_JWT_SECRET: SECRET },
      },
    );
    const token = stdout.trim();
    expect(token.split('.')).toHaveLength(3);

    const one = await spawnGateway(bed.env);
    const two = await spawnGateway(bed.env);
    children.push(one.child, two.child);

    const onTwo = connectHoldfast({ url: two.url, token });
    const onOne = connectHoldfast({ url: one.url, token });
    clients.push(onOne, onTwo);
    await Promise.all([onOne.ready(), onTwo.ready()]);
    const join = async (client: HoldfastClient) => {
      for (;;) {
        const ack = await client.join(show.showId);
        if (ack.ok) return ack;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    };
    await join(onTwo);
    await join(onOne);
    expect(await onTwo.hold(show.showId, 'A1')).toMatchObject({ ok: true });
    // Seats over every partition: some decisions are consumed by the other process and
    // must come back through the adapter, first time, without a retry.
    for (const seatId of ['A2', 'A3', 'A4', 'A5', 'A6', 'A7']) {
      expect({ seatId, ack: await onOne.hold(show.showId, seatId) }).toMatchObject({
        seatId,
        ack: { ok: true },
      });
    }

    two.child.kill('SIGKILL');
    // Every seat of row B, spread over every partition, through the surviving gateway. A
    // decision may wait for the dead member's session to time out: retry the same command.
    for (let n = 1; n <= 10; n++) {
      const seatId = `B${n}`;
      const commandId = `e2e-${seatId}`;
      let ack = await onOne.hold(show.showId, seatId, { commandId });
      while (!ack.ok && ack.error.code === 'TIMEOUT') {
        ack = await onOne.hold(show.showId, seatId, { commandId });
      }
      expect({ seatId, ack }).toMatchObject({ seatId, ack: { ok: true } });
    }
    expect((await join(onOne)).mine.map((s) => s.seatId).sort()).toEqual(
      [
        ...['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7'],
        ...Array.from({ length: 10 }, (_, i) => `B${i + 1}`),
      ].sort(),
    );

    const exited = new Promise<number | null>((resolve) => one.child.once('exit', resolve));
    one.child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
