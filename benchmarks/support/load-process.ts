/**
 * A load process: many socket.io-client connections driven open-loop (commands are sent
 * when due, whether or not earlier ones were answered) by the plan its parent sends over
 * IPC. Reports each step's ack latencies as an HDR histogram, outcomes by code, and — for
 * watchers — the delay from a decision to its delivery. Started by load-fleet.ts.
 */
import { build, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';
import { io, type Socket } from 'socket.io-client';
import { seatIdsOf } from '../../src/contract/seat-layout.ts';
import { secretKey, signToken } from '../../src/gateway/auth.ts';
import type { FromLoad, LoadPlan, ShowRef, Step, StepResult, ToLoad } from './load-protocol.ts';
import { type CodeCounts, classify } from './outcomes.ts';

interface Client {
  socket: Socket;
  /** Global index across load processes. */
  index: number;
  show: ShowRef;
  seats: string[];
  /** This socket's rank among the sockets of its show, and how many share it. */
  rank: number;
  sharing: number;
  nextSeat: number;
  held: { seatId: string; holdId: string }[];
  followUps: number;
}

const send = (message: FromLoad) => process.send?.(message);

function histogram(): Histogram {
  return build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 120_000_000,
    numberOfSignificantValueDigits: 3,
  });
}

class StepStats {
  sent = 0;
  ok = 0;
  answered = 0;
  inFlight = 0;
  refusals: CodeCounts = {};
  errors: CodeCounts = {};
  latency = histogram();
  deliveries = histogram();
  deliveryCount = 0;
  changes = new Set<string>();
  winners: Record<string, number> = {};
  firstAt = 0;
  lastAt = 0;

  outcome(response: unknown, startedAt: number | undefined): boolean {
    const now = performance.now();
    this.answered++;
    this.lastAt = now;
    if (startedAt !== undefined)
      this.latency.recordValue(Math.max(1, Math.round((now - startedAt) * 1000)));
    const o = classify(response);
    if (o.kind === 'ok') this.ok++;
    else if (o.kind === 'refusal') this.refusals[o.code] = (this.refusals[o.code] ?? 0) + 1;
    else this.errors[o.code] = (this.errors[o.code] ?? 0) + 1;
    return o.kind === 'ok';
  }

  error(code: string): void {
    this.answered++;
    this.errors[code] = (this.errors[code] ?? 0) + 1;
  }

  result(step: number, plan: LoadPlan): StepResult {
    const result: StepResult = {
      step,
      sent: this.sent,
      ok: this.ok,
      refusals: this.refusals,
      errors: this.errors,
      histogram: encodeIntoCompressedBase64(this.latency),
      elapsedS: this.firstAt > 0 ? (this.lastAt - this.firstAt) / 1000 : 0,
    };
    if (plan.workload.kind === 'watch') {
      result.deliveries = {
        histogram: encodeIntoCompressedBase64(this.deliveries),
        count: this.deliveryCount,
        changes: this.changes.size,
      };
    }
    if (plan.workload.kind === 'contention') result.winners = this.winners;
    return result;
  }
}

let plan: LoadPlan | undefined;
const clients: Client[] = [];
let stats = new StepStats();
let stopped = false;

process.on('message', (message: ToLoad) => {
  if (message.type === 'start') {
    plan = message.plan;
    connectAll(message.plan).catch((error: unknown) =>
      send({ type: 'failed', message: String(error) }),
    );
  } else if (message.type === 'go') {
    run(message.steps).catch((error: unknown) => send({ type: 'failed', message: String(error) }));
  } else {
    stopped = true;
    for (const c of clients) c.socket.disconnect();
    setTimeout(() => process.exit(0), 100).unref();
  }
});
process.on('disconnect', () => process.exit(0));

/** What a watcher reads of a change, from `seat:changed` or inside a `seats:changed` frame. */
interface WatchedChange {
  seatId: string;
  status: string;
  expiresAt?: number;
  version: number;
}

async function connectAll(p: LoadPlan): Promise<void> {
  const key = p.jwtSecret === undefined ? undefined : secretKey(p.jwtSecret);
  const seatLists = new Map(
    p.shows.map((show) => [show.showId, seatIdsOf({ ...show, createdAt: 0 })]),
  );
  let failed = 0;
  const perShow = Math.max(1, Math.floor(p.totalSockets / p.shows.length));
  const indices = Array.from({ length: p.sockets }, (_, i) => p.socketOffset + i);
  for (let i = 0; i < indices.length; i += 50) {
    await Promise.all(
      indices.slice(i, i + 50).map(async (index) => {
        const userId = `${p.userPrefix}-${index}`;
        // Batched frames, as the SDK and the page ask for: one `seats:changed` per show per tick.
        const auth = key
          ? { token: await signToken(userId, key, { ttlSeconds: 6 * 3600 }), frames: 'batch' }
          : {};
        const socket = io(p.url, { auth, transports: ['websocket'], reconnectionDelay: 200 });
        const show = p.shows[index % p.shows.length] as ShowRef;
        const client: Client = {
          socket,
          index,
          show,
          seats: seatLists.get(show.showId) ?? [],
          rank: Math.floor(index / p.shows.length),
          sharing: perShow,
          nextSeat: 0,
          held: [],
          followUps: 0,
        };
        const connected = await new Promise<boolean>((resolve) => {
          socket.once('connect', () => resolve(true));
          socket.once('connect_error', () => resolve(false));
        });
        if (!connected) {
          failed++;
          socket.disconnect();
          return;
        }
        if (p.workload.kind === 'watch') {
          const timeChange = (change: WatchedChange) => {
            if (change.status !== 'held' || change.expiresAt === undefined) return;
            // expiresAt - TTL is the command's log time: the moment the decision was made on.
            const delay = Date.now() - (change.expiresAt - show.holdTtlMs);
            stats.deliveries.recordValue(Math.max(1, delay * 1000));
            stats.deliveryCount++;
            stats.changes.add(`${change.seatId}@${change.version}`);
          };
          socket.on('seat:changed', timeChange);
          socket.on('seats:changed', (frame: { changes: WatchedChange[] }) => {
            for (const change of frame.changes) timeChange(change);
          });
        }
        // Everyone on a socket (re)joins its show: a client watches what it acts on.
        const join = () =>
          new Promise<void>((resolve) =>
            socket
              .timeout(p.ackTimeoutMs)
              .emit('show:join', { showId: show.showId }, () => resolve()),
          );
        if (index < p.joinBelow || p.workload.kind === 'watch') {
          await join();
          socket.io.on('reconnect', () => void join());
        }
        clients.push(client);
      }),
    );
  }
  clients.sort((a, b) => a.index - b.index);
  send({ type: 'ready', connected: clients.length, failed });
}

function emit(
  client: Client,
  event: string,
  payload: object,
  onOk?: (ack: Record<string, unknown>) => void,
): void {
  const s = stats;
  const p = plan as LoadPlan;
  s.sent++;
  s.firstAt ||= performance.now();
  if (!client.socket.connected) {
    s.error('DISCONNECTED');
    return;
  }
  s.inFlight++;
  const started = performance.now();
  client.socket
    .timeout(p.ackTimeoutMs)
    .emit(event, payload, (err: Error | null, response: unknown) => {
      s.inFlight--;
      if (err) {
        s.lastAt = performance.now();
        s.error('TRANSPORT_TIMEOUT');
        return;
      }
      if (s.outcome(response, started) && onOk) onOk(response as Record<string, unknown>);
    });
}

function seatOf(client: Client): string {
  const seat = client.seats[
    (client.rank + client.nextSeat * client.sharing) % client.seats.length
  ] as string;
  client.nextSeat++;
  return seat;
}

function slot(client: Client, p: LoadPlan): void {
  const showId = client.show.showId;
  if (p.workload.kind === 'echo') {
    emit(client, 'echo', { showId });
  } else if (p.workload.kind === 'holds') {
    emit(client, 'seat:hold', { showId, seatId: seatOf(client) });
  } else if (p.workload.kind === 'steady') {
    const held = client.held.shift();
    if (held) {
      const event = client.followUps++ % 2 === 0 ? 'seat:confirm' : 'seat:release';
      emit(client, event, { showId, seatId: held.seatId, holdId: held.holdId });
      return;
    }
    const seatId = seatOf(client);
    emit(client, 'seat:hold', { showId, seatId }, (ack) => {
      if (typeof ack.holdId === 'string') client.held.push({ seatId, holdId: ack.holdId });
    });
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function run(steps: Step[]): Promise<void> {
  const p = plan as LoadPlan;
  const ticker = setInterval(() => {
    send({
      type: 'tick',
      sent: stats.sent,
      answered: stats.answered,
      errors: Object.values(stats.errors).reduce((a, b) => a + b, 0),
      deliveries: stats.deliveryCount,
    });
  }, 1000);
  for (let step = 0; step < steps.length && !stopped; step++) {
    const { rate, durationS } = steps[step] as Step;
    stats = new StepStats();
    const began = performance.now();
    const endAt = began + durationS * 1000;
    if (p.workload.kind === 'watch') {
      while (performance.now() < endAt && !stopped) await sleep(50);
      // Changes decided near the end are still on their way.
      await sleep(2000);
    } else if (p.workload.kind === 'contention') {
      await contention(p.workload.seatsPerRound, p.workload.roundIntervalMs, began, endAt);
    } else if (rate > 0 && clients.length > 0) {
      let due = 0;
      let next = 0;
      while (!stopped) {
        const now = performance.now();
        if (now >= endAt) break;
        const target = Math.floor(((now - began) / 1000) * rate);
        for (; due < target; due++) {
          slot(clients[next % clients.length] as Client, p);
          next++;
        }
        await sleep(2);
      }
    }
    const drainUntil = performance.now() + p.ackTimeoutMs + 1000;
    while (stats.inFlight > 0 && performance.now() < drainUntil) await sleep(10);
    send({ type: 'step', result: stats.result(step, p) });
  }
  clearInterval(ticker);
  send({ type: 'done' });
}

/** Flash-sale rounds: every socket races for one of the round's seats at the same instant. */
async function contention(seatsPerRound: number, intervalMs: number, began: number, endAt: number) {
  for (let round = 0; !stopped; round++) {
    const at = began + round * intervalMs;
    if (at >= endAt) break;
    while (performance.now() < at) await sleep(1);
    for (const client of clients) {
      const show = client.show;
      const seatId = client.seats[
        (round * seatsPerRound + (client.index % seatsPerRound)) % client.seats.length
      ] as string;
      emit(client, 'seat:hold', { showId: show.showId, seatId }, (ack) => {
        const key = `${show.showId}/${seatId}`;
        stats.winners[key] = (stats.winners[key] ?? 0) + 1;
        if (typeof ack.holdId === 'string') {
          emit(client, 'seat:confirm', { showId: show.showId, seatId, holdId: ack.holdId });
        }
      });
    }
  }
}
