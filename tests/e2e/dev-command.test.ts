/**
 * `npm start` (`holdfast dev`) as a newcomer runs it: the first address it prints is the
 * seat-map page, it prints where each process's metrics are, both gateways and both workers
 * answer there (and the gateways' public ports keep `/readyz` and `/metrics` to themselves),
 * and Ctrl-C (SIGINT) stops every process it started, cleanly and within 30 s.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { freePortRun } from '../../src/infra/ports.ts';
import { testAddresses, testNames } from '../support/fixtures.ts';
import { waitFor } from '../support/wait.ts';

const CLI = fileURLToPath(new URL('../../bin/holdfast.js', import.meta.url));
let dev: ChildProcess | undefined;
let infraDir: string | undefined;

afterAll(async () => {
  dev?.kill('SIGKILL');
  if (infraDir) await rm(infraDir, { recursive: true, force: true });
});

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2000) })).status === 200;
  } catch {
    return false;
  }
}

it('prints the page first, runs two gateways and two workers, and stops them all on Ctrl-C', async () => {
  infraDir = await mkdtemp(join(tmpdir(), 'holdfast-dev-test-'));
  const names = testNames('dev');
  // dev numbers its members' ports from these bases: every port of each run is free.
  const gatewayPort = await freePortRun(2);
  const metricsPort = await freePortRun(4);
  const { kafkaBrokers, redisUrl } = testAddresses();
  const child = spawn(process.execPath, [CLI, 'dev'], {
    env: {
      ...process.env,
      KAFKA_BROKERS: kafkaBrokers.join(','),
      REDIS_URL: redisUrl,
      HOLDFAST_INFRA_DIR: infraDir,
      HOLDFAST_KAFKA_PREFIX: names.kafkaPrefix,
      HOLDFAST_REDIS_PREFIX: names.redisPrefix,
      HOLDFAST_PARTITIONS: '4',
      PORT: String(gatewayPort),
      HOLDFAST_METRICS_PORT: String(metricsPort),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  dev = child;
  let stdout = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.resume();
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );

  await waitFor(() => stdout.includes('Ctrl-C stops'), {
    what: 'holdfast dev to print its addresses',
    timeoutMs: 150_000,
  });
  const firstUrl = /https?:\/\/\S+/.exec(stdout)?.[0] ?? '';
  expect(firstUrl).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${gatewayPort}/#show=demo&token=`));
  expect(stdout).toContain(`http://127.0.0.1:${gatewayPort + 1}/#show=demo&token=`);
  const page = await fetch(firstUrl.split('#')[0] as string);
  expect(await page.text()).toContain('<title>Holdfast — seat map</title>');
  const seats = (await (
    await fetch(`http://127.0.0.1:${gatewayPort}/shows/demo/seats`)
  ).json()) as {
    show: { seats: unknown[] };
  };
  expect(seats.show.seats).toHaveLength(600);
  // Workers on the metrics port and the next, gateways on the two after: all printed.
  const adminPorts = [0, 1, 2, 3].map((i) => metricsPort + i);
  for (const port of adminPorts) expect(stdout).toContain(`http://127.0.0.1:${port}/metrics`);
  const probes = adminPorts.map((port) => `http://127.0.0.1:${port}/readyz`);
  for (const probe of probes) expect(await answers(probe), probe).toBe(true);
  for (const port of [gatewayPort, gatewayPort + 1]) {
    expect(await answers(`http://127.0.0.1:${port}/healthz`)).toBe(true);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);
  }

  child.kill('SIGINT');
  // Exit 0 is the proof of a clean stop within the 30 s grace: past it, dev exits 1.
  expect(await exited).toBe(0);
  for (const probe of probes) expect(await answers(probe), probe).toBe(false);
}, 240_000);
