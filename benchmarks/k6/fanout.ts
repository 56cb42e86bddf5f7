/**
 * k6: the `fanout` scenario. WATCHERS virtual users join one show (SHOW_PREFIX + '0') and
 * time every `seat:changed` from the decision's log time (a hold's expiresAt minus
 * HOLD_TTL_MS) to its arrival; one driver VU makes CHANGES_PER_S holds a second. Clocks of
 * the load machine and the brokers must agree (NTP) for the figure to mean anything.
 */
import exec from 'k6/execution';
import type { Options } from 'k6/options';
import {
  config,
  connect,
  deliveries,
  deliveryLatency,
  seatId,
  sleep,
  timedEmit,
} from './lib/k6-runtime.ts';

const WATCHERS = Number(__ENV.WATCHERS ?? 2000);
const CHANGES_PER_S = Math.min(20, Number(__ENV.CHANGES_PER_S ?? 10));
const HOLD_TTL_MS = Number(__ENV.HOLD_TTL_MS ?? 600_000);

export const options: Options = {
  scenarios: {
    watchers: {
      executor: 'per-vu-iterations',
      vus: WATCHERS,
      iterations: 1,
      exec: 'watch',
      maxDuration: `${config.durationS + 90}s`,
    },
    driver: {
      executor: 'per-vu-iterations',
      vus: 1,
      iterations: 1,
      exec: 'drive',
      startTime: '20s',
      maxDuration: `${config.durationS + 60}s`,
    },
  },
  thresholds: {
    delivery_latency: ['p(99)<100'],
    holdfast_errors: ['count==0'],
  },
};

const show = `${config.showPrefix}0`;

export async function watch(): Promise<void> {
  const client = await connect(`${config.userPrefix}-watcher-${exec.vu.idInTest}`);
  const timeChange = (change: unknown) => {
    const c = change as { status?: string; expiresAt?: number };
    if (c.status !== 'held' || typeof c.expiresAt !== 'number') return;
    deliveryLatency.add(Date.now() - (c.expiresAt - HOLD_TTL_MS));
    deliveries.add(1);
  };
  // Watchers connect with `frames: 'batch'` (see lib/k6-runtime.ts) and get seats:changed.
  client.on('seats:changed', (frame) => {
    for (const change of (frame as { changes?: unknown[] }).changes ?? []) timeChange(change);
  });
  client.on('seat:changed', timeChange);
  await timedEmit(client, 'show:join', { showId: show });
  await sleep((config.durationS + 25) * 1000);
  client.close();
}

export async function drive(): Promise<void> {
  const client = await connect(`${config.userPrefix}-driver`);
  const end = Date.now() + config.durationS * 1000;
  for (let i = 0; Date.now() < end; i++) {
    void timedEmit(client, 'seat:hold', { showId: show, seatId: seatId(i) });
    await sleep(1000 / CHANGES_PER_S);
  }
  await sleep(2000);
  client.close();
}
