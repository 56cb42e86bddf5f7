/**
 * The benchmark runner: `npm run bench -- <scenario> [--duration S] [--rate R] [--json]`.
 * Progress and logs go to stderr; the report is a table on stdout (or, with --json, one
 * JSON object as the last stdout line) and files under benchmarks/results/.
 */
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { createLogger } from '../src/observability/logger.ts';
import { actorsScenario } from './actors.ts';
import { floorScenario, syncScenario } from './baselines.ts';
import { contentionScenario } from './contention.ts';
import { fanoutScenario } from './fanout.ts';
import { scaleScenario } from './scale.ts';
import { steadyScenario } from './steady.ts';
import { markdownTable, saveReport } from './support/report.ts';
import type { Scenario } from './support/scenario.ts';
import { workerScenario } from './worker.ts';

const SCENARIOS: readonly Scenario[] = [
  actorsScenario,
  workerScenario,
  steadyScenario,
  contentionScenario,
  fanoutScenario,
  scaleScenario,
  floorScenario,
  syncScenario,
];

function rates(value: string): number[] {
  const list = value.split(',').map((v) => Number(v.trim()));
  if (list.length === 0 || list.some((n) => !Number.isFinite(n) || n <= 0))
    throw new InvalidArgumentError(
      `--ramp must be positive rates separated by commas (got "${value}").`,
    );
  return list;
}

function positive(name: string) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0)
      throw new InvalidArgumentError(`${name} must be a positive number (got "${value}").`);
    return n;
  };
}

const program = new Command()
  .name('npm run bench --')
  .description(
    'Holdfast benchmarks against real Kafka and Redis (never timing assertions: reports).',
  )
  .argument('<scenario>', `one of: ${SCENARIOS.map((s) => s.name).join(', ')}`)
  .option(
    '--duration <s>',
    'seconds of measured load (scenario default otherwise)',
    positive('--duration'),
  )
  .option(
    '--rate <r>',
    'offered commands per second (scenario default otherwise)',
    positive('--rate'),
  )
  .option('--ramp <rates>', 'offered rates of the throughput ramp, e.g. 250,500,1000', rates)
  .option('--json', 'logs to stderr; the last stdout line is one JSON object of the figures')
  .option(
    '--out <dir>',
    'where reports are written',
    fileURLToPath(new URL('./results', import.meta.url)),
  )
  .addHelpText(
    'after',
    `\nScenarios:\n${SCENARIOS.map((s) => `  ${s.name.padEnd(12)} ${s.description}`).join('\n')}\n\n` +
      'KAFKA_BROKERS / REDIS_URL reuse a running stack; otherwise a throw-away one is started and stopped.',
  )
  .action(
    async (
      name: string,
      options: { duration?: number; rate?: number; ramp?: number[]; json?: boolean; out: string },
    ) => {
      const scenario = SCENARIOS.find((s) => s.name === name);
      if (!scenario)
        throw new InvalidArgumentError(
          `unknown scenario "${name}"; one of: ${SCENARIOS.map((s) => s.name).join(', ')}`,
        );
      const logger = createLogger({ level: 'warn', destinationFd: 2 });
      const progress = (line: string) => process.stderr.write(`[bench ${name}] ${line}\n`);
      const report = await scenario.run({
        durationS: options.duration,
        rate: options.rate,
        rampRates: options.ramp,
        env: process.env,
        logger,
        progress,
      });
      const command = `npm run bench -- ${process.argv.slice(2).join(' ')}`;
      const saved = await saveReport(options.out, name, command, report);
      progress(`report: ${saved.markdownPath}`);
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ scenario: name, ...report.figures })}\n`);
      } else {
        process.stdout.write(`${markdownTable(report.table)}\n`);
        for (const note of report.notes ?? []) process.stdout.write(`- ${note}\n`);
      }
    },
  );

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
