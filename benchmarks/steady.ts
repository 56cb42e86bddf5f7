/**
 * `npm run bench -- steady`: Holdfast at a fixed rate of hold → confirm / release from
 * 200+ sockets over 20 shows, with both baselines in the same run — `floor` (Socket.IO
 * echo, then Socket.IO + two kafkajs hops) and `sync` (the same gateway deciding over
 * HTTP + a Redis Lua script) at the same rate — and one throughput ramp per design
 * (p99 ≤ 100 ms, no errors). This scenario prints the summary JSON with --json.
 */
import { startEphemeralStack } from '../src/infra/ephemeral.ts';
import { percentileChartSvg } from './support/chart.ts';
import { cpuText, type DesignRun, measureDesign, rampStepSeconds } from './support/measure.ts';
import type { PhaseResult } from './support/phases.ts';
import type { Scenario, ScenarioOptions, ScenarioReport } from './support/scenario.ts';
import { ratio, STEP_HEADER, stepRow } from './support/summary.ts';

export const DEFAULT_RATE = 1000;
export const DEFAULT_DURATION_S = 60;
export const DEFAULT_RAMP = [250, 500, 1000, 1500, 2000, 3000, 4000];

export const steadyScenario: Scenario = {
  name: 'steady',
  description:
    'hold → confirm/release at a fixed rate vs floor and sync in the same run, plus a peak-throughput ramp of holdfast and sync',
  async run(options: ScenarioOptions): Promise<ScenarioReport> {
    const rate = options.rate ?? DEFAULT_RATE;
    const durationS = options.durationS ?? DEFAULT_DURATION_S;
    const ramp = options.rampRates ?? DEFAULT_RAMP;
    const stepS = rampStepSeconds(durationS);
    const stack = await startEphemeralStack(options.env, options.progress);
    try {
      options.progress('floor: Socket.IO echo');
      const echo = await measureDesign(stack, options, {
        design: 'floor',
        rate,
        durationS: stepS,
        rampRates: [],
        rampStepS: stepS,
        workload: { kind: 'echo' },
        label: `echo ${rate}/s`,
      });
      options.progress('floor: Socket.IO + two kafkajs hops');
      const floor = await measureDesign(stack, options, {
        design: 'floor',
        rate,
        durationS,
        rampRates: [],
        rampStepS: stepS,
        workload: { kind: 'holds' },
      });
      const holdfast = await measureDesign(stack, options, {
        design: 'holdfast',
        rate,
        durationS,
        rampRates: ramp,
        rampStepS: stepS,
      });
      const sync = await measureDesign(stack, options, {
        design: 'sync',
        rate,
        durationS,
        rampRates: ramp,
        rampStepS: stepS,
      });
      return steadyReport({ rate, durationS, stepS, echo, floor, holdfast, sync });
    } finally {
      await stack.stop();
    }
  },
};

interface SteadyRuns {
  rate: number;
  durationS: number;
  stepS: number;
  echo: DesignRun;
  floor: DesignRun;
  holdfast: DesignRun;
  sync: DesignRun;
}

export function steadyReport(runs: SteadyRuns): ScenarioReport {
  const h = runs.holdfast.fixed?.figures;
  const s = runs.sync.fixed?.figures;
  const f = runs.floor.fixed?.figures;
  const e = runs.echo.fixed?.figures;
  const figures = {
    rate: runs.rate,
    durationS: runs.durationS,
    commandsPerSecond: h?.commandsPerSecond ?? null,
    p50Ms: h?.p50Ms ?? null,
    p95Ms: h?.p95Ms ?? null,
    p99Ms: h?.p99Ms ?? null,
    maxMs: h?.maxMs ?? null,
    errors: h?.errors ?? null,
    refusals: h?.refusals ?? null,
    floorP50Ms: f?.p50Ms ?? null,
    floorP99Ms: f?.p99Ms ?? null,
    floorEchoP50Ms: e?.p50Ms ?? null,
    syncCommandsPerSecond: s?.commandsPerSecond ?? null,
    syncP50Ms: s?.p50Ms ?? null,
    syncP99Ms: s?.p99Ms ?? null,
    syncErrors: s?.errors ?? null,
    peakCommandsPerSecond: runs.holdfast.peakCommandsPerSecond,
    syncPeakCommandsPerSecond: runs.sync.peakCommandsPerSecond,
    latencyRatioToFloorP50: ratio(h?.p50Ms, f?.p50Ms),
    latencyRatioToFloorP99: ratio(h?.p99Ms, f?.p99Ms),
    latencyRatioToSyncP50: ratio(h?.p50Ms, s?.p50Ms),
    latencyRatioToSyncP99: ratio(h?.p99Ms, s?.p99Ms),
    throughputRatioToSync: ratio(
      runs.holdfast.peakCommandsPerSecond ?? undefined,
      runs.sync.peakCommandsPerSecond ?? undefined,
    ),
  };
  const phases: [string, PhaseResult | undefined][] = [
    ['floor: Socket.IO echo', runs.echo.fixed],
    ['floor: Socket.IO + 2 Kafka hops', runs.floor.fixed],
    ['holdfast', runs.holdfast.fixed],
    ['sync', runs.sync.fixed],
    ...runs.holdfast.ramp.map((r): [string, PhaseResult] => [`holdfast ${r.label}`, r]),
    ...runs.sync.ramp.map((r): [string, PhaseResult] => [`sync ${r.label}`, r]),
  ];
  const present = phases.filter((p): p is [string, PhaseResult] => p[1] !== undefined);
  const table = [
    [...STEP_HEADER, 'CPU s per process'],
    ...present.map(([label, r]) => [...stepRow(label, r.figures), cpuText(r.cpuSeconds)]),
  ];
  const targets = [
    `steady ${runs.rate}/s for ${runs.durationS} s: errors ${figures.errors} (target 0), p50 ${figures.p50Ms} ms (target ≤ 15), p99 ${figures.p99Ms} ms (target ≤ 60)`,
    `ack latency vs floor at ${runs.rate}/s: p50 ×${figures.latencyRatioToFloorP50}, p99 ×${figures.latencyRatioToFloorP99} (target ≤ 1.5)`,
    `peak throughput (one ramp, ${runs.stepS} s steps, p99 ≤ 100 ms, no errors): holdfast ${figures.peakCommandsPerSecond}/s, sync ${figures.syncPeakCommandsPerSecond}/s (target holdfast ≥ sync)`,
  ];
  return {
    figures,
    table,
    notes: [
      ...targets,
      'errors = TIMEOUT, UNAVAILABLE, RATE_LIMITED, INVALID_PAYLOAD and transport failures; refusals = business codes (SEAT_TAKEN, …).',
      'Latency is emit → ack at the client (open loop: commands are sent when due, answered or not). Sockets: max(200, rate/10), 200 of them joined to their show so every change is broadcast to ~10 sockets.',
      'floor = a Socket.IO server acking after its command went through Kafka twice (gateway producer → relay → gateway consumer); echo = Socket.IO alone. sync = the Holdfast gateway whose command path is one HTTP call to a service deciding with one Redis Lua script.',
    ],
    charts: [
      {
        name: 'latency',
        svg: percentileChartSvg(
          `ack latency at ${runs.rate} commands/s`,
          present.slice(0, 4).map(([label, r]) => ({ label, points: r.figures.percentiles })),
        ),
      },
    ],
    detail: Object.fromEntries(
      present.map(([label, r]) => [label, { figures: r.figures, cpuSeconds: r.cpuSeconds }]),
    ),
  };
}
