/**
 * `npm run bench -- scale`: the steady load (fixed rate, then the ramp) against Holdfast
 * with one worker, then with two, each on a fresh deployment of the same infra stack.
 */
import { startEphemeralStack } from '../src/infra/ephemeral.ts';
import { DEFAULT_RAMP, DEFAULT_RATE } from './steady.ts';
import { percentileChartSvg } from './support/chart.ts';
import { cpuText, measureDesign, rampStepSeconds } from './support/measure.ts';
import type { PhaseResult } from './support/phases.ts';
import type { Scenario, ScenarioOptions, ScenarioReport } from './support/scenario.ts';
import { ratio, STEP_HEADER, stepRow } from './support/summary.ts';

export const scaleScenario: Scenario = {
  name: 'scale',
  description: 'the steady load with one and with two workers (fixed rate + ramp each)',
  async run(options: ScenarioOptions): Promise<ScenarioReport> {
    const rate = options.rate ?? DEFAULT_RATE;
    const durationS = options.durationS ?? 30;
    const ramp = options.rampRates ?? DEFAULT_RAMP;
    const stepS = rampStepSeconds(durationS);
    const stack = await startEphemeralStack(options.env, options.progress);
    try {
      const runs = [];
      for (const workers of [1, 2]) {
        options.progress(`holdfast with ${workers} worker(s)`);
        runs.push({
          workers,
          run: await measureDesign(stack, options, {
            design: 'holdfast',
            workers,
            rate,
            durationS,
            rampRates: ramp,
            rampStepS: stepS,
          }),
        });
      }
      const [one, two] = runs;
      const rows: [string, PhaseResult][] = runs.flatMap(({ workers, run }) =>
        [run.fixed, ...run.ramp]
          .filter((p): p is PhaseResult => p !== undefined)
          .map((p): [string, PhaseResult] => [`${workers} worker(s) ${p.label}`, p]),
      );
      const f1 = one?.run.fixed?.figures;
      const f2 = two?.run.fixed?.figures;
      return {
        figures: {
          rate,
          durationS,
          oneWorkerP50Ms: f1?.p50Ms ?? null,
          oneWorkerP99Ms: f1?.p99Ms ?? null,
          oneWorkerErrors: f1?.errors ?? null,
          twoWorkersP50Ms: f2?.p50Ms ?? null,
          twoWorkersP99Ms: f2?.p99Ms ?? null,
          twoWorkersErrors: f2?.errors ?? null,
          oneWorkerPeakCommandsPerSecond: one?.run.peakCommandsPerSecond ?? null,
          twoWorkersPeakCommandsPerSecond: two?.run.peakCommandsPerSecond ?? null,
          peakRatio: ratio(
            two?.run.peakCommandsPerSecond ?? undefined,
            one?.run.peakCommandsPerSecond ?? undefined,
          ),
        },
        table: [
          [...STEP_HEADER, 'CPU s per process'],
          ...rows.map(([label, p]) => [...stepRow(label, p.figures), cpuText(p.cpuSeconds)]),
        ],
        notes: [
          'On a 2-core machine that also runs Kafka, Redis, the gateway and the load, a second worker adds no cores: this shows the partition handover and the per-worker CPU split, not linear scaling.',
        ],
        charts: [
          {
            name: 'latency',
            svg: percentileChartSvg(
              `ack latency at ${rate}/s, 1 vs 2 workers`,
              runs.flatMap(({ workers, run }) =>
                run.fixed
                  ? [{ label: `${workers} worker(s)`, points: run.fixed.figures.percentiles }]
                  : [],
              ),
            ),
          },
        ],
        detail: rows.map(([label, p]) => ({ label, figures: p.figures, cpuSeconds: p.cpuSeconds })),
      };
    } finally {
      await stack.stop();
    }
  },
};
