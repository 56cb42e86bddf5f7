/**
 * What each client event does, one method per event. `join` and `leave` are answered here
 * from the read model; a seat command is checked, registered with the reply router under a
 * fresh correlation id, and produced: its answer comes from the decision the reply router
 * hands back (or from the produce failing, or from the ack deadline).
 *
 * A failed produce answers by what it says of the log: `UNAVAILABLE` only when the command
 * was certainly not appended (the gateway is draining, or the producer had no connection and
 * never sent it); any other failure — a request that timed out, a connection lost after the
 * request left, a stop while it was in flight — may have appended it, so the answer is
 * `TIMEOUT`: the outcome is unknown, and a retry under the same commandId is answered from
 * the worker's repeat memory.
 */
import { randomUUID } from 'node:crypto';
import { ERROR_CODES, isHoldfastError } from '../contract/errors.ts';
import type { SeatCommand, SocketCommandType } from '../contract/kafka-records.ts';
import type { PublicErrorCode, Refusal } from '../contract/refusals.ts';
import {
  COMMAND_TYPE_OF_EVENT,
  type ConfirmPayload,
  type Frames,
  type HoldPayload,
  type JoinAck,
  type LeaveAck,
} from '../contract/socket-events.ts';
import type { ShowLookup } from '../kafka/show-catalog.ts';
import type { Logger } from '../observability/logger.ts';
import type { ReadModel } from '../state/read-model.ts';
import type { Broadcaster, RoomMember } from './broadcaster.ts';
import type { Decided } from './decisions.ts';
import type { GatewayMetrics } from './metrics.ts';
import type { ReplyRouter } from './reply-router.ts';
import type { SeatMapCache } from './seat-map-cache.ts';
import { checkPayload } from './validation.ts';

/** Who is asking: the socket's user, its rooms and the frames it asked for. */
export interface Caller {
  userId: string;
  frames: Frames;
  socket: RoomMember;
  logger: Logger;
}

/** Where commands go: Kafka's `seat-commands` unless the gateway was given another path. */
export interface CommandSender {
  send(command: SeatCommand): Promise<void>;
}

export interface CommandHandlerOptions {
  gatewayId: string;
  shows: ShowLookup;
  readModel: Pick<ReadModel, 'isComplete'>;
  /** The seat maps `show:join` answers with, built once per show per change. */
  seatMaps: Pick<SeatMapCache, 'get'>;
  /** Every partition of `seat-events`: the read model is served only when all are complete. */
  eventPartitions: readonly number[];
  broadcaster: Broadcaster;
  replies: ReplyRouter;
  commands: CommandSender;
  /** False once the gateway is draining: commands are then answered `UNAVAILABLE`. */
  accepting: () => boolean;
  metrics: GatewayMetrics;
}

export function refusal(code: PublicErrorCode, message: string): Refusal {
  return { ok: false, error: { code, message } };
}

type SeatCommandEvent = keyof typeof COMMAND_TYPE_OF_EVENT;

export class CommandHandler {
  readonly #o: CommandHandlerOptions;

  constructor(options: CommandHandlerOptions) {
    this.#o = options;
  }

  /** A new socket: it hears of its user's cancelled seats wherever they were decided. */
  async connected(caller: Caller): Promise<void> {
    await this.#o.broadcaster.joinUser(caller.socket, caller.userId);
  }

  async join(caller: Caller, payload: unknown): Promise<JoinAck> {
    const checked = checkPayload('show:join', payload, (id) => this.#o.shows.get(id));
    if (!checked.ok) return refusal(checked.code, checked.message);
    if (!(await this.#o.readModel.isComplete(this.#o.eventPartitions))) {
      return refusal('UNAVAILABLE', 'the seat map is being rebuilt; join again in a moment');
    }
    const { show } = checked;
    // Join first: a change between the read and the join ack arrives, newer, after it.
    await this.#o.broadcaster.join(caller.socket, show.showId, caller.frames);
    const map = await this.#o.seatMaps.get(show);
    return {
      ok: true,
      show: { showId: show.showId, seats: map.seats, stats: map.stats },
      mine: map.mineOf(caller.userId),
    };
  }

  async leave(caller: Caller, payload: unknown): Promise<LeaveAck> {
    const checked = checkPayload('show:leave', payload, (id) => this.#o.shows.get(id));
    if (!checked.ok) return refusal(checked.code, checked.message);
    await this.#o.broadcaster.leave(caller.socket, checked.value.showId, caller.frames);
    return { ok: true };
  }

  hold(caller: Caller, payload: unknown, commandId: string): Promise<Decided> {
    return this.#command('seat:hold', caller, payload, commandId);
  }

  confirm(caller: Caller, payload: unknown, commandId: string): Promise<Decided> {
    return this.#command('seat:confirm', caller, payload, commandId);
  }

  release(caller: Caller, payload: unknown, commandId: string): Promise<Decided> {
    return this.#command('seat:release', caller, payload, commandId);
  }

  async #command(
    event: SeatCommandEvent,
    caller: Caller,
    payload: unknown,
    commandId: string,
  ): Promise<Decided> {
    const checked = checkPayload(event, payload, (id) => this.#o.shows.get(id));
    if (!checked.ok) return refusal(checked.code, checked.message);
    if (!this.#o.accepting()) {
      return refusal('UNAVAILABLE', 'this gateway is shutting down; reconnect');
    }
    const command = buildCommand(COMMAND_TYPE_OF_EVENT[event], checked.value, {
      commandId,
      userId: caller.userId,
      gatewayId: this.#o.gatewayId,
    });
    const started = process.hrtime.bigint();
    // The correlation id goes into the rare warning itself: a child logger per command
    // cost about 1 % of a loaded gateway's CPU for lines almost never written.
    const { correlationId } = command;
    const decided = new Promise<Decided>((resolve) => {
      this.#o.replies.expect(command.correlationId, command.type as SocketCommandType, (ack) => {
        this.#o.metrics.decisionSeconds.observe(
          { event },
          Number(process.hrtime.bigint() - started) / 1e9,
        );
        if (!ack.ok && ack.error.code === 'TIMEOUT') {
          caller.logger.warn({ event, correlationId }, 'no decision in time');
        }
        resolve(ack);
      });
    });
    this.#o.commands.send(command).catch((error: unknown) => {
      this.#o.replies.settle(command.correlationId, produceFailure(error));
      caller.logger.warn({ err: error, correlationId }, 'command not produced');
    });
    return decided;
  }
}

/** The answer to a failed produce: see the rule at the top of this file. */
export function produceFailure(error: unknown): Refusal {
  if (isHoldfastError(error, ERROR_CODES.PRODUCE_NOT_SENT)) {
    return refusal('UNAVAILABLE', 'commands cannot be accepted right now; retry');
  }
  return refusal(
    'TIMEOUT',
    'the command may or may not have been taken; the outcome is unknown: resync and retry with the same commandId',
  );
}

function buildCommand(
  type: SocketCommandType,
  payload: HoldPayload | ConfirmPayload,
  ids: { commandId: string; userId: string; gatewayId: string },
): SeatCommand {
  const base = {
    commandId: ids.commandId,
    correlationId: randomUUID(),
    replyTo: ids.gatewayId,
    showId: payload.showId,
    seatId: payload.seatId,
    userId: ids.userId,
    sentAt: Date.now(),
  };
  if (type === 'seat.holdRequest') return { ...base, type };
  return { ...base, type, holdId: (payload as ConfirmPayload).holdId };
}
