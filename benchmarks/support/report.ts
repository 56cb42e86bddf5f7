/** Benchmark reports: the machine, percentiles, and the files under benchmarks/results/. */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Histogram } from 'hdr-histogram-js';
import type { ScenarioReport } from './scenario.ts';

export function machine() {
  const cpu = cpus();
  return {
    cpus: cpu.length,
    cpuModel: cpu[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
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
  const body = { scenario, date: new Date().toISOString(), command, machine: machine(), ...report };
  await writeFile(`${base}.json`, `${JSON.stringify(body, null, 2)}\n`);
  const md = [
    `# ${scenario} — ${body.date}`,
    '',
    `Reproduce: \`${command}\``,
    '',
    `Machine: ${body.machine.cpus} × ${body.machine.cpuModel}, ${body.machine.memoryGiB} GiB, Node ${body.machine.node}`,
    '',
    markdownTable(report.table),
    '',
    ...(report.notes ?? []).map((note) => `- ${note}`),
    '',
  ].join('\n');
  await writeFile(`${base}.md`, md);
  return { jsonPath: `${base}.json`, markdownPath: `${base}.md` };
}
