/** `holdfast shows create|list` as an operator runs them, against the real broker. */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ShowDefinitionSchema } from '../../src/contract/shows.ts';
import { createKafka } from '../../src/kafka/client.ts';
import { topicNames } from '../../src/kafka/topics.ts';
import { silentLogger, testAddresses, testNames } from '../support/fixtures.ts';

const CLI = fileURLToPath(new URL('../../bin/holdfast.js', import.meta.url));
const names = testNames('shows-cli');
const env = {
  ...process.env,
  KAFKA_BROKERS: testAddresses().kafkaBrokers.join(','),
  REDIS_URL: testAddresses().redisUrl,
  HOLDFAST_REDIS_PREFIX: names.redisPrefix,
  HOLDFAST_KAFKA_PREFIX: names.kafkaPrefix,
  HOLDFAST_PARTITIONS: '2',
  HOLDFAST_HOLD_TTL_MS: '45000',
};

async function holdfast(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  return holdfastWith({}, ...args);
}

async function holdfastWith(
  extraEnv: Record<string, string>,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], {
      env: { ...env, ...extraEnv },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

afterAll(async () => {
  const kafka = createKafka({
    brokers: testAddresses().kafkaBrokers,
    clientId: 'cleanup',
    logger: silentLogger,
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin
    .deleteTopics({ topics: Object.values(topicNames(names.kafkaPrefix)) })
    .catch(() => undefined);
  await admin.disconnect();
});

describe('holdfast shows', () => {
  const showId = `concert-${randomUUID().slice(0, 8)}`;

  it('creates a show with the default hold TTL from HOLDFAST_HOLD_TTL_MS and lists it', async () => {
    const created = await holdfast(
      'shows',
      'create',
      showId,
      '--rows',
      '3',
      '--seats-per-row',
      '4',
      '--json',
    );
    expect(created.code).toBe(0);
    const show = ShowDefinitionSchema.parse(JSON.parse(created.stdout));
    expect(show).toMatchObject({ showId, rows: 3, seatsPerRow: 4, holdTtlMs: 45_000 });

    const listed = await holdfast('shows', 'list', '--json');
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toContainEqual(show);
  });

  it('inspects a show, and names the fix for an unknown one', async () => {
    const inspected = await holdfast('shows', 'inspect', showId, '--json');
    expect(inspected.code).toBe(0);
    // Nothing held yet: every seat of the layout counts as available.
    expect(JSON.parse(inspected.stdout)).toMatchObject({
      show: { showId, rows: 3 },
      stats: { showId, available: 12, held: 0, reserved: 0 },
    });
    const unknown = await holdfast('shows', 'inspect', 'no-such-show');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('holdfast shows list');
  });

  it('refuses to create a show twice: shows are immutable', async () => {
    const again = await holdfast('shows', 'create', showId, '--rows', '1', '--seats-per-row', '1');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('HF_SHOW_EXISTS');
  });

  it('lets one of two concurrent creators of a showId win; the other exits as for an existing show', async () => {
    const raced = `race-${randomUUID().slice(0, 8)}`;
    const results = await Promise.all(
      ['2', '7'].map((rows) =>
        holdfast('shows', 'create', raced, '--rows', rows, '--seats-per-row', '3', '--json'),
      ),
    );
    const won = results.filter((r) => r.code === 0);
    const lost = results.filter((r) => r.code !== 0);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const winner = ShowDefinitionSchema.parse(JSON.parse(won[0]?.stdout ?? ''));
    expect(lost[0]?.code).toBe(1);
    expect(lost[0]?.stderr).toContain('HF_SHOW_EXISTS');
    expect(lost[0]?.stderr).toContain(`(${winner.rows} rows × 3 seats`);
    const inspected = await holdfast('shows', 'inspect', raced, '--json');
    expect(JSON.parse(inspected.stdout).show).toEqual(winner);
  }, 120_000);

  it('refuses a show over HOLDFAST_MAX_SHOW_SEATS with a coded error naming the fix', async () => {
    // 702 × 9999 is within the show schema, far over the default bound of 100,000.
    const huge = await holdfast(
      'shows',
      'create',
      'huge',
      '--rows',
      '702',
      '--seats-per-row',
      '9999',
    );
    expect(huge.code).toBe(1);
    expect(huge.stderr).toContain('HF_SHOW_TOO_LARGE');
    expect(huge.stderr).toContain('HOLDFAST_MAX_SHOW_SEATS (100000)');
    const bounded = { HOLDFAST_MAX_SHOW_SEATS: '10' };
    const over = await holdfastWith(
      bounded,
      'shows',
      'create',
      'eleven',
      '--rows',
      '1',
      '--seats-per-row',
      '11',
    );
    expect(over.stderr).toContain('HF_SHOW_TOO_LARGE');
    // The bound is create's alone: a larger show created earlier still lists and inspects.
    const listed = await holdfastWith(bounded, 'shows', 'inspect', showId, '--json');
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject({ show: { showId, rows: 3, seatsPerRow: 4 } });
  });

  it('rejects bad arguments with a message naming the option, creating nothing', async () => {
    const badRows = await holdfast(
      'shows',
      'create',
      'x1',
      '--rows',
      'many',
      '--seats-per-row',
      '2',
    );
    expect(badRows.code).not.toBe(0);
    expect(badRows.stderr).toContain('--rows must be a whole number');
    const badId = await holdfast(
      'shows',
      'create',
      'bad id!',
      '--rows',
      '1',
      '--seats-per-row',
      '2',
    );
    expect(badId.code).toBe(1);
    expect(badId.stderr).toContain('HF_SHOW_INVALID');
    const listed = JSON.parse((await holdfast('shows', 'list', '--json')).stdout) as {
      showId: string;
    }[];
    expect(listed.map((s) => s.showId)).not.toContain('x1');
    expect(listed.map((s) => s.showId)).not.toContain('bad id!');
  });
});
