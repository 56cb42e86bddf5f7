/**
 * The real CLI, as a user runs it: `node bin/holdfast.js infra …` with its own
 * HOLDFAST_INFRA_DIR. The first test starts a second, private Kafka and Redis.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type OrphanReaper, startOrphanReaper } from '../../../src/infra/orphan-reaper.ts';
import { isAlive } from '../../../src/infra/processes.ts';
import { testAddresses } from '../../support/fixtures.ts';

const CLI = fileURLToPath(new URL('../../../bin/holdfast.js', import.meta.url));
const execFileAsync = promisify(execFile);

let infraDir: string;
let reaper: OrphanReaper;
beforeEach(async () => {
  infraDir = await realpath(await mkdtemp(join(tmpdir(), 'holdfast-cli-test-')));
  // The CLI's services outlive the CLI by design; they must not outlive a killed test run.
  reaper = startOrphanReaper({ ownerPid: process.pid, root: infraDir });
});
afterEach(async () => {
  // Stops anything a failed assertion left running before deleting its data.
  await holdfast(['infra', 'down', '--purge']).catch(() => undefined);
  reaper.stop();
  await rm(infraDir, { recursive: true, force: true });
});

/** Runs the CLI with a clean environment: no inherited KAFKA_BROKERS / REDIS_URL. */
async function holdfast(args: string[], extraEnv: Record<string, string> = {}) {
  const { KAFKA_BROKERS: _k, REDIS_URL: _r, ...inherited } = process.env;
  return execFileAsync(process.execPath, [CLI, ...args], {
    env: { ...inherited, HOLDFAST_INFRA_DIR: infraDir, ...extraEnv },
  });
}

interface StatusJson {
  services: Array<{
    service: string;
    provider: string;
    address: string;
    pid?: number;
    answering: boolean;
  }>;
}

describe('holdfast infra', () => {
  // Starts and stops a whole broker: on a loaded two-core machine that takes a while.
  it('up twice gives the same addresses; status reports them; down leaves nothing running', {
    timeout: 180_000,
  }, async () => {
    const first = await holdfast(['infra', 'up']);
    const lines = first.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^KAFKA_BROKERS=127\.0\.0\.1:\d+$/);
    expect(lines[1]).toMatch(/^REDIS_URL=redis:\/\/127\.0\.0\.1:\d+$/);

    const second = await holdfast(['infra', 'up']);
    expect(second.stdout).toBe(first.stdout);

    const status = JSON.parse((await holdfast(['infra', 'status', '--json'])).stdout) as StatusJson;
    const pids = status.services.map((s) => s.pid);
    expect(status.services.map((s) => [s.service, s.provider, s.answering])).toEqual([
      ['kafka', 'local', true],
      ['redis', 'local', true],
    ]);
    expect(
      `KAFKA_BROKERS=${status.services[0]?.address}\nREDIS_URL=${status.services[1]?.address}\n`,
    ).toBe(first.stdout);
    expect(pids.every((pid) => typeof pid === 'number')).toBe(true);

    await holdfast(['infra', 'down']);

    for (const pid of pids) expect(await isAlive(pid as number)).toBe(false);
    const after = JSON.parse(
      (await holdfast(['infra', 'status', '--json']).catch((failed: { stdout: string }) => failed))
        .stdout,
    ) as StatusJson;
    expect(after.services.map((s) => s.provider)).toEqual(['none', 'none']);
  });

  it('honours KAFKA_BROKERS and REDIS_URL: prints them back and starts nothing', async () => {
    const { kafkaBrokers, redisUrl } = testAddresses();
    const env = { KAFKA_BROKERS: kafkaBrokers.join(','), REDIS_URL: redisUrl };

    const up = await holdfast(['infra', 'up'], env);

    expect(up.stdout).toBe(`KAFKA_BROKERS=${kafkaBrokers.join(',')}\nREDIS_URL=${redisUrl}\n`);
    const status = JSON.parse(
      (await holdfast(['infra', 'status', '--json'], env)).stdout,
    ) as StatusJson;
    expect(status.services.map((s) => [s.provider, s.pid, s.answering])).toEqual([
      ['env', undefined, true],
      ['env', undefined, true],
    ]);
  });

  it('prints values shell-quoted, so that eval assigns them exactly', async () => {
    const { kafkaBrokers, redisUrl } = testAddresses();
    // A password with a quote, a variable and a command substitution (the suite's Redis
    // wants none and ignores it).
    const needsQuoting = redisUrl.replace('redis://', "redis://:it's-$HOME-`id`@");
    const env = { KAFKA_BROKERS: kafkaBrokers.join(','), REDIS_URL: needsQuoting };

    const up = await holdfast(['infra', 'up'], env);

    expect(up.stdout).toContain(`REDIS_URL='redis://:it'\\''s-$HOME-\`id\`@`);
    const evaluated = await execFileAsync('sh', [
      '-c',
      'eval "$1"; printf "%s|%s" "$KAFKA_BROKERS" "$REDIS_URL"',
      'sh',
      up.stdout,
    ]);
    expect(evaluated.stdout).toBe(`${kafkaBrokers.join(',')}|${needsQuoting}`);
  });

  it('keeps the local Redis data across down and up, as the broker keeps its log', {
    timeout: 300_000,
  }, async () => {
    // The suite's broker: only Redis is started by the CLI.
    const env = { KAFKA_BROKERS: testAddresses().kafkaBrokers.join(',') };
    const up = await holdfast(['infra', 'up'], env);
    const redisUrl = /^REDIS_URL=(.+)$/m.exec(up.stdout)?.[1] as string;
    expect(redisUrl).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    const before = new Redis(redisUrl);
    await before.set('holdfast-cli-test:kept', 'yes');
    await before.quit();

    await holdfast(['infra', 'down'], env);
    expect((await holdfast(['infra', 'up'], env)).stdout).toBe(up.stdout);

    const after = new Redis(redisUrl);
    try {
      expect(await after.get('holdfast-cli-test:kept')).toBe('yes');
    } finally {
      await after.quit();
    }
  });
});
