/**
 * The baselines on their own (`steady` runs both in the same run as Holdfast):
 * `floor` — Socket.IO echo, then Socket.IO + two kafkajs produce→consume hops, at a rate;
 * `sync` — the same gateway deciding over HTTP + one Redis Lua script, at a rate and ramped.
 */
import { startEphemeralStack } from '../src/infra/ephemeral.ts';
import { DEFAULT_DURATION_S, DEFAULT_RAMP, DEFAULT_RATE } from './steady.ts';
import { percentileChartSvg } from './support/chart.ts';
import { cpuText, measureDesign, rampStepSeconds } from './support/measure.ts';
import type { PhaseResult } from './support/phases.ts';
import type { Scenario, ScenarioOptions, ScenarioReport } from './support/scenario.ts';
import { STEP_HEADER, stepRow } from './support/summary.ts';

function report(
  phases: PhaseResult[],
  title: string,
  extra: Record<string, number | null>,
): ScenarioReport {
  const main =
    phases.find((p) => !p.label.startsWith('ramp') && !p.label.startsWith('echo')) ?? phases[0];
  const f = main?.figures;
  return {
    figures: {
      commandsPerSecond: f?.commandsPerSecond ?? null,
      p50Ms: f?.p50Ms ?? null,
      p95Ms: f?.p95Ms ?? null,
      p99Ms: f?.p99Ms ?? null,
      maxMs: f?.maxMs ?? null,
      errors: f?.errors ?? null,
      refusals: f?.refusals ?? null,
      ...extra,
    },
    table: [
      [...STEP_HEADER, 'CPU s per process'],
      ...phases.map((p) => [...stepRow(p.label, p.figures), cpuText(p.cpuSeconds)]),
    ],
    charts: [
      {
        name: 'latency',
        svg: percentileChartSvg(
          title,
          phases
            .filter((p) => !p.label.startsWith('ramp'))
            .map((p) => ({ label: p.label, points: p.figures.percentiles })),
        ),
      },
    ],
    detail: phases.map((p) => ({ label: p.label, figures: p.figures, cpuSeconds: p.cpuSeconds })),
  };
}

export const floorScenario: Scenario = {
  name: 'floor',
  description:
    'baseline: Socket.IO emit-with-ack echo, and through two kafkajs produce→consume hops',
  async run(options: ScenarioOptions): Promise<ScenarioReport> {
    const rate = options.rate ?? DEFAULT_RATE;
    const durationS = options.durationS ?? DEFAULT_DURATION_S;
    const stack = await startEphemeralStack(options.env, options.progress);
    try {
      const echo = await measureDesign(stack, options, {
        design: 'floor',
        rate,
        durationS,
        rampRates: [],
        rampStepS: 0,
        workload: { kind: 'echo' },
        label: `echo ${rate}/s`,
      });
      const hops = await measureDesign(stack, options, {
        design: 'floor',
        rate,
        durationS,
        rampRates: [],
        rampStepS: 0,
        workload: { kind: 'holds' },
        label: `2 Kafka hops ${rate}/s`,
      });
      const phases = [echo.fixed, hops.fixed].filter((p): p is PhaseResult => p !== undefined);
      const r = report(phases.reverse(), `floor at ${rate}/s`, {
        floorEchoP50Ms: echo.fixed?.figures.p50Ms ?? null,
      });
      r.notes = [
        'The floor decides nothing, validates nothing, writes no read model and broadcasts nothing: the least this architecture can cost.',
      ];
      return r;
    } finally {
      await stack.stop();
    }
  },
};

export const syncScenario: Scenario = {
  name: 'sync',
  description:
    'baseline: the same gateway calling a synchronous HTTP service that decides with a Redis Lua script (fixed rate + ramp)',
  async run(options: ScenarioOptions): Promise<ScenarioReport> {
    const rate = options.rate ?? DEFAULT_RATE;
    const durationS = options.durationS ?? DEFAULT_DURATION_S;
    const ramp = options.rampRates ?? DEFAULT_RAMP;
    const stack = await startEphemeralStack(options.env, options.progress);
    try {
      const sync = await measureDesign(stack, options, {
        design: 'sync',
        rate,
        durationS,
        rampRates: ramp,
        rampStepS: rampStepSeconds(durationS),
      });
      const phases = [sync.fixed, ...sync.ramp].filter((p): p is PhaseResult => p !== undefined);
      const r = report(phases, `sync at ${rate}/s`, {
        peakCommandsPerSecond: sync.peakCommandsPerSecond,
      });
      r.notes = ['Peak: highest offered rate of the ramp with p99 ≤ 100 ms and no errors.'];
      return r;
    } finally {
      await stack.stop();
    }
  },
};
