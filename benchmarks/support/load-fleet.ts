/**
 * The bench runner's side of its load processes: forks them, hands each its plan, starts
 * them together, prints one progress line a second, and merges their step results.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { decodeFromCompressedBase64, type Histogram } from 'hdr-histogram-js';
import { cpuSeconds } from '../../src/fleet/fleet.ts';
import type { FromLoad, LoadPlan, Step, StepResult } from './load-protocol.ts';
import { addCounts, type CodeCounts, total } from './outcomes.ts';
import { emptyHistogram } from './report.ts';

const ENTRY = fileURLToPath(new URL('./load-process.ts', import.meta.url));

/** One step merged across load processes. */
export interface MergedStep {
  step: number;
  sent: number;
  ok: number;
  refusals: CodeCounts;
  errors: CodeCounts;
  latency: Histogram;
  deliveries: Histogram | undefined;
  deliveryCount: number;
  /** Distinct changes seen by at least one watcher. */
  changesSeen: number;
  winners: Record<string, number>;
  elapsedS: number;
}

export interface LoadRun {
  steps: MergedStep[];
  /** CPU seconds each load process used during the run. */
  cpuSeconds: number[];
}

export interface LoadFleet {
  readonly pids: number[];
  /** Starts every process at once; resolves when all finished all steps. */
  run(label: string, steps: Step[], progress: (line: string) => void): Promise<LoadRun>;
  stop(): Promise<void>;
}

interface Member {
  child: ChildProcess;
  results: StepResult[];
  tick: { sent: number; answered: number; errors: number; deliveries: number };
  /** This process's share of the offered rate (its sockets over all sockets). */
  share: number;
  done: Promise<void>;
  finish: () => void;
  fail: (error: Error) => void;
}

/** Forks one process per plan and resolves once every socket has connected (or failed). */
export async function startLoad(
  plans: LoadPlan[],
  progress: (line: string) => void,
): Promise<LoadFleet> {
  const members: Member[] = [];
  const readies: Promise<void>[] = [];
  for (const plan of plans) {
    const child = fork(ENTRY, [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const member: Member = {
      child,
      results: [],
      tick: { sent: 0, answered: 0, errors: 0, deliveries: 0 },
      share: plan.sockets / plan.totalSockets,
      done: Promise.resolve(),
      finish: () => undefined,
      fail: () => undefined,
    };
    readies.push(
      new Promise<void>((resolve, reject) => {
        child.on('message', (message: FromLoad) => {
          switch (message.type) {
            case 'ready':
              if (message.failed > 0)
                progress(`load process ${child.pid}: ${message.failed} sockets could not connect`);
              resolve();
              break;
            case 'tick':
              member.tick = message;
              break;
            case 'step':
              member.results.push(message.result);
              break;
            case 'done':
              member.finish();
              break;
            case 'failed':
              reject(new Error(message.message));
              member.fail(new Error(message.message));
              break;
          }
        });
        child.once('exit', (code) => {
          const error = new Error(`load process ${child.pid} exited (${code})`);
          reject(error);
          member.fail(error);
        });
      }),
    );
    child.send({ type: 'start', plan });
    members.push(member);
  }
  const fleet: LoadFleet = {
    pids: members.map((m) => m.child.pid ?? 0),
    async run(label, steps, say) {
      const before = await Promise.all(fleet.pids.map((pid) => cpuSeconds(pid)));
      for (const m of members) {
        m.done = new Promise<void>((resolve, reject) => {
          m.finish = resolve;
          m.fail = reject;
        });
        m.done.catch(() => undefined);
        m.child.send({ type: 'go', steps: steps.map((s) => ({ ...s, rate: s.rate * m.share })) });
      }
      let last = { sent: 0, at: performance.now() };
      const timer = setInterval(() => {
        const sum = members.reduce(
          (acc, m) => ({
            sent: acc.sent + m.tick.sent,
            answered: acc.answered + m.tick.answered,
            errors: acc.errors + m.tick.errors,
            deliveries: acc.deliveries + m.tick.deliveries,
          }),
          { sent: 0, answered: 0, errors: 0, deliveries: 0 },
        );
        const now = performance.now();
        const rate = sum.sent >= last.sent ? ((sum.sent - last.sent) * 1000) / (now - last.at) : 0;
        last = { sent: sum.sent, at: now };
        const steps = Math.min(...members.map((m) => m.results.length)) + 1;
        say(
          `${label} step ${steps}: sent ${sum.sent} (${Math.round(rate)}/s), answered ${sum.answered}, errors ${sum.errors}` +
            (sum.deliveries > 0 ? `, deliveries ${sum.deliveries}` : ''),
        );
      }, 1000);
      try {
        await Promise.all(members.map((m) => m.done));
      } finally {
        clearInterval(timer);
      }
      const after = await Promise.all(fleet.pids.map((pid) => cpuSeconds(pid)));
      const merged = mergeSteps(members.map((m) => m.results));
      for (const m of members) m.results = [];
      return {
        steps: merged,
        cpuSeconds: after.map((a, i) => Math.round(((a ?? 0) - (before[i] ?? 0)) * 100) / 100),
      };
    },
    async stop() {
      await Promise.all(
        members.map(
          (m) =>
            new Promise<void>((resolve) => {
              if (m.child.exitCode !== null || m.child.signalCode !== null) return resolve();
              m.child.once('exit', () => resolve());
              m.child.send({ type: 'stop' });
              setTimeout(() => m.child.kill('SIGKILL'), 5000).unref();
            }),
        ),
      );
    },
  };
  try {
    await Promise.all(readies);
  } catch (error) {
    await fleet.stop();
    throw error;
  }
  return fleet;
}

/** Merges per-process step results (same step index) into one per step. */
export function mergeSteps(perProcess: readonly StepResult[][]): MergedStep[] {
  const count = Math.max(0, ...perProcess.map((r) => r.length));
  const merged: MergedStep[] = [];
  for (let step = 0; step < count; step++) {
    const m: MergedStep = {
      step,
      sent: 0,
      ok: 0,
      refusals: {},
      errors: {},
      latency: emptyHistogram(),
      deliveries: undefined,
      deliveryCount: 0,
      changesSeen: 0,
      winners: {},
      elapsedS: 0,
    };
    for (const results of perProcess) {
      const r = results.find((x) => x.step === step);
      if (!r) continue;
      m.sent += r.sent;
      m.ok += r.ok;
      addCounts(m.refusals, r.refusals);
      addCounts(m.errors, r.errors);
      m.latency.add(decodeFromCompressedBase64(r.histogram));
      if (r.deliveries) {
        m.deliveries ??= emptyHistogram();
        m.deliveries.add(decodeFromCompressedBase64(r.deliveries.histogram));
        m.deliveryCount += r.deliveries.count;
        m.changesSeen = Math.max(m.changesSeen, r.deliveries.changes);
      }
      addCounts(m.winners, r.winners ?? {});
      m.elapsedS = Math.max(m.elapsedS, r.elapsedS);
    }
    merged.push(m);
  }
  return merged;
}

export { total };
