/**
 * `npm run bench -- contention`: a flash-sale start, repeated. Every round, all sockets
 * (1,000 by default) race at the same instant for a handful of fresh seats; each winner
 * confirms. Run against Holdfast and the `sync` baseline. Reports ack latency under
 * contention, refusals (SEAT_TAKEN is the expected answer for all but one racer per seat)
 * and the correctness check: no seat may have two successful holds.
 */
import { startEphemeralStack } from '../src/infra/ephemeral.ts';
import { percentileChartSvg } from './support/chart.ts';
import { cpuText, SEATS_PER_ROW } from './support/measure.ts';
import { drive, type PhaseResult } from './support/phases.ts';
import type { Scenario, ScenarioOptions, ScenarioReport } from './support/scenario.ts';
import { type Design, makeShows, startSystem } from './support/stacks.ts';
import { STEP_HEADER, stepRow } from './support/summary.ts';

const DEFAULT_SOCKETS = 1000;
const SEATS_PER_ROUND = 10;
/** A socket sends a hold (and, if it wins, a confirm) per round: ≤ 10 messages/s. */
const MIN_ROUND_MS = 200;

interface ContentionRun {
  design: Design;
  phase: PhaseResult;
  seatsWon: number;
  doubleHolds: number;
}

export const contentionScenario: Scenario = {
  name: 'contention',
  description: `rounds of ${DEFAULT_SOCKETS} sockets racing for ${SEATS_PER_ROUND} fresh seats at once (holdfast and sync); no seat may be held twice`,
  async run(options: ScenarioOptions): Promise<ScenarioReport> {
    // BENCH_CONTENTION_SOCKETS: fewer racers for smoke runs.
    const sockets = Number(options.env.BENCH_CONTENTION_SOCKETS ?? DEFAULT_SOCKETS);
    const rate = options.rate ?? sockets;
    const durationS = options.durationS ?? 20;
    const roundIntervalMs = Math.max(MIN_ROUND_MS, Math.round((sockets / rate) * 1000));
    const rounds = Math.ceil((durationS * 1000) / roundIntervalMs);
    const rows = Math.min(702, Math.ceil((rounds * SEATS_PER_ROUND) / SEATS_PER_ROW) + 1);
    const stack = await startEphemeralStack(options.env, options.progress);
    const runs: ContentionRun[] = [];
    try {
      for (const design of ['holdfast', 'sync'] as const) {
        const shows = makeShows(`${design}-flash-`, 1, rows, SEATS_PER_ROW);
        const sut = await startSystem({
          design,
          stack,
          env: options.env,
          logger: options.logger,
          progress: options.progress,
          shows,
        });
        try {
          const driver = await drive(
            sut,
            stack,
            {
              sockets: sockets,
              processes: 2,
              workload: { kind: 'contention', seatsPerRound: SEATS_PER_ROUND, roundIntervalMs },
              shows,
              joinBelow: 0,
              userPrefix: `${design}-racer`,
            },
            options.progress,
          );
          try {
            const offered = Math.round((sockets * 1000) / roundIntervalMs);
            const phase = await driver.fixed(`${rounds} rounds`, offered, durationS);
            const winners = Object.values(phase.step.winners);
            runs.push({
              design,
              phase,
              seatsWon: winners.filter((n) => n >= 1).length,
              doubleHolds: winners.filter((n) => n > 1).length,
            });
          } finally {
            await driver.stop();
          }
        } finally {
          await sut.stop();
        }
      }
    } finally {
      await stack.stop();
    }
    const h = runs.find((r) => r.design === 'holdfast');
    const s = runs.find((r) => r.design === 'sync');
    return {
      figures: {
        sockets: sockets,
        seatsPerRound: SEATS_PER_ROUND,
        roundIntervalMs,
        commandsPerSecond: h?.phase.figures.commandsPerSecond ?? null,
        p50Ms: h?.phase.figures.p50Ms ?? null,
        p99Ms: h?.phase.figures.p99Ms ?? null,
        maxMs: h?.phase.figures.maxMs ?? null,
        errors: h?.phase.figures.errors ?? null,
        refusals: h?.phase.figures.refusals ?? null,
        seatsWon: h?.seatsWon ?? null,
        doubleHolds: h?.doubleHolds ?? null,
        syncP50Ms: s?.phase.figures.p50Ms ?? null,
        syncP99Ms: s?.phase.figures.p99Ms ?? null,
        syncErrors: s?.phase.figures.errors ?? null,
        syncDoubleHolds: s?.doubleHolds ?? null,
      },
      table: [
        [...STEP_HEADER, 'seats won', 'seats held twice', 'CPU s per process'],
        ...runs.map((r) => [
          ...stepRow(`${r.design} ${r.phase.label}`, r.phase.figures),
          String(r.seatsWon),
          String(r.doubleHolds),
          cpuText(r.phase.cpuSeconds),
        ]),
      ],
      notes: [
        `Each round every socket sends one hold for one of ${SEATS_PER_ROUND} seats (socket i → seat i mod ${SEATS_PER_ROUND}); the winners confirm. Refusals are the losers' SEAT_TAKEN.`,
        '"seats held twice" counts seats with more than one successful hold from different users: it must be 0.',
      ],
      charts: [
        {
          name: 'latency',
          svg: percentileChartSvg(
            'ack latency under contention',
            runs.map((r) => ({ label: r.design, points: r.phase.figures.percentiles })),
          ),
        },
      ],
      detail: runs.map((r) => ({
        design: r.design,
        figures: r.phase.figures,
        cpuSeconds: r.phase.cpuSeconds,
      })),
    };
  },
};
