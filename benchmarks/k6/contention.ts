/**
 * k6: the `contention` scenario. SOCKETS virtual users race, every ROUND_MS, for
 * SEATS_PER_ROUND fresh seats of one show (SHOW_PREFIX + '0'); winners confirm. Counts
 * wins per seat: more than one successful hold of a seat fails the run.
 */
import exec from 'k6/execution';
import { Counter } from 'k6/metrics';
import type { Options } from 'k6/options';
import { config, connect, seatId, sleep, timedEmit } from './lib/k6-runtime.ts';

const SOCKETS = Number(__ENV.SOCKETS ?? 1000);
const SEATS_PER_ROUND = Number(__ENV.SEATS_PER_ROUND ?? 10);
const ROUND_MS = Math.max(200, Number(__ENV.ROUND_MS ?? 1000));
const wins = new Counter('holdfast_wins');

export const options: Options = {
  scenarios: {
    contention: {
      executor: 'per-vu-iterations',
      vus: SOCKETS,
      iterations: 1,
      maxDuration: `${config.durationS + 60}s`,
    },
  },
  thresholds: {
    ack_latency: ['p(99)<100'],
    holdfast_errors: ['count==0'],
  },
};

export default async function contention(): Promise<void> {
  const vu = exec.vu.idInTest - 1;
  const client = await connect(`${config.userPrefix}-racer-${vu}`);
  const show = `${config.showPrefix}0`;
  const start = Math.ceil(Date.now() / ROUND_MS) * ROUND_MS + ROUND_MS;
  const rounds = Math.floor((config.durationS * 1000) / ROUND_MS);
  for (let round = 0; round < rounds; round++) {
    await sleep(Math.max(0, start + round * ROUND_MS - Date.now()));
    const seat = seatId(round * SEATS_PER_ROUND + (vu % SEATS_PER_ROUND));
    void timedEmit(client, 'seat:hold', { showId: show, seatId: seat }).then((ack) => {
      if (typeof ack?.holdId !== 'string') return;
      wins.add(1, { seat });
      void timedEmit(client, 'seat:confirm', { showId: show, seatId: seat, holdId: ack.holdId });
    });
  }
  await sleep(3000);
  client.close();
}
