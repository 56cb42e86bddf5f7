/**
 * The bad-input pass: thousands of malformed messages over the socket API (random events,
 * types, shapes and sizes; a flood past the rate limit; bad, forged and expired tokens)
 * while one normal client keeps holding and releasing seats. It passes when every message
 * sent with an ack got a coded refusal (or ok), every bad token was refused with
 * `UNAUTHENTICATED`, the normal client always got a definite answer, and every gateway is
 * still healthy afterwards.
 */
import { io, type Socket } from 'socket.io-client';
import { connectHoldfast } from '../src/client/index.ts';
import { PUBLIC_ERROR_CODES } from '../src/contract/refusals.ts';
import { fuzzMessage } from './bad-payloads.ts';
import type { Endpoint } from './clients.ts';
import type { Rng } from './rng.ts';

export interface BadInputOptions {
  endpoints: readonly Endpoint[];
  /** A valid token for each user id asked. */
  token: (userId: string) => Promise<string>;
  /** Tokens the gateways must refuse: none, garbage, another secret, expired. */
  badTokens: () => Promise<unknown[]>;
  showId: string;
  /** A seat of `showId` only the normal client uses. */
  seatId: string;
  sockets: number;
  messagesPerSocket: number;
  floodMessages: number;
  progress: (line: string) => void;
}

export interface BadInputResult {
  messages: number;
  acked: number;
  coded: Record<string, number>;
  /** Acks whose shape is not `{ ok: true }` or `{ ok: false, error: { code, message } }`. */
  malformedAcks: number;
  missingAcks: number;
  badTokensTried: number;
  badTokensAccepted: number;
  normalOps: number;
  normalFailures: number;
  gatewaysDown: string[];
}

const PUBLIC_CODES: ReadonlySet<string> = new Set(PUBLIC_ERROR_CODES);
const ACK_TIMEOUT_MS = 15_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function classify(ack: unknown): string | undefined {
  if (typeof ack !== 'object' || ack === null) return undefined;
  const a = ack as { ok?: unknown; error?: { code?: unknown; message?: unknown } };
  if (a.ok === true) return 'ok';
  if (a.ok !== false || typeof a.error !== 'object' || a.error === null) return undefined;
  const { code, message } = a.error;
  return typeof code === 'string' && PUBLIC_CODES.has(code) && typeof message === 'string'
    ? code
    : undefined;
}

async function connectRaw(
  url: string,
  token: unknown,
): Promise<{ socket: Socket; error?: unknown }> {
  const socket = io(url, {
    transports: ['websocket'],
    auth: { token },
    reconnection: false,
    timeout: 5000,
  });
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ socket, error: new Error('connect timeout') }), 8000);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve({ socket });
    });
    socket.once('connect_error', (error: Error & { data?: unknown }) => {
      clearTimeout(timer);
      resolve({ socket, error });
    });
  });
}

export async function runBadInputPass(rng: Rng, options: BadInputOptions): Promise<BadInputResult> {
  const result: BadInputResult = {
    messages: 0,
    acked: 0,
    coded: {},
    malformedAcks: 0,
    missingAcks: 0,
    badTokensTried: 0,
    badTokensAccepted: 0,
    normalOps: 0,
    normalFailures: 0,
    gatewaysDown: [],
  };
  const record = (ack: unknown) => {
    result.acked++;
    const code = classify(ack);
    if (code === undefined) result.malformedAcks++;
    else result.coded[code] = (result.coded[code] ?? 0) + 1;
  };

  // Bad tokens: every one refused at the handshake with UNAUTHENTICATED.
  for (const endpoint of options.endpoints) {
    for (const token of await options.badTokens()) {
      result.badTokensTried++;
      const { socket, error } = await connectRaw(endpoint.url, token);
      const data = (error as { data?: { code?: unknown } } | undefined)?.data;
      if (!error || data?.code !== 'UNAUTHENTICATED') result.badTokensAccepted++;
      socket.close();
    }
  }

  // The normal client: hold and release one seat in a loop throughout.
  let fuzzing = true;
  const normalEndpoint = rng.pick(options.endpoints);
  const normal = connectHoldfast({
    url: normalEndpoint.url,
    token: await options.token('normal-user'),
    ackTimeoutMs: ACK_TIMEOUT_MS,
  });
  const normalLoop = (async () => {
    try {
      await normal.ready();
      await normal.join(options.showId);
      for (let i = 0; fuzzing && i < 10_000; i++) {
        const hold = await normal.hold(options.showId, options.seatId, {
          commandId: `normal-h-${i}`,
        });
        result.normalOps++;
        if (!hold.ok) {
          result.normalFailures++;
          options.progress(`bad-input: normal client's hold refused: ${hold.error.code}`);
          await sleep(500);
          continue;
        }
        const release = await normal.release(options.showId, options.seatId, hold.holdId, {
          commandId: `normal-r-${i}`,
        });
        result.normalOps++;
        if (!release.ok) {
          result.normalFailures++;
          options.progress(`bad-input: normal client's release refused: ${release.error.code}`);
        }
        await sleep(100);
      }
    } catch (error) {
      result.normalFailures++;
      options.progress(`bad-input: normal client failed: ${String(error)}`);
    } finally {
      normal.close();
    }
  })();

  // Fuzzing sockets, each paced under the rate limit so the validation itself is exercised.
  const fuzzers = Array.from({ length: options.sockets }, async (_, index) => {
    const own = rng.fork();
    const endpoint = options.endpoints[index % options.endpoints.length] as Endpoint;
    const { socket, error } = await connectRaw(endpoint.url, await options.token(`fuzz-${index}`));
    if (error) {
      result.missingAcks += options.messagesPerSocket;
      socket.close();
      return;
    }
    const pending: Promise<void>[] = [];
    for (let i = 0; i < options.messagesPerSocket; i++) {
      const { event, payload } = fuzzMessage(own, options.showId);
      result.messages++;
      pending.push(
        socket
          .timeout(ACK_TIMEOUT_MS)
          .emitWithAck(event, payload)
          .then(record, () => {
            result.missingAcks++;
          }),
      );
      if (own.chance(0.05)) socket.emit('seat:hold', { showId: options.showId, seatId: 'A1' }); // no ack asked
      await sleep(60);
    }
    await Promise.all(pending);
    socket.close();
  });

  // A flood: far past the limit; answered RATE_LIMITED, never disconnected.
  const flood = (async () => {
    const { socket, error } = await connectRaw(
      rng.pick(options.endpoints).url,
      await options.token('flood'),
    );
    if (error) {
      result.missingAcks += options.floodMessages;
      socket.close();
      return;
    }
    const pending: Promise<void>[] = [];
    for (let i = 0; i < options.floodMessages; i++) {
      result.messages++;
      pending.push(
        socket
          .timeout(ACK_TIMEOUT_MS)
          .emitWithAck('show:join', { showId: options.showId })
          .then(record, () => {
            result.missingAcks++;
          }),
      );
    }
    await Promise.all(pending);
    socket.close();
  })();

  await Promise.all([...fuzzers, flood]);
  // An oversized message may cost its socket (over the cap), never the server.
  const { socket: big } = await connectRaw(
    rng.pick(options.endpoints).url,
    await options.token('big'),
  );
  big.emit('seat:hold', { showId: 'x'.repeat(2 * 1024 * 1024) });
  await sleep(500);
  big.close();
  fuzzing = false;
  await normalLoop;

  for (const endpoint of options.endpoints) {
    const healthy = await fetch(`${endpoint.url}/healthz`, {
      signal: AbortSignal.timeout(5000),
    }).then(
      (res) => res.status === 200,
      () => false,
    );
    if (!healthy) result.gatewaysDown.push(endpoint.name);
  }
  return result;
}

/** Problems found by the pass, as a count (0 = passed). */
export function badInputViolations(result: BadInputResult): number {
  return (
    result.malformedAcks +
    result.missingAcks +
    result.badTokensAccepted +
    result.normalFailures +
    result.gatewaysDown.length
  );
}
