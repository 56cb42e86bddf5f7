/**
 * What the k6 scripts share that only k6 has: its WebSocket and timers behind the
 * protocol helper, HS256 tokens signed in-script, the run's configuration from __ENV,
 * and the metrics every script reports (names match the bench runner's report).
 */
import crypto from 'k6/crypto';
import encoding from 'k6/encoding';
import { Counter, Trend } from 'k6/metrics';
import { clearTimeout, setTimeout } from 'k6/timers';
import { WebSocket } from 'k6/websockets';
import { REFUSAL_CODES } from './refusal-codes.ts';
import { type SocketIOClient as Client, SocketIOClient } from './socketio.ts';

export const config = {
  /** The gateway (or load balancer) base URL. */
  url: __ENV.HOLDFAST_URL ?? 'http://127.0.0.1:8080',
  /** Signs one token per virtual user (sub = `<userPrefix>-<vu>`); or give HOLDFAST_TOKEN. */
  jwtSecret: __ENV.HOLDFAST_JWT_SECRET,
  token: __ENV.HOLDFAST_TOKEN,
  userPrefix: __ENV.USER_PREFIX ?? `k6-${Date.now()}`,
  /** Shows `<SHOW_PREFIX>0` … `<SHOW_PREFIX><SHOWS-1>` must exist (holdfast shows create). */
  showPrefix: __ENV.SHOW_PREFIX ?? 'k6-show-',
  shows: Number(__ENV.SHOWS ?? 20),
  rows: Number(__ENV.ROWS ?? 100),
  seatsPerRow: Number(__ENV.SEATS_PER_ROW ?? 50),
  durationS: Number(__ENV.DURATION ?? 60),
};

export const ackLatency = new Trend('ack_latency', true);
export const deliveryLatency = new Trend('delivery_latency', true);
export const errors = new Counter('holdfast_errors');
export const refusals = new Counter('holdfast_refusals');
export const deliveries = new Counter('holdfast_deliveries');

function b64url(text: string): string {
  return encoding.b64encode(text, 'rawurl');
}

/** An HS256 JWT with `sub` = userId, valid for `ttlS` seconds. */
export function signToken(secret: string, userId: string, ttlS = 3600): string {
  const now = Math.floor(Date.now() / 1000);
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify({ sub: userId, iat: now, exp: now + ttlS }));
  const signature = crypto.hmac('sha256', secret, `${head}.${body}`, 'base64rawurl');
  return `${head}.${body}.${signature}`;
}

export function tokenFor(userId: string): string | undefined {
  if (config.jwtSecret) return signToken(config.jwtSecret, userId);
  return config.token;
}

export async function connect(userId: string): Promise<Client> {
  const client = new SocketIOClient({
    url: config.url,
    token: tokenFor(userId),
    // One seats:changed frame per show per tick, as the SDK and the page ask for.
    frames: 'batch',
    open: (url) => new WebSocket(url),
    timers: {
      setTimeout: (callback, ms) => setTimeout(callback, ms),
      clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
    },
  });
  await client.connect();
  return client;
}

/** Emits, times the ack and counts it as ok, refusal or error. Returns the ack (or undefined). */
export async function timedEmit(
  client: Client,
  event: string,
  payload: unknown,
): Promise<Record<string, unknown> | undefined> {
  const started = Date.now();
  try {
    const ack = (await client.emitWithAck(event, payload)) as Record<string, unknown> | undefined;
    ackLatency.add(Date.now() - started, { event });
    if (ack?.ok === true) return ack;
    const code = String((ack?.error as { code?: unknown } | undefined)?.code ?? 'MALFORMED_ACK');
    if (REFUSAL_CODES.includes(code)) refusals.add(1, { code });
    else errors.add(1, { code });
    return ack;
  } catch {
    errors.add(1, { code: 'TRANSPORT_TIMEOUT' });
    return undefined;
  }
}

export function seatId(index: number): string {
  const row = Math.floor(index / config.seatsPerRow) % config.rows;
  let label = '';
  let n = row;
  do {
    label = String.fromCharCode(65 + (n % 26)) + label;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return `${label}${(index % config.seatsPerRow) + 1}`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
