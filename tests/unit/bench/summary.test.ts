/** Benchmark arithmetic: percentiles, budgets, peak of a ramp, outcome classes, merging. */
import { encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { mergeSteps } from '../../../benchmarks/support/load-fleet.ts';
import type { StepResult } from '../../../benchmarks/support/load-protocol.ts';
import { addCounts, classify, total } from '../../../benchmarks/support/outcomes.ts';
import { emptyHistogram, markdownTable } from '../../../benchmarks/support/report.ts';
import {
  peakOf,
  percentilesOf,
  ratio,
  socketsFor,
  stepFigures,
  stepRow,
  withinBudget,
} from '../../../benchmarks/support/summary.ts';

function histogramOfMs(values: number[]) {
  const h = emptyHistogram();
  for (const ms of values) h.recordValue(ms * 1000);
  return h;
}

describe('outcomes', () => {
  it('splits errors from business refusals', () => {
    expect(classify({ ok: true, seat: {} })).toEqual({ kind: 'ok' });
    for (const code of [
      'SEAT_TAKEN',
      'NOT_HOLDER',
      'HOLD_EXPIRED',
      'UNKNOWN_SHOW',
      'UNKNOWN_SEAT',
    ]) {
      expect(classify({ ok: false, error: { code } })).toEqual({ kind: 'refusal', code });
    }
    for (const code of [
      'TIMEOUT',
      'UNAVAILABLE',
      'RATE_LIMITED',
      'INVALID_PAYLOAD',
      'SOMETHING_NEW',
    ]) {
      expect(classify({ ok: false, error: { code } })).toEqual({ kind: 'error', code });
    }
    expect(classify(undefined)).toEqual({ kind: 'error', code: 'MALFORMED_ACK' });
    expect(classify({ ok: false })).toEqual({ kind: 'error', code: 'MALFORMED_ACK' });
  });

  it('adds counts by code', () => {
    const counts = addCounts({ TIMEOUT: 1 }, { TIMEOUT: 2, UNAVAILABLE: 1 });
    expect(counts).toEqual({ TIMEOUT: 3, UNAVAILABLE: 1 });
    expect(total(counts)).toBe(4);
  });
});

describe('step figures', () => {
  it('takes percentiles in ms and throughput over the sending window', () => {
    const latency = histogramOfMs(Array.from({ length: 100 }, (_, i) => i + 1));
    const f = stepFigures(
      { sent: 110, ok: 90, refusals: { SEAT_TAKEN: 10 }, errors: { TIMEOUT: 10 }, latency },
      100,
      2,
    );
    expect(f.commandsPerSecond).toBe(50);
    expect(f.refusals).toBe(10);
    expect(f.errors).toBe(10);
    expect(f.p50Ms).toBeCloseTo(50, 0);
    expect(f.p99Ms).toBeCloseTo(99, 0);
    expect(f.maxMs).toBeCloseTo(100, 0);
    expect(f.percentiles[0]).toEqual([0, expect.any(Number)]);
    expect(f.percentiles.at(-1)?.[0]).toBe(100);
    expect(stepRow('x', f)).toEqual([
      'x',
      '100',
      '50',
      expect.stringContaining(' / '),
      '10 (TIMEOUT 10)',
      '10',
    ]);
  });

  it('reports no latency (not zero) when nothing was answered', () => {
    const f = stepFigures(
      { sent: 0, ok: 0, refusals: {}, errors: {}, latency: emptyHistogram() },
      10,
      1,
    );
    expect(Number.isNaN(f.p99Ms)).toBe(true);
    expect(withinBudget(f, 100)).toBe(false);
    expect(percentilesOf(emptyHistogram())).toEqual([]);
  });
});

describe('peak of a ramp', () => {
  const step = (offeredPerSecond: number, p99Ms: number, errors = 0) => ({
    offeredPerSecond,
    p99Ms,
    errors,
  });

  it('is the highest offered rate before the first step over budget or with errors', () => {
    expect(peakOf([step(250, 10), step(500, 40), step(1000, 120), step(1500, 30)])).toBe(500);
    expect(peakOf([step(250, 10), step(500, 40, 1), step(1000, 20)])).toBe(250);
    expect(peakOf([step(250, 100)])).toBe(250);
  });

  it('is 0 when the first step misses, and honours another budget', () => {
    expect(peakOf([step(250, 101)])).toBe(0);
    expect(peakOf([])).toBe(0);
    expect(peakOf([step(250, 30), step(500, 70)], 50)).toBe(250);
  });
});

describe('sizing and ratios', () => {
  it('keeps every socket at half the never-limited 20 messages a second', () => {
    expect(socketsFor(1000, 200)).toBe(200);
    expect(socketsFor(4000, 200)).toBe(400);
    expect(socketsFor(4001, 200)).toBe(401);
  });

  it('rounds ratios and refuses meaningless ones', () => {
    expect(ratio(3, 2)).toBe(1.5);
    expect(ratio(1, 3)).toBe(0.333);
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(undefined, 2)).toBeNull();
    expect(ratio(Number.NaN, 2)).toBeNull();
  });
});

describe('merging load processes', () => {
  const result = (step: number, values: number[], extra: Partial<StepResult> = {}): StepResult => ({
    step,
    sent: values.length,
    ok: values.length,
    refusals: {},
    errors: {},
    histogram: encodeIntoCompressedBase64(histogramOfMs(values)),
    elapsedS: 1,
    ...extra,
  });

  it('adds counts and histograms of the same step across processes', () => {
    const merged = mergeSteps([
      [result(0, [1, 2]), result(1, [5])],
      [
        result(0, [3], { errors: { TIMEOUT: 1 }, winners: { 's/A1': 1 } }),
        result(1, [7], { elapsedS: 2 }),
      ],
      [result(0, [], { winners: { 's/A1': 1 } })],
    ]);
    expect(merged).toHaveLength(2);
    expect(merged[0]?.sent).toBe(3);
    expect(merged[0]?.latency.totalCount).toBe(3);
    expect(merged[0]?.errors).toEqual({ TIMEOUT: 1 });
    expect(merged[0]?.winners).toEqual({ 's/A1': 2 });
    expect(merged[1]?.latency.maxValue).toBeGreaterThanOrEqual(7000);
    expect(merged[1]?.elapsedS).toBe(2);
  });

  it('merges watcher deliveries', () => {
    const deliveries = (n: number) => ({
      histogram: encodeIntoCompressedBase64(histogramOfMs(Array.from({ length: n }, () => 20))),
      count: n,
      changes: n,
    });
    const merged = mergeSteps([
      [result(0, [], { deliveries: deliveries(3) })],
      [result(0, [], { deliveries: deliveries(4) })],
    ]);
    expect(merged[0]?.deliveryCount).toBe(7);
    expect(merged[0]?.deliveries?.totalCount).toBe(7);
    expect(merged[0]?.changesSeen).toBe(4);
  });
});

describe('markdown table', () => {
  it('writes a header separator', () => {
    expect(
      markdownTable([
        ['a', 'b'],
        ['1', '2'],
      ]),
    ).toBe('| a | b |\n| --- | --- |\n| 1 | 2 |');
  });
});
