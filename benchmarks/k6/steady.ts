/**
 * k6: the `steady` scenario against any Holdfast deployment. SOCKETS virtual users, one
 * socket each, spread over SHOWS shows; together they offer RATE commands/s of
 * hold → confirm / release for DURATION seconds. Thresholds are the project's targets.
 *
 *   k6 run -e HOLDFAST_URL=https://… -e HOLDFAST_JWT_SECRET=… -e RATE=1000 benchmarks/k6/steady.ts
 */
import exec from 'k6/execution';
import type { Options } from 'k6/options';
import { config, connect, seatId, sleep, timedEmit } from './lib/k6-runtime.ts';

const SOCKETS = Number(__ENV.SOCKETS ?? 200);
const RATE = Number(__ENV.RATE ?? 1000);

export const options: Options = {
  scenarios: {
    steady: {
      executor: 'per-vu-iterations',
      vus: SOCKETS,
      iterations: 1,
      maxDuration: `${config.durationS + 60}s`,
    },
  },
  thresholds: {
    ack_latency: ['p(50)<15', 'p(99)<60'],
    holdfast_errors: ['count==0'],
  },
};

export default async function steady(): Promise<void> {
  const vu = exec.vu.idInTest - 1;
  const client = await connect(`${config.userPrefix}-${vu}`);
  const show = `${config.showPrefix}${vu % config.shows}`;
  await timedEmit(client, 'show:join', { showId: show });
  const perSocket = RATE / SOCKETS;
  if (perSocket > 20)
    throw new Error('more than 20 messages a second per socket gets RATE_LIMITED: raise SOCKETS');
  const intervalMs = 1000 / perSocket;
  const rank = Math.floor(vu / config.shows);
  const sharing = Math.ceil(SOCKETS / config.shows);
  const held: { seatId: string; holdId: string }[] = [];
  let next = 0;
  let followUps = 0;
  const end = Date.now() + config.durationS * 1000;
  // Spread the sockets' first sends over one interval.
  await sleep(Math.random() * intervalMs);
  for (let due = Date.now(); due < end; due += intervalMs) {
    const h = held.shift();
    if (h) {
      const event = followUps++ % 2 === 0 ? 'seat:confirm' : 'seat:release';
      void timedEmit(client, event, { showId: show, ...h });
    } else {
      const seat = seatId(rank + next++ * sharing);
      void timedEmit(client, 'seat:hold', { showId: show, seatId: seat }).then((ack) => {
        if (typeof ack?.holdId === 'string') held.push({ seatId: seat, holdId: ack.holdId });
      });
    }
    await sleep(Math.max(0, due + intervalMs - Date.now()));
  }
  await sleep(2000);
  client.close();
}
