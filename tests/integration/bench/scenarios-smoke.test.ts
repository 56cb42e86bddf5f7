/**
 * Every benchmark scenario runs end to end for a few seconds through `npm run bench`'s
 * entry point (real processes on the suite's Kafka and Redis) and writes its report. No
 * timing thresholds: figures are for people; this only proves each command works.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testAddresses } from '../../support/fixtures.ts';

const BENCH = fileURLToPath(new URL('../../../bin/holdfast-bench.js', import.meta.url));

function bench(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BENCH, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('benchmark scenarios (smoke)', () => {
  let out: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'holdfast-bench-smoke-'));
    const { kafkaBrokers, redisUrl } = testAddresses();
    env = {
      KAFKA_BROKERS: kafkaBrokers.join(','),
      REDIS_URL: redisUrl,
      BENCH_WARM_UP_S: '1',
      BENCH_FANOUT_WATCHERS: '40',
      BENCH_CONTENTION_SOCKETS: '40',
    };
  });
  afterAll(() => rm(out, { recursive: true, force: true }));

  const cases: [string, string[], string[]][] = [
    [
      'steady',
      ['--duration', '2', '--rate', '50', '--ramp', '50'],
      [
        'commandsPerSecond',
        'p50Ms',
        'p99Ms',
        'errors',
        'refusals',
        'floorP50Ms',
        'peakCommandsPerSecond',
        'syncPeakCommandsPerSecond',
      ],
    ],
    [
      'contention',
      ['--duration', '2', '--rate', '40'],
      ['p99Ms', 'doubleHolds', 'syncDoubleHolds'],
    ],
    [
      'fanout',
      ['--duration', '2', '--rate', '5'],
      ['fanoutP99Ms', 'deliveries', 'expectedDeliveries'],
    ],
    [
      'scale',
      ['--duration', '2', '--rate', '50', '--ramp', '50'],
      ['oneWorkerP50Ms', 'twoWorkersP50Ms'],
    ],
    ['floor', ['--duration', '2', '--rate', '50'], ['p50Ms', 'floorEchoP50Ms']],
    [
      'sync',
      ['--duration', '2', '--rate', '50', '--ramp', '50'],
      ['p50Ms', 'peakCommandsPerSecond'],
    ],
  ];

  it.each(cases)('%s runs and reports', { timeout: 180_000 }, async (scenario, args, keys) => {
    const run = await bench([scenario, ...args, '--json', '--out', out], env);
    expect(run.code, run.stderr.slice(-3000)).toBe(0);
    const last = run.stdout.trim().split('\n').at(-1) ?? '';
    const figures = JSON.parse(last) as Record<string, unknown>;
    expect(figures.scenario).toBe(scenario);
    for (const key of keys) expect(figures, key).toHaveProperty(key);
    if ('doubleHolds' in figures) expect(figures.doubleHolds).toBe(0);
    if ('syncDoubleHolds' in figures) expect(figures.syncDoubleHolds).toBe(0);
    const files = (await readdir(out)).filter((f) => f.startsWith(`${scenario}-`));
    expect(files.some((f) => f.endsWith('.json'))).toBe(true);
    expect(files.some((f) => f.endsWith('.md'))).toBe(true);
    expect(files.some((f) => f.endsWith('-latency.svg'))).toBe(true);
  });
});
