/**
 * `npm run bench -- fanout`: 2,000 watchers joined to one show while a driver makes 10
 * changes a second (holds on fresh seats). Each watcher times every `seat:changed` from
 * the decision's log time (a held seat's `expiresAt` minus the show's hold TTL: the time of
 * the command record the decision was made on, so the figure slightly over-states) to its
 * delivery, on the same machine clock. Also counts deliveries against changes × watchers.
 */
import { startEphemeralStack } from '../src/infra/ephemeral.ts';
import { percentileChartSvg } from './support/chart.ts';
import { cpuText } from './support/measure.ts';
import { drive } from './support/phases.ts';
import type { Scenario, ScenarioOptions, ScenarioReport } from './support/scenario.ts';
import { makeShows, startSystem } from './support/stacks.ts';
import { percentilesOf, stepFigures } from './support/summary.ts';

const DEFAULT_WATCHERS = 2000;
const DEFAULT_CHANGES_PER_S = 10;

export const fanoutScenario: Scenario = {
  name: 'fanout',
  description: `${DEFAULT_WATCHERS} watchers in one show, ${DEFAULT_CHANGES_PER_S} changes/s; decision → delivery at every watcher`,
  async run(options: ScenarioOptions): Promise<ScenarioReport> {
    const rate = options.rate ?? DEFAULT_CHANGES_PER_S;
    // BENCH_FANOUT_WATCHERS: fewer watchers for smoke runs.
    const watcherCount = Number(options.env.BENCH_FANOUT_WATCHERS ?? DEFAULT_WATCHERS);
    const durationS = options.durationS ?? 60;
    const shows = makeShows(
      'fanout-show-',
      1,
      Math.min(702, Math.ceil((rate * durationS + 100) / 50)),
      50,
    );
    const stack = await startEphemeralStack(options.env, options.progress);
    try {
      const sut = await startSystem({
        design: 'holdfast',
        stack,
        env: options.env,
        logger: options.logger,
        progress: options.progress,
        shows,
      });
      try {
        const watchers = await drive(
          sut,
          stack,
          {
            sockets: watcherCount,
            processes: 2,
            workload: { kind: 'watch' },
            shows,
            joinBelow: 0,
            userPrefix: 'watcher',
          },
          options.progress,
        );
        const driver = await drive(
          sut,
          stack,
          {
            sockets: 1,
            processes: 1,
            workload: { kind: 'holds' },
            shows,
            joinBelow: 0,
            userPrefix: 'driver',
          },
          options.progress,
        );
        try {
          const [watched, driven] = await Promise.all([
            watchers.fixed('watch', 0, durationS),
            driver.fleet.run('driver', [{ rate, durationS }], options.progress),
          ]);
          const driverStep = driven.steps[0];
          // A hold whose ack timed out may still have been decided and broadcast: count
          // the changes the watchers saw, not only the acked ones.
          const changes = Math.max(driverStep?.ok ?? 0, watched.step.changesSeen);
          const acks = driverStep ? stepFigures(driverStep, rate, durationS) : undefined;
          const d = watched.step.deliveries;
          const expected = changes * watcherCount;
          const pct = d ? percentilesOf(d) : [];
          const at = (p: number) => pct.find(([q]) => q === p)?.[1] ?? null;
          return {
            figures: {
              watchers: watcherCount,
              changesPerSecond: rate,
              changes,
              deliveries: watched.step.deliveryCount,
              expectedDeliveries: expected,
              deliveredRatio:
                expected > 0
                  ? Math.round((watched.step.deliveryCount / expected) * 10000) / 10000
                  : null,
              fanoutP50Ms: at(50),
              fanoutP95Ms: at(95),
              fanoutP99Ms: at(99),
              fanoutMaxMs: at(100),
              driverAckP50Ms: acks?.p50Ms ?? null,
              driverAckP99Ms: acks?.p99Ms ?? null,
              errors: acks?.errors ?? null,
            },
            table: [
              ['measure', 'value'],
              ['watchers / changes per second', `${watcherCount} / ${rate}`],
              [
                'changes made / deliveries / expected',
                `${changes} / ${watched.step.deliveryCount} / ${expected}`,
              ],
              [
                'decision → delivery p50 / p95 / p99 / max (ms)',
                `${at(50)} / ${at(95)} / ${at(99)} / ${at(100)}`,
              ],
              [
                'driver ack p50 / p99 (ms), errors',
                `${acks?.p50Ms} / ${acks?.p99Ms}, ${acks?.errors}`,
              ],
              ['CPU s per process', cpuText(watched.cpuSeconds)],
            ],
            notes: [
              'Target: every change reaches all watchers with p99 ≤ 100 ms. Times have millisecond resolution (log time).',
            ],
            charts: [
              {
                name: 'latency',
                svg: percentileChartSvg(`decision → delivery at ${watcherCount} watchers`, [
                  { label: 'fanout', points: pct },
                ]),
              },
            ],
          };
        } finally {
          await driver.stop();
          await watchers.stop();
        }
      } finally {
        await sut.stop();
      }
    } finally {
      await stack.stop();
    }
  },
};
