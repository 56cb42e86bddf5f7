/** The chaos run's report: figures as tables for people, one JSON object for machines. */
import type { BadInputResult } from './bad-input.ts';
import type { CheckResult, Invariant, Violation } from './checker.ts';
import type { FaultKind } from './faults.ts';
import type { FaultRecord } from './nemesis.ts';

/** The recovery target of the issue: fault → every partition decided again. */
export const RECOVERY_TARGET_MS = 15_000;

export interface ChaosReport {
  readonly seed: number;
  readonly durationS: number;
  /** Wall time of the whole run (start-up, chaos, bad input, quiet period, check). */
  readonly wallS: number;
  readonly machine: string;
  readonly operations: number;
  readonly outcomes: Record<string, number>;
  readonly faults: Partial<Record<FaultKind, number>>;
  readonly faultLog: readonly FaultRecord[];
  readonly recovery: {
    readonly maxMs: number | null;
    readonly notRecovered: number;
    readonly overTarget: number;
    readonly byKindMaxMs: Partial<Record<FaultKind, number>>;
  };
  readonly violations: Record<Invariant | 'badInput', number>;
  readonly violationList: readonly Violation[];
  readonly figures: CheckResult['figures'] & {
    readonly commands: number;
    readonly events: number;
    readonly undecodable: { commands: number; events: number };
    readonly probeSendFailures: number;
    readonly reconnects: number;
    readonly holdEndBoundMs: number;
  };
  readonly badInput: BadInputResult | null;
  readonly savedTo: string | null;
}

export function recoverySummary(faults: readonly FaultRecord[]): ChaosReport['recovery'] {
  let maxMs: number | null = null;
  let notRecovered = 0;
  let overTarget = 0;
  const byKindMaxMs: Partial<Record<FaultKind, number>> = {};
  for (const fault of faults) {
    if (fault.recoveryMs === undefined) {
      notRecovered++;
      continue;
    }
    maxMs = Math.max(maxMs ?? 0, fault.recoveryMs);
    if (fault.recoveryMs > RECOVERY_TARGET_MS) overTarget++;
    byKindMaxMs[fault.kind] = Math.max(byKindMaxMs[fault.kind] ?? 0, fault.recoveryMs);
  }
  return { maxMs, notRecovered, overTarget, byKindMaxMs };
}

export function totalViolations(report: ChaosReport): number {
  return Object.values(report.violations).reduce((sum, n) => sum + n, 0);
}

function table(rows: readonly (readonly string[])[]): string {
  const [header, ...body] = rows;
  if (!header) return '';
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...body.map(line)].join('\n');
}

const seconds = (ms: number | undefined | null) =>
  ms === undefined || ms === null ? 'not recovered' : `${(ms / 1000).toFixed(1)} s`;

const clock = (epochMs: number) => new Date(epochMs).toISOString().slice(11, 19);

export function renderReport(report: ChaosReport): string {
  const parts: string[] = [];
  parts.push(
    `Chaos run: seed ${report.seed}, ${report.durationS} s of faults (${report.wallS.toFixed(0)} s wall), ${report.machine}`,
  );
  parts.push(
    table([
      [
        'operations',
        'outcomes',
        'commands logged',
        'events logged',
        'holds',
        'reservations',
        'reconnects',
      ],
      [
        String(report.operations),
        Object.entries(report.outcomes)
          .map(([k, v]) => `${k} ${v}`)
          .join(', '),
        String(report.figures.commands),
        String(report.figures.events),
        String(report.figures.holds),
        String(report.figures.reservations),
        String(report.figures.reconnects),
      ],
    ]),
  );
  parts.push(
    table([
      ['#', 'fault', 'at', 'what', 'recovery'],
      ...report.faultLog.map((fault, i) => [
        String(i + 1),
        fault.kind,
        clock(fault.at),
        fault.error ? `${fault.detail} (error: ${fault.error})` : fault.detail,
        fault.recoveryFrom === undefined
          ? seconds(fault.recoveryMs)
          : `${seconds(fault.recoveryMs)} from ${clock(fault.recoveryFrom)}`,
      ]),
    ]),
  );
  parts.push(
    table([
      ['fault kind', 'count', 'slowest recovery'],
      ...Object.entries(report.faults).map(([kind, count]) => [
        kind,
        String(count),
        seconds(report.recovery.byKindMaxMs[kind as FaultKind]),
      ]),
    ]),
  );
  parts.push(
    `Recovery (target ${RECOVERY_TARGET_MS / 1000} s): slowest ${seconds(report.recovery.maxMs)}, over target ${report.recovery.overTarget}, not recovered ${report.recovery.notRecovered}. ` +
      `Longest hold past its expiry: ${report.figures.maxHoldOverrunMs} ms (bound ${report.figures.holdEndBoundMs} ms).`,
  );
  parts.push(
    table([
      ['invariant', 'violations'],
      ...Object.entries(report.violations).map(([k, v]) => [k, String(v)]),
    ]),
  );
  if (report.badInput) {
    const b = report.badInput;
    parts.push(
      `Bad input: ${b.messages} messages, ${b.acked} acked (${Object.entries(b.coded)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}), malformed acks ${b.malformedAcks}, missing acks ${b.missingAcks}, ` +
        `bad tokens ${b.badTokensTried} tried / ${b.badTokensAccepted} accepted, normal client ${b.normalOps} ops / ${b.normalFailures} failed, gateways down ${b.gatewaysDown.length}.`,
    );
  }
  if (report.violationList.length > 0) {
    parts.push(
      table([
        ['invariant', 'seat', 'detail'],
        ...report.violationList.map((v) => [
          v.invariant,
          v.seat ?? '',
          v.detail.replaceAll('|', '/'),
        ]),
      ]),
    );
  }
  if (report.savedTo) parts.push(`History, logs and report saved in ${report.savedTo}`);
  return parts.join('\n\n');
}
