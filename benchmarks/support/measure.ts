/**
 * One design measured the way every scenario needs it: started on the shared infra stack,
 * loaded by its own load processes, a fixed-rate phase and optionally a ramp, stopped.
 */
import type { EphemeralStack } from '../../src/infra/ephemeral.ts';
import type { ShowRef, Workload } from './load-protocol.ts';
import { drive, type PhaseResult } from './phases.ts';
import type { ScenarioOptions } from './scenario.ts';
import { type Design, makeShows, startSystem } from './stacks.ts';
import { peakOf, socketsFor } from './summary.ts';

export const SHOWS = 20;
export const SEATS_PER_ROW = 50;
/** Sockets that join their show in command scenarios: a constant audience per change. */
export const JOINED_SOCKETS = 200;
/** Seconds of discarded load before any measured phase (BENCH_WARM_UP_S overrides: smoke runs). */
export const WARM_UP_S = 3;

export interface DesignRun {
  design: Design;
  fixed: PhaseResult | undefined;
  ramp: PhaseResult[];
  /** Highest offered rate of the ramp within p99 ≤ 100 ms and no errors. */
  peakCommandsPerSecond: number | null;
}

export interface MeasureOptions {
  design: Design;
  workers?: number;
  rate: number;
  durationS: number;
  /** Empty: no ramp. */
  rampRates: readonly number[];
  rampStepS: number;
  workload?: Workload;
  /** Fixed phase label. @defaultValue `${rate}/s` */
  label?: string;
}

/** 20 shows with enough fresh seats for every hold the phases will offer (holds ≈ half). */
export function showsFor(prefix: string, commands: number): ShowRef[] {
  const holds = Math.ceil((commands / 2) * 1.2) + 1000;
  const rows = Math.min(702, Math.max(10, Math.ceil(holds / SHOWS / SEATS_PER_ROW)));
  return makeShows(prefix, SHOWS, rows, SEATS_PER_ROW);
}

export async function measureDesign(
  stack: EphemeralStack,
  scenario: ScenarioOptions,
  o: MeasureOptions,
): Promise<DesignRun> {
  const maxRate = Math.max(o.rate, ...o.rampRates);
  const commands = o.rate * o.durationS + o.rampRates.reduce((sum, r) => sum + r * o.rampStepS, 0);
  const shows = showsFor(`${o.design}-show-`, commands);
  const sut = await startSystem({
    design: o.design,
    stack,
    env: scenario.env,
    logger: scenario.logger,
    progress: scenario.progress,
    shows,
    workers: o.workers ?? 1,
  });
  try {
    const sockets = socketsFor(maxRate, JOINED_SOCKETS);
    const driver = await drive(
      sut,
      stack,
      {
        sockets,
        processes: 2,
        workload: o.workload ?? { kind: 'steady' },
        shows,
        joinBelow: o.design === 'floor' ? 0 : JOINED_SOCKETS,
        userPrefix: `${o.design}-user`,
      },
      scenario.progress,
    );
    try {
      const fixed =
        o.durationS > 0
          ? await driver.fixed(o.label ?? `${o.rate}/s`, o.rate, o.durationS)
          : undefined;
      const ramp =
        o.rampRates.length > 0 ? await driver.ramp('ramp', o.rampRates, o.rampStepS) : [];
      return {
        design: o.design,
        fixed,
        ramp,
        peakCommandsPerSecond: ramp.length > 0 ? peakOf(ramp.map((r) => r.figures)) : null,
      };
    } finally {
      await driver.stop();
    }
  } finally {
    await sut.stop();
  }
}

/** Ramp step length from --duration: a sixth of it, 2–10 s. */
export function rampStepSeconds(durationS: number): number {
  return Math.min(10, Math.max(2, Math.round(durationS / 6)));
}

export function cpuText(cpu: Record<string, number>): string {
  return Object.entries(cpu)
    .map(([name, s]) => `${name} ${s}`)
    .join(', ');
}
