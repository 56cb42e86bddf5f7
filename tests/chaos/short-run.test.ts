/**
 * The short chaos run of CI: about a minute of client load on a real cluster of processes
 * (own Kafka and Redis, two workers, two gateways) while the nemesis kills a worker, freezes
 * one past its session (a zombie), restarts Redis empty and kills a gateway; then the
 * bad-input pass and the history check. Every invariant must hold. No timing assertion:
 * recovery times are reported, not judged. The long run is `npm run chaos` (docs/chaos.md).
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { INVARIANTS } from '../../chaos/checker.ts';
import { renderReport } from '../../chaos/report.ts';
import { runChaos } from '../../chaos/run.ts';

const SEED = 20_261_127;

describe('chaos (short run)', () => {
  it('sells no seat twice and loses nothing under several kinds of faults', async () => {
    const lines: string[] = [];
    const report = await runChaos({
      durationS: 50,
      seed: SEED,
      faults: ['worker-kill', 'redis-restart', 'gateway-kill', 'worker-zombie'],
      faultGapMs: [1000, 3000],
      holdTtlMs: 3000,
      holdEndBoundMs: 30_000,
      clients: 10,
      workers: 2,
      gateways: 2,
      partitions: 4,
      sessionTimeoutMs: 6000,
      badInput: true,
      badInputMessages: 60,
      outDir: join(tmpdir(), 'holdfast-chaos-ci'),
      keep: false,
      env: process.env,
      logger: pino({ level: 'silent' }),
      progress: (line) => lines.push(line),
    });
    const summary = `${renderReport(report)}\n\nprogress:\n${lines.join('\n')}`;
    // Something happened: clients worked and faults were injected.
    expect(report.operations, summary).toBeGreaterThan(0);
    expect(Object.keys(report.faults).length, summary).toBeGreaterThanOrEqual(2);
    expect(report.badInput?.messages, summary).toBeGreaterThan(0);
    // Nothing was violated.
    const none = Object.fromEntries([...INVARIANTS, 'badInput'].map((name) => [name, 0]));
    expect(report.violations, summary).toEqual(none);
  }, 300_000);
});
