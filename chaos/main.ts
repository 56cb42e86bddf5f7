/**
 * `npm run chaos -- [--duration S] [--seed N] [--faults list] [--hold-ttl-ms T] [--json]`:
 * a fault-injection run with a history checker (see docs/chaos.md). Progress goes to
 * stderr; the report is tables on stdout, or with --json one JSON object as the last
 * stdout line. Exits 1 when any invariant was violated. A composition root: the one place
 * of the chaos tool that reads the environment.
 */
import { randomInt } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { createLogger } from '../src/observability/logger.ts';
import { FAULT_KINDS, type FaultKind, isFaultKind } from './faults.ts';
import { renderReport, totalViolations } from './report.ts';
import { runChaos } from './run.ts';

function integer(name: string, min: number, max: number) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(
        `${name} must be a whole number from ${min} to ${max} (got "${value}").`,
      );
    }
    return n;
  };
}

function faultList(value: string): FaultKind[] {
  if (value === 'all') return [...FAULT_KINDS];
  const kinds = value
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
  const unknown = kinds.filter((k) => !isFaultKind(k));
  if (unknown.length > 0 || kinds.length === 0) {
    throw new InvalidArgumentError(
      `unknown fault kind(s) ${unknown.join(', ')}; choose from ${FAULT_KINDS.join(', ')} or "all".`,
    );
  }
  return kinds as FaultKind[];
}

interface CliOptions {
  duration: number;
  seed?: number;
  faults: FaultKind[];
  holdTtlMs: number;
  holdEndBoundMs: number;
  clients: number;
  workers: number;
  gateways: number;
  partitions: number;
  sessionTimeoutMs: number;
  badInput: boolean;
  badInputMessages: number;
  out: string;
  keep?: boolean;
  json?: boolean;
}

const program = new Command()
  .name('npm run chaos --')
  .description(
    'Fault injection against a real Holdfast cluster, then a history check (docs/chaos.md).',
  )
  .option(
    '--duration <s>',
    'seconds of faults and client load',
    integer('--duration', 10, 86_400),
    60,
  )
  .option(
    '--seed <n>',
    'seed of the fault schedule and client choices (random otherwise)',
    integer('--seed', 0, 2 ** 31 - 1),
  )
  .option(
    '--faults <list>',
    `comma-separated fault kinds, or "all": ${FAULT_KINDS.join(', ')}`,
    faultList,
    [...FAULT_KINDS],
  )
  .option(
    '--hold-ttl-ms <t>',
    'hold TTL of the chaos shows',
    integer('--hold-ttl-ms', 1000, 600_000),
    3000,
  )
  .option(
    '--hold-end-bound-ms <b>',
    'how long past its expiry a hold may end (invariant 4)',
    integer('--hold-end-bound-ms', 0, 600_000),
    30_000,
  )
  .option('--clients <n>', 'simulated users, one socket each', integer('--clients', 1, 500), 16)
  .option(
    '--workers <n>',
    'reservation workers at start (the minimum kept)',
    integer('--workers', 2, 32),
    2,
  )
  .option('--gateways <n>', 'gateways', integer('--gateways', 2, 16), 2)
  .option(
    '--partitions <n>',
    'partitions of seat-commands / seat-events',
    integer('--partitions', 2, 64),
    6,
  )
  .option(
    '--session-timeout-ms <t>',
    'consumer-group session timeout of workers and gateways',
    integer('--session-timeout-ms', 3000, 60_000),
    6000,
  )
  .option('--no-bad-input', 'skip the bad-input pass')
  .option(
    '--bad-input-messages <n>',
    'malformed messages per fuzzing socket (6 sockets)',
    integer('--bad-input-messages', 1, 100_000),
    400,
  )
  .option(
    '--out <dir>',
    'where failing runs keep history, logs and report',
    join(tmpdir(), 'holdfast-chaos'),
  )
  .option('--keep', 'keep the artefacts of a passing run too')
  .option('--json', 'the last stdout line is one JSON object of the figures')
  .action(async (options: CliOptions) => {
    const progress = (line: string) =>
      process.stderr.write(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
    const report = await runChaos({
      durationS: options.duration,
      seed: options.seed ?? randomInt(0, 2 ** 31 - 1),
      faults: options.faults,
      holdTtlMs: options.holdTtlMs,
      holdEndBoundMs: options.holdEndBoundMs,
      clients: options.clients,
      workers: options.workers,
      gateways: options.gateways,
      partitions: options.partitions,
      sessionTimeoutMs: options.sessionTimeoutMs,
      faultGapMs: [2000, 6000],
      badInput: options.badInput,
      badInputMessages: options.badInputMessages,
      outDir: options.out,
      keep: options.keep ?? false,
      env: process.env,
      logger: createLogger({ level: 'error', destinationFd: 2 }),
      progress,
    });
    if (options.json) {
      const { violationList: _list, ...figures } = report;
      progress(renderReport(report));
      process.stdout.write(
        `${JSON.stringify({ ...figures, violationList: report.violationList.slice(0, 20) })}\n`,
      );
    } else {
      process.stdout.write(`${renderReport(report)}\n`);
    }
    if (totalViolations(report) > 0) process.exitCode = 1;
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.stderr.write(`chaos: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
