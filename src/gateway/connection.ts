/**
 * One socket's messages: rate limit, the event and argument count, then the command
 * handler's method for the event. Every message that carries an ack callback gets exactly
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
import type { TokenVerifier } from './auth.ts';
import { type Caller, type CommandHandler, refusal } from './command-handler.ts';
import type { GatewayMetrics } from './metrics.ts';
import { RateLimiter, type RateLimitOptions } from './rate-limiter.ts';
import { SocketSession } from './session.ts';

/** Server-side view of client events: payloads arrive unchecked. */
export type RawClientEvents = Record<ClientEventName, (...args: unknown[]) => void>;

export interface SocketData {
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

type Answer = { ok: boolean; error?: { code: string } };

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
  const limiter = new RateLimiter(ctx.rateLimit);
  const limitMessage = `too many messages: slow down (at most ${ctx.rateLimit.perSecond ?? 20} a second)`;
  const { userId, frames, expiresAt } = socket.data;
  const logger = ctx.logger.child({ component: 'connection', socketId: socket.id, userId });
  const caller: Caller = { userId, frames, socket, logger };
  const session = new SocketSession({ socket, userId, expiresAt, verify: ctx.verify });

  const handle = (event: string, args: unknown[]): void => {
    const last = args[args.length - 1];
    const ackFn = typeof last === 'function' ? (last as (response: unknown) => void) : undefined;
    const payload = ackFn ? args.slice(0, -1) : args;
    const commandId = isCommandEvent(event) ? commandIdOf(payload[0]) : undefined;
    let answered = false;
    const answer = (response: Answer): void => {
      if (answered) return;
      answered = true;
      ctx.metrics.messages.inc({
        event,
        outcome: response.ok ? 'ok' : (response.error?.code ?? ''),
      });
      try {
        ackFn?.(commandId === undefined ? response : { ...response, commandId });
      } catch (error) {
        logger.warn({ err: error }, 'ack callback failed');
      }
    };
    if (!limiter.tryTake()) {
      answer(refusal('RATE_LIMITED', limitMessage));
      return;
    }
    if (!(CLIENT_EVENTS as readonly string[]).includes(event)) {
      answer(refusal('INVALID_PAYLOAD', `unknown event ${JSON.stringify(event.slice(0, 64))}`));
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

  for (const event of CLIENT_EVENTS) {
    socket.on(event, (...args: unknown[]) => handle(event, args));
  }
  socket.onAny((event: unknown, ...args: unknown[]) => {
    if (typeof event !== 'string' || (CLIENT_EVENTS as readonly string[]).includes(event)) return;
    handle(event, args);
  });
}
