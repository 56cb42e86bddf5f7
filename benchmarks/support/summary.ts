/** From merged step results to the figures a report shows; pure. */
import type { Histogram } from 'hdr-histogram-js';
import { CHART_PERCENTILES } from './chart.ts';
import type { CodeCounts } from './outcomes.ts';
import { total } from './outcomes.ts';

/** A socket sending up to 20 messages a second is never limited (docs/design.md §5.5): stay at half. */
export const COMMANDS_PER_SOCKET_PER_SECOND = 10;

/** Sockets needed to offer `rate` commands/s without nearing the per-socket limit. */
export function socketsFor(rate: number, minimum: number): number {
  return Math.max(minimum, Math.ceil(rate / COMMANDS_PER_SOCKET_PER_SECOND));
}

export interface StepFigures {
  offeredPerSecond: number;
  /** Answered commands (ok + refusals) per second of the sending window. */
  commandsPerSecond: number;
  sent: number;
  ok: number;
  refusals: number;
  errors: number;
  refusalsByCode: CodeCounts;
  errorsByCode: CodeCounts;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** [percentile, ms] for charts. */
  percentiles: [number, number][];
}

const ms = (us: number) => Math.round(us / 10) / 100;

export function percentilesOf(histogram: Histogram): [number, number][] {
  if (histogram.totalCount === 0) return [];
  return CHART_PERCENTILES.map((p) => [
    p,
    ms(p >= 100 ? histogram.maxValue : histogram.getValueAtPercentile(p)),
  ]);
}

export function stepFigures(
  step: { sent: number; ok: number; refusals: CodeCounts; errors: CodeCounts; latency: Histogram },
  offeredPerSecond: number,
  durationS: number,
): StepFigures {
  const refusals = total(step.refusals);
  const h = step.latency;
  const empty = h.totalCount === 0;
  return {
    offeredPerSecond,
    commandsPerSecond: Math.round((step.ok + refusals) / durationS),
    sent: step.sent,
    ok: step.ok,
    refusals,
    errors: total(step.errors),
    refusalsByCode: step.refusals,
    errorsByCode: step.errors,
    p50Ms: empty ? Number.NaN : ms(h.getValueAtPercentile(50)),
    p95Ms: empty ? Number.NaN : ms(h.getValueAtPercentile(95)),
    p99Ms: empty ? Number.NaN : ms(h.getValueAtPercentile(99)),
    maxMs: empty ? Number.NaN : ms(h.maxValue),
    percentiles: percentilesOf(h),
  };
}

/** A step passes the peak budget when it has no errors and its p99 is within budget. */
export function withinBudget(step: Pick<StepFigures, 'p99Ms' | 'errors'>, p99BudgetMs: number) {
  return step.errors === 0 && Number.isFinite(step.p99Ms) && step.p99Ms <= p99BudgetMs;
}

/**
 * Peak throughput of one ramp: the highest offered rate, in ramp order, before the first
 * step that misses the budget (p99 over budget or any error); 0 if the first one misses.
 */
export function peakOf(
  steps: readonly Pick<StepFigures, 'offeredPerSecond' | 'p99Ms' | 'errors'>[],
  p99BudgetMs = 100,
): number {
  let peak = 0;
  for (const step of steps) {
    if (!withinBudget(step, p99BudgetMs)) break;
    peak = Math.max(peak, step.offeredPerSecond);
  }
  return peak;
}

/** a / b rounded to 3 decimals; null when either is missing or b is 0. */
export function ratio(a: number | undefined, b: number | undefined): number | null {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0)
    return null;
  return Math.round((a / b) * 1000) / 1000;
}

/** A table row of a step: phase, offered, achieved, p50/p95/p99/max, errors, refusals. */
export function stepRow(label: string, f: StepFigures): string[] {
  const errors =
    f.errors === 0
      ? '0'
      : `${f.errors} (${Object.entries(f.errorsByCode)
          .map(([code, n]) => `${code} ${n}`)
          .join(', ')})`;
  return [
    label,
    String(f.offeredPerSecond),
    String(f.commandsPerSecond),
    `${f.p50Ms} / ${f.p95Ms} / ${f.p99Ms} / ${f.maxMs}`,
    errors,
    String(f.refusals),
  ];
}

export const STEP_HEADER = [
  'phase',
  'offered/s',
  'answered/s',
  'ack p50 / p95 / p99 / max (ms)',
  'errors',
  'refusals',
];
