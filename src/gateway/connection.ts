/**
 * One socket's messages: rate limits (the socket's own bucket and the user's and address's
 * shared ones, all or none), the event and argument count, then the command handler's
 * method for the event. Every message that carries an ack callback gets exactly
 * one answer, whatever it contains; every answer to a seat command carries the `commandId`
 * it was (or would have been) produced under: the client's when it sent a valid one,
 * otherwise a fresh one.
 */
import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io';
import { CommandIdSchema } from '../contract/ids.ts';
import {
  CLIENT_EVENTS,
  type ClientEventName,
  COMMAND_TYPE_OF_EVENT,
  type Frames,
  type InterServerEvents,
  type ServerToClientEvents,
} from '../contract/socket-events.ts';
import type { Logger } from '../observability/logger.ts';
import type { AdmittedData } from './admission.ts';
import type { TokenVerifier } from './auth.ts';
import { type Caller, type CommandHandler, refusal } from './command-handler.ts';
import { eventLabel, type GatewayMetrics } from './metrics.ts';
import { RateLimiter, type RateLimitOptions, takeFromAll } from './rate-limiter.ts';
import { SocketSession } from './session.ts';

/** Server-side view of client events: payloads arrive unchecked. */
export type RawClientEvents = Record<ClientEventName, (...args: unknown[]) => void>;

export interface SocketData extends AdmittedData {
  userId: string;
  /** When the handshake token expires (epoch ms): the session ends then unless refreshed. */
  expiresAt: number;
  /** What the handshake asked for: `seats:changed` frames (`batch`) or the default. */
  frames: Frames;
}

export type GatewaySocket = Socket<
  RawClientEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;

export interface ConnectionContext {
  handler: CommandHandler;
  metrics: GatewayMetrics;
  logger: Logger;
  rateLimit: RateLimitOptions;
  /** Checks the tokens of `auth:refresh`. */
  verify: TokenVerifier;
}

type Answer = { ok: boolean; error?: { code: string; message?: string; retryAfterMs?: number } };

/** The handler's method for each event; seat commands also get their `commandId`. */
const ROUTES: {
  [E in ClientEventName]: (
    handler: CommandHandler,
    caller: Caller,
    payload: unknown,
    commandId: string,
    session: SocketSession,
  ) => Promise<Answer>;
} = {
  'show:join': (handler, caller, payload) => handler.join(caller, payload),
  'show:leave': (handler, caller, payload) => handler.leave(caller, payload),
  'seat:hold': (handler, caller, payload, commandId) => handler.hold(caller, payload, commandId),
  'seat:confirm': (handler, caller, payload, commandId) =>
    handler.confirm(caller, payload, commandId),
  'seat:release': (handler, caller, payload, commandId) =>
    handler.release(caller, payload, commandId),
  'auth:refresh': (_handler, _caller, payload, _commandId, session) => session.refresh(payload),
};

function isCommandEvent(event: string): boolean {
  return Object.hasOwn(COMMAND_TYPE_OF_EVENT, event);
}

/** The client's `commandId` if it sent a valid one, otherwise a fresh one. */
function commandIdOf(payload: unknown): string {
  const given = (payload as { commandId?: unknown } | null | undefined)?.commandId;
  return CommandIdSchema.safeParse(given).success ? (given as string) : randomUUID();
}

export function attachConnection(socket: GatewaySocket, ctx: ConnectionContext): void {
  // The socket's own bucket first: a message it refuses is charged to no shared one.
  const buckets = [new RateLimiter(ctx.rateLimit), ...(socket.data.sharedBuckets ?? [])];
  const limitMessage = `too many messages: slow down (at most ${ctx.rateLimit.perSecond ?? 20} a second per connection, and a shared limit across all of a user's or an address's connections)`;
  const { userId, frames, expiresAt } = socket.data;
  const logger = ctx.logger.child({ component: 'connection', socketId: socket.id, userId });
  const caller: Caller = { userId, frames, socket, logger };
  const session = new SocketSession({ socket, userId, expiresAt, verify: ctx.verify });

  const handle = (event: unknown, args: unknown[]): void => {
    const last = args[args.length - 1];
    const ackFn = typeof last === 'function' ? (last as (response: unknown) => void) : undefined;
    const payload = ackFn ? args.slice(0, -1) : args;
    const commandId =
      typeof event === 'string' && isCommandEvent(event) ? commandIdOf(payload[0]) : undefined;
    let answered = false;
    const answer = (response: Answer): void => {
      if (answered) return;
      answered = true;
      ctx.metrics.messages.inc({
        event: eventLabel(event),
        outcome: response.ok ? 'ok' : (response.error?.code ?? ''),
      });
      try {
        ackFn?.(commandId === undefined ? response : { ...response, commandId });
      } catch (error) {
        logger.warn({ err: error }, 'ack callback failed');
      }
    };
    const taken = takeFromAll(buckets);
    if (!taken.ok) {
      answer({
        ok: false,
        error: { code: 'RATE_LIMITED', message: limitMessage, retryAfterMs: taken.retryAfterMs },
      });
      return;
    }
    if (eventLabel(event) === 'unknown') {
      const name = typeof event === 'string' ? JSON.stringify(event.slice(0, 64)) : typeof event;
      answer(refusal('INVALID_PAYLOAD', `unknown event ${name}`));
      return;
    }
    if (payload.length !== 1) {
      answer(refusal('INVALID_PAYLOAD', 'expected exactly one payload object and an ack'));
      return;
    }
    ROUTES[event as ClientEventName](ctx.handler, caller, payload[0], commandId ?? '', session)
      .then(answer)
      .catch((error: unknown) => {
        logger.error({ err: error, event }, 'message handling failed');
        answer(refusal('UNAVAILABLE', 'the gateway could not handle this message; retry'));
      });
  };

  ctx.handler.connected(caller).catch((error: unknown) => {
    logger.warn(
      { err: error },
      "joining the user's room failed: this socket misses seat:cancelled",
    );
  });
  for (const event of CLIENT_EVENTS) {
    socket.on(event, (...args: unknown[]) => handle(event, args));
  }
  // Everything else, numeric event names included (Socket.IO's parser lets them through).
  socket.onAny((event: unknown, ...args: unknown[]) => {
    if (eventLabel(event) !== 'unknown') return;
    handle(event, args);
  });
}
