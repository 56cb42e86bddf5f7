/**
 * A latency-percentile chart as SVG (no dependency): one line per series, x the percentile
 * on the usual "nines" scale (50, 90, 99, 99.9 … evenly spaced), y milliseconds (linear).
 */

export interface PercentileSeries {
  label: string;
  /** [percentile, milliseconds] pairs, percentiles in [0, 100]. */
  points: [number, number][];
}

/** Percentiles a chart (and the JSON report) carries for each series. */
export const CHART_PERCENTILES = [0, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.99, 100];

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#17becf'];
const MAX_NINES = 4;

/** The x position of a percentile: -log10(1 - p/100), capped at four nines (100 → the cap). */
export function ninesOf(percentile: number): number {
  if (percentile >= 100) return MAX_NINES;
  if (percentile <= 0) return 0;
  return Math.min(MAX_NINES, -Math.log10(1 - percentile / 100));
}

/** A round upper bound for the y axis (1, 2 or 5 × a power of ten). */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

const xmlText = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function percentileChartSvg(title: string, series: readonly PercentileSeries[]): string {
  const width = 760;
  const height = 420;
  const left = 64;
  const right = 200;
  const top = 40;
  const bottom = 56;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const maxMs = niceCeiling(Math.max(1, ...series.flatMap((s) => s.points.map(([, ms]) => ms))));
  const x = (p: number) => left + (ninesOf(p) / MAX_NINES) * plotW;
  const y = (ms: number) => top + plotH - (Math.min(ms, maxMs) / maxMs) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${left}" y="24" font-size="15" font-weight="bold">${xmlText(title)}</text>`,
  ];
  for (const p of [0, 50, 90, 99, 99.9, 99.99]) {
    const px = x(p).toFixed(1);
    parts.push(
      `<line x1="${px}" y1="${top}" x2="${px}" y2="${top + plotH}" stroke="#ddd"/>`,
      `<text x="${px}" y="${top + plotH + 18}" text-anchor="middle">p${p}</text>`,
    );
  }
  for (let i = 0; i <= 5; i++) {
    const ms = (maxMs * i) / 5;
    const py = y(ms).toFixed(1);
    parts.push(
      `<line x1="${left}" y1="${py}" x2="${left + plotW}" y2="${py}" stroke="#eee"/>`,
      `<text x="${left - 8}" y="${py}" text-anchor="end" dominant-baseline="middle">${Number(ms.toPrecision(3))}</text>`,
    );
  }
  parts.push(
    `<text x="${left + plotW / 2}" y="${height - 14}" text-anchor="middle">percentile</text>`,
    `<text x="16" y="${top + plotH / 2}" transform="rotate(-90 16 ${top + plotH / 2})" text-anchor="middle">latency (ms)</text>`,
    `<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`,
  );
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const points = s.points.map(([p, ms]) => `${x(p).toFixed(1)},${y(ms).toFixed(1)}`).join(' ');
    const ly = top + 10 + i * 20;
    parts.push(
      `<polyline fill="none" stroke="${color}" stroke-width="2" points="${points}"/>`,
      `<line x1="${left + plotW + 12}" y1="${ly}" x2="${left + plotW + 32}" y2="${ly}" stroke="${color}" stroke-width="3"/>`,
      `<text x="${left + plotW + 38}" y="${ly}" dominant-baseline="middle">${xmlText(s.label)}</text>`,
    );
  });
  parts.push('</svg>', '');
  return parts.join('\n');
}
