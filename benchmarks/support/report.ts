/** Benchmark reports: the machine, percentiles, and the files under benchmarks/results/. */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { build, type Histogram } from 'hdr-histogram-js';
import type { ScenarioReport } from './scenario.ts';

export function machine() {
  const cpu = cpus();
  return {
    cpus: cpu.length,
    cpuModel: cpu[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    /** 1/5/15-minute load averages when the report was written: other work on the machine. */
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/** An empty latency histogram in microseconds (1 µs to 120 s, 3 significant digits). */
export function emptyHistogram(): Histogram {
  return build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 120_000_000,
    numberOfSignificantValueDigits: 3,
  });
}

/** p50/p95/p99/max in milliseconds of a histogram recorded in microseconds. */
export function latencyMs(histogram: Histogram) {
  const ms = (us: number) => Math.round(us / 10) / 100;
  return {
    p50Ms: ms(histogram.getValueAtPercentile(50)),
    p95Ms: ms(histogram.getValueAtPercentile(95)),
    p99Ms: ms(histogram.getValueAtPercentile(99)),
    maxMs: ms(histogram.maxValue),
    samples: histogram.totalCount,
  };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function markdownTable(rows: readonly string[][]): string {
  const [header, ...body] = rows;
  if (!header) return '';
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...body.map(line)].join('\n');
}

export interface SavedReport {
  jsonPath: string;
  markdownPath: string;
}

export async function saveReport(
  dir: string,
  scenario: string,
  command: string,
  report: ScenarioReport,
): Promise<SavedReport> {
  await mkdir(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const base = join(dir, `${scenario}-${stamp}`);
  const { charts: _charts, ...kept } = report;
  const body = { scenario, date: new Date().toISOString(), command, machine: machine(), ...kept };
  await writeFile(`${base}.json`, `${JSON.stringify(body, null, 2)}\n`);
  const charts: string[] = [];
  for (const chart of report.charts ?? []) {
    const path = `${base}-${chart.name}.svg`;
    await writeFile(path, chart.svg);
    charts.push(`![${chart.name}](${path.slice(dir.length + 1)})`);
  }
  const md = [
    `# ${scenario} — ${body.date}`,
    '',
    `Reproduce: \`${command}\``,
    '',
    `Machine: ${body.machine.cpus} × ${body.machine.cpuModel}, ${body.machine.memoryGiB} GiB, Node ${body.machine.node}, load average ${body.machine.loadAverage.join(' / ')}`,
    '',
    markdownTable(report.table),
    '',
    ...(report.notes ?? []).map((note) => `- ${note}`),
    '',
    ...charts.flatMap((chart) => [chart, '']),
  ].join('\n');
  await writeFile(`${base}.md`, md);
  return { jsonPath: `${base}.json`, markdownPath: `${base}.md` };
}
