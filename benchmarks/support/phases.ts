/**
 * Driving a system under test: load processes sized and pointed at its gateways, a
 * fixed-rate phase, a throughput ramp, CPU per process around each phase.
 */
import { cpuSeconds } from '../../src/fleet/fleet.ts';
import type { EphemeralStack } from '../../src/infra/ephemeral.ts';
import { type LoadFleet, type MergedStep, startLoad } from './load-fleet.ts';
import type { LoadPlan, ShowRef, Workload } from './load-protocol.ts';
import type { SystemUnderTest } from './stacks.ts';
import { type StepFigures, stepFigures, withinBudget } from './summary.ts';

export interface LoadSpec {
  sockets: number;
  /** Load processes (sockets split evenly); more when one process would saturate. */
  processes: number;
  workload: Workload;
  shows: ShowRef[];
  /** Sockets with a global index below this join their show. */
  joinBelow: number;
  userPrefix: string;
  /** Client-side ack deadline. @defaultValue 15000 */
  ackTimeoutMs?: number;
}

export interface PhaseResult {
  label: string;
  figures: StepFigures;
  /** CPU seconds per process during the phase (system under test, infra, load). */
  cpuSeconds: Record<string, number>;
  step: MergedStep;
}

export interface Driver {
  readonly fleet: LoadFleet;
  fixed(label: string, rate: number, durationS: number): Promise<PhaseResult>;
  /** Steps through `rates`, stopping after the first step that misses the budget. */
  ramp(
    label: string,
    rates: readonly number[],
    stepS: number,
    p99BudgetMs?: number,
  ): Promise<PhaseResult[]>;
  stop(): Promise<void>;
}

export async function drive(
  sut: SystemUnderTest,
  stack: EphemeralStack,
  spec: LoadSpec,
  progress: (line: string) => void,
): Promise<Driver> {
  const per = Math.ceil(spec.sockets / spec.processes);
  const plans: LoadPlan[] = [];
  for (let j = 0, offset = 0; offset < spec.sockets; j++, offset += per) {
    plans.push({
      url: sut.urls[j % sut.urls.length] as string,
      jwtSecret: sut.jwtSecret,
      userPrefix: spec.userPrefix,
      sockets: Math.min(per, spec.sockets - offset),
      socketOffset: offset,
      totalSockets: spec.sockets,
      shows: spec.shows,
      joinBelow: spec.joinBelow,
      workload: spec.workload,
      ackTimeoutMs: spec.ackTimeoutMs ?? 15_000,
    });
  }
  progress(
    `${sut.design}: connecting ${spec.sockets} sockets from ${plans.length} load process(es)`,
  );
  const fleet = await startLoad(plans, progress);
  const infraCpu = infraCpuMeter(stack);
  await infraCpu();
  const phase = async (label: string, rate: number, durationS: number): Promise<PhaseResult> => {
    await sut.cpuSince();
    await infraCpu();
    const run = await fleet.run(`${sut.design} ${label}`, [{ rate, durationS }], progress);
    const step = run.steps[0];
    if (!step) throw new Error(`${label}: the load processes reported nothing`);
    const figures = stepFigures(step, rate, durationS);
    const cpu = { ...(await sut.cpuSince()), ...(await infraCpu()) };
    run.cpuSeconds.forEach((s, i) => {
      cpu[`load-${i + 1}`] = s;
    });
    progress(
      `${sut.design} ${label}: ${figures.commandsPerSecond}/s, p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms, errors ${figures.errors}, refusals ${figures.refusals}`,
    );
    return { label, figures, cpuSeconds: cpu, step };
  };
  return {
    fleet,
    fixed: phase,
    async ramp(label, rates, stepS, p99BudgetMs = 100) {
      const results: PhaseResult[] = [];
      for (const rate of rates) {
        const result = await phase(`${label} ${rate}/s`, rate, stepS);
        results.push(result);
        if (!withinBudget(result.figures, p99BudgetMs)) break;
      }
      return results;
    },
    stop: () => fleet.stop(),
  };
}

/** CPU seconds of the local Kafka and Redis since the last call (empty when not local). */
function infraCpuMeter(stack: EphemeralStack): () => Promise<Record<string, number>> {
  const last = new Map<string, number>();
  return async () => {
    const result: Record<string, number> = {};
    for (const [name, handle] of [
      ['kafka', stack.services.kafka.local],
      ['redis', stack.services.redis.local],
    ] as const) {
      const pid = await handle?.pid();
      const cpu = pid === undefined ? undefined : await cpuSeconds(pid);
      if (cpu === undefined) continue;
      result[name] = Math.round((cpu - (last.get(name) ?? cpu)) * 100) / 100;
      last.set(name, cpu);
    }
    return result;
  };
}
