/**
 * One socket's messages: rate limit, shape checks, then the answer. `show:join` and
 * `show:leave` are answered here from the read model; seat commands go to Kafka and are
 * answered when their decision comes back (or at the ack deadline). Every message that
 * carries an ack callback gets exactly one answer, whatever it contains.
 */
import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io';
import type { ClientCommandType, SeatCommand } from '../contract/kafka-records.ts';
import type { PublicErrorCode, Refusal } from '../contract/refusals.ts';
import {
  CLIENT_EVENTS,
  type ClientEventName,
  COMMAND_TYPE_OF_EVENT,
  type CommandAck,
  type ConfirmPayload,
  type HoldPayload,
  type InterServerEvents,
  type JoinAck,
  type ServerToClientEvents,
} from '../contract/socket-events.ts';
import type { ShowLookup } from '../kafka/show-catalog.ts';
import type { Logger } from '../observability/logger.ts';
import { type ReadModel, viewFor } from '../state/read-model.ts';
import type { GatewayMetrics } from './metrics.ts';
import type { PendingAcks } from './pending-acks.ts';
import { RateLimiter, type RateLimitOptions } from './rate-limiter.ts';
import { checkPayload } from './validation.ts';

/** Server-side view of client events: payloads arrive unchecked. */
export type RawClientEvents = Record<ClientEventName, (...args: unknown[]) => void>;

export interface SocketData {
  userId: string;
}

export type GatewaySocket = Socket<
  RawClientEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;

export interface ConnectionContext {
  gatewayId: string;
  shows: ShowLookup;
  readModel: ReadModel;
  /** Every partition of `seat-events`: the read model is served only when all are complete. */
  eventPartitions: readonly number[];
  pending: PendingAcks;
  produce: (command: SeatCommand) => Promise<void>;
  /** False once the gateway is draining: commands are then answered `UNAVAILABLE`. */
  accepting: () => boolean;
  metrics: GatewayMetrics;
  logger: Logger;
  rateLimit: RateLimitOptions;
}

export function showRoom(showId: string): string {
  return `show:${showId}`;
}

function refusal(code: PublicErrorCode, message: string): Refusal {
  return { ok: false, error: { code, message } };
}

export function attachConnection(socket: GatewaySocket, ctx: ConnectionContext): void {
  const limiter = new RateLimiter(ctx.rateLimit);
  const userId = socket.data.userId;
  const logger = ctx.logger.child({ component: 'connection', socketId: socket.id, userId });

  const handle = (event: string, args: unknown[]): void => {
    const last = args[args.length - 1];
    const ackFn = typeof last === 'function' ? (last as (response: unknown) => void) : undefined;
    const payload = ackFn ? args.slice(0, -1) : args;
    let answered = false;
    const answer = (response: { ok: boolean; error?: { code: string } }): void => {
      if (answered) return;
      answered = true;
      ctx.metrics.messages.inc({
        event,
        outcome: response.ok ? 'ok' : (response.error?.code ?? ''),
      });
      try {
        ackFn?.(response);
      } catch (error) {
        logger.warn({ err: error }, 'ack callback failed');
      }
    };
    if (!limiter.tryTake()) {
      answer(refusal('RATE_LIMITED', 'too many messages: slow down (at most 20 a second)'));
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
    dispatch(event as ClientEventName, payload[0], answer).catch((error: unknown) => {
      logger.error({ err: error, event }, 'message handling failed');
      answer(refusal('UNAVAILABLE', 'the gateway could not handle this message; retry'));
    });
  };

  const dispatch = async (
    event: ClientEventName,
    payload: unknown,
    answer: (response: JoinAck | CommandAck | { ok: true }) => void,
  ): Promise<void> => {
    switch (event) {
      case 'show:join': {
        const checked = checkPayload(event, payload, (id) => ctx.shows.get(id));
        if (!checked.ok) return answer(refusal(checked.code, checked.message));
        if (!(await ctx.readModel.isComplete(ctx.eventPartitions))) {
          return answer(
            refusal('UNAVAILABLE', 'the seat map is being rebuilt; join again in a moment'),
          );
        }
        const { show } = checked;
        // Join first: a change between the read and the join ack arrives, newer, after it.
        await socket.join(showRoom(show.showId));
        const map = await ctx.readModel.readShow(show);
        const { seats, mine } = viewFor(map, userId);
        return answer({ ok: true, show: { showId: show.showId, seats, stats: map.stats }, mine });
      }
      case 'show:leave': {
        const checked = checkPayload(event, payload, (id) => ctx.shows.get(id));
        if (!checked.ok) return answer(refusal(checked.code, checked.message));
        await socket.leave(showRoom(checked.value.showId));
        return answer({ ok: true });
      }
      case 'seat:hold':
      case 'seat:confirm':
      case 'seat:release': {
        const checked = checkPayload(event, payload, (id) => ctx.shows.get(id));
        if (!checked.ok) return answer(refusal(checked.code, checked.message));
        if (!ctx.accepting()) {
          return answer(refusal('UNAVAILABLE', 'this gateway is shutting down; reconnect'));
        }
        const command = buildCommand(
          COMMAND_TYPE_OF_EVENT[event],
          checked.value,
          userId,
          ctx.gatewayId,
        );
        const started = process.hrtime.bigint();
        const log = logger.child({ correlationId: command.correlationId });
        ctx.pending.add(command.correlationId, command.type as ClientCommandType, (ack) => {
          ctx.metrics.decisionSeconds.observe(
            { event },
            Number(process.hrtime.bigint() - started) / 1e9,
          );
          if (!ack.ok && ack.error.code === 'TIMEOUT') log.warn({ event }, 'no decision in time');
          answer(ack);
        });
        ctx.produce(command).catch((error: unknown) => {
          log.warn({ err: error }, 'command not produced: Kafka unavailable');
          ctx.pending.settle(
            command.correlationId,
            refusal(
              'UNAVAILABLE',
              'commands cannot be accepted right now; retry with the same commandId',
            ),
          );
        });
        return;
      }
    }
  };

  for (const event of CLIENT_EVENTS) {
    socket.on(event, (...args: unknown[]) => handle(event, args));
  }
  socket.onAny((event: unknown, ...args: unknown[]) => {
    if (typeof event !== 'string' || (CLIENT_EVENTS as readonly string[]).includes(event)) return;
    handle(event, args);
  });
}

function buildCommand(
  type: ClientCommandType,
  payload: HoldPayload | ConfirmPayload,
  userId: string,
  gatewayId: string,
): SeatCommand {
  const base = {
    commandId: payload.commandId ?? randomUUID(),
    correlationId: randomUUID(),
    replyTo: gatewayId,
    showId: payload.showId,
    seatId: payload.seatId,
    userId,
    sentAt: Date.now(),
  };
  if (type === 'seat.holdRequest') return { ...base, type };
  return { ...base, type, holdId: (payload as ConfirmPayload).holdId };
}
