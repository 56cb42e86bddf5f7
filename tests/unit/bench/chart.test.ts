/** The SVG percentile chart: scale, escaping, one line per series. */
import { describe, expect, it } from 'vitest';
import { niceCeiling, ninesOf, percentileChartSvg } from '../../../benchmarks/support/chart.ts';

describe('percentile chart', () => {
  it('spaces percentiles by nines, capped at four', () => {
    expect(ninesOf(0)).toBe(0);
    expect(ninesOf(90)).toBeCloseTo(1);
    expect(ninesOf(99)).toBeCloseTo(2);
    expect(ninesOf(99.9)).toBeCloseTo(3);
    expect(ninesOf(100)).toBe(4);
    expect(ninesOf(99.999)).toBe(4);
  });

  it('rounds the y axis up to 1, 2 or 5 × 10^n', () => {
    expect(niceCeiling(0)).toBe(1);
    expect(niceCeiling(7)).toBe(10);
    expect(niceCeiling(12)).toBe(20);
    expect(niceCeiling(41)).toBe(50);
    expect(niceCeiling(100)).toBe(100);
  });

  it('draws one polyline and legend entry per series, escaping labels', () => {
    const svg = percentileChartSvg('ack <latency>', [
      {
        label: 'holdfast & co',
        points: [
          [0, 1],
          [50, 5],
          [99, 20],
          [100, 30],
        ],
      },
      {
        label: 'sync',
        points: [
          [0, 2],
          [50, 4],
          [100, 9],
        ],
      },
    ]);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg).toContain('ack &lt;latency&gt;');
    expect(svg).toContain('holdfast &amp; co');
    expect(svg.trim().endsWith('</svg>')).toBe(true);
  });
});
