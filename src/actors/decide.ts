/**
 * `decide(state, command) → events`: the decision rules of
 * docs/design.md §3.5 Decision rules, §2.5 Expiry is a command and §3.10 Idempotent commands.
 * Pure and synchronous; business refusals are `seat.rejected` events, never exceptions.
 */

import type { ActorCommand, SeatActorCommand, TryHold } from '../contract/buyer-records.ts';
import type {
  CancelRequest,
  ConfirmationRequest,
  Decision,
  HoldExpiry,
  HoldRequest,
  ReleaseRequest,
  SeatCommand,
  SeatEvent,
} from '../contract/kafka-records.ts';
import type { RejectionReason } from '../contract/refusals.ts';
import { isSeatOfShow } from '../contract/seat-layout.ts';
import { isCapped, type ShowDefinition } from '../contract/shows.ts';
import { holdEnding, rememberedDecision } from './seat-memory.ts';
import type { HeldSeat, ReservedSeat, SeatMemoryLimits, SeatState } from './seat-state.ts';

/** What a decision needs besides the seat and the command. */
export interface DecideContext {
  /** The command's broker record time (LogAppendTime): the only "now" of a decision. */
  readonly logTime: number;
  /** The command's show, or `undefined` when the worker does not know it. */
  readonly show: ShowDefinition | undefined;
  /** `${partition}-${offset}` of the command; its events are `${eventIdBase}-${index}`. */
  readonly eventIdBase: string;
  /** The same limits `evolve` is given. */
  readonly limits: SeatMemoryLimits;
}

/** A hold whose `seat.holdExpiry` came before its expiry by log time, so must be armed again. */
export interface EarlyExpiry {
  readonly holdId: string;
  readonly userId: string;
  readonly expiresAt: number;
  /** `expiresAt - logTime` of the early command: how far the broker's clock was behind. */
  readonly earlyByMs: number;
}

export interface Decided {
  /** The events to produce and apply, in order; empty when the command is a no-op. */
  readonly events: SeatEvent[];
  /**
   * The commands to other actors (buyers, docs/design.md §9.2) to produce with the events,
   * numbered after them in the decision's one index sequence. Empty for every decision of a
   * client's own seat command in a show without a cap.
   */
  readonly commands: readonly ActorCommand[];
  /** Set when an expiry came early: the hold stays and its host must arm its deadline again. */
  readonly earlyExpiry?: EarlyExpiry;
}

/**
 * Whether an event is the refusal of a command whose show or seat does not exist. Such a
 * command has no seat: it changes no state and must not wake an actor. Whether the seat
 * exists is decided here only, as the first rule of `decide`; its callers read the answer
 * off the decision instead of checking the layout again.
 */
export function refusesUnknownTarget(event: SeatEvent | undefined): boolean {
  return (
    event?.type === 'seat.rejected' &&
    (event.reason === 'UNKNOWN_SHOW' || event.reason === 'UNKNOWN_SEAT')
  );
}

/** No commands to other actors: shared, never changed. */
export const NO_COMMANDS: readonly ActorCommand[] = Object.freeze([]);

/** Decides one command against one seat's state. */
export function decide(state: SeatState, command: SeatCommand, context: DecideContext): Decided {
  if (command.type === 'seat.holdExpiry') return decideExpiry(state, command, context);
  if (context.show === undefined) return refuse(state, command, context, 'UNKNOWN_SHOW');
  if (!isSeatOfShow(context.show, command.seatId)) {
    return refuse(state, command, context, 'UNKNOWN_SEAT');
  }
  if (command.type === 'seat.holdRequest' && isCapped(context.show)) {
    // A capped show routes every hold through the caller's buyer (§9.5), which counts it
    // against the cap; the gateway sends a capped show's `seat:hold` there. A plain hold
    // reaching the seat did not come from the buyer: nothing the caller may do, so
    // INVALID_PAYLOAD (not remembered, like any reuse refusal) rather than a business code.
    return refuse(state, command, context, 'INVALID_PAYLOAD');
  }
  const original = rememberedDecision(
    state.memory,
    command.userId,
    command.commandId,
    context.logTime,
    context.limits.dedupeWindowMs,
  );
  if (original !== undefined) {
    // A commandId names one operation: sent again for another, it is neither that
    // operation's answer (its ack would never come) nor a new command.
    if (original.commandType !== undefined && original.commandType !== command.type) {
      return refuse(state, command, context, 'INVALID_PAYLOAD');
    }
    return repeat(state, command, context, original.decision);
  }
  switch (command.type) {
    case 'seat.holdRequest':
      return decideHold(state, command, context, context.show);
    case 'seat.confirmationRequest':
      return decideConfirmation(state, command, context);
    case 'seat.releaseRequest':
      return decideRelease(state, command, context);
    case 'seat.cancelRequest':
      return decideCancel(state, command, context);
  }
}

function decideHold(
  state: SeatState,
  command: HoldRequest,
  context: DecideContext,
  show: ShowDefinition,
): Decided {
  if (state.status === 'reserved') return refuse(state, command, context, 'SEAT_TAKEN');
  if (state.status === 'held') {
    if (context.logTime >= state.expiresAt) {
      // The old hold is over by log time; its expiry command is still on its way.
      const released = releasedEvent(state, command, context, 0, 'expired');
      const held = heldEvent(state.version + 2, command, context, 1, show);
      return { events: [released, held], commands: NO_COMMANDS };
    }
    if (state.userId === command.userId) {
      return repeat(state, command, context, {
        outcome: 'held',
        eventId: state.holdId,
        version: state.version,
        holdId: state.holdId,
        expiresAt: state.expiresAt,
      });
    }
    return refuse(state, command, context, 'SEAT_TAKEN');
  }
  return {
    events: [heldEvent(state.version + 1, command, context, 0, show)],
    commands: NO_COMMANDS,
  };
}

function decideConfirmation(
  state: SeatState,
  command: ConfirmationRequest,
  context: DecideContext,
): Decided {
  if (state.status === 'reserved' && state.holdId === command.holdId) {
    if (state.userId !== command.userId) return refuse(state, command, context, 'NOT_HOLDER');
    return repeat(state, command, context, {
      outcome: 'reserved',
      eventId: state.reservedEventId,
      version: state.version,
      holdId: state.holdId,
    });
  }
  if (state.status !== 'held' || state.holdId !== command.holdId) {
    return refuse(state, command, context, endedHoldReason(state, command.holdId, context));
  }
  const refusal = holderRefusal(state, command, context);
  if (refusal !== undefined) return refuse(state, command, context, refusal);
  return { events: [reservedEvent(state, command, context)], commands: NO_COMMANDS };
}

function decideRelease(state: SeatState, command: ReleaseRequest, context: DecideContext): Decided {
  if (state.status === 'reserved') return refuse(state, command, context, 'SEAT_TAKEN');
  if (state.status !== 'held' || state.holdId !== command.holdId) {
    return refuse(state, command, context, endedHoldReason(state, command.holdId, context));
  }
  const refusal = holderRefusal(state, command, context);
  if (refusal !== undefined) return refuse(state, command, context, refusal);
  return {
    events: [releasedEvent(state, command, context, 0, 'released')],
    commands: NO_COMMANDS,
  };
}

/**
 * An operator's cancellation: a current hold or a reservation ends with cause `cancelled`
 * (the seat remembers it, so its holder's later confirm or release is `CANCELLED`). A seat
 * with nothing to cancel is refused: `NOT_HOLDER` when available, `HOLD_EXPIRED` for a hold
 * that is over by log time (its expiry releases it).
 */
function decideCancel(state: SeatState, command: CancelRequest, context: DecideContext): Decided {
  if (state.status === 'available') return refuse(state, command, context, 'NOT_HOLDER');
  if (state.status === 'held' && context.logTime >= state.expiresAt) {
    return refuse(state, command, context, 'HOLD_EXPIRED');
  }
  return { events: [cancelledEvent(state, command, context)], commands: NO_COMMANDS };
}

function decideExpiry(state: SeatState, command: HoldExpiry, context: DecideContext): Decided {
  if (state.status !== 'held' || state.holdId !== command.holdId) {
    return { events: [], commands: NO_COMMANDS };
  }
  if (context.logTime < state.expiresAt) {
    return {
      events: [],
      commands: NO_COMMANDS,
      earlyExpiry: {
        holdId: state.holdId,
        userId: state.userId,
        expiresAt: state.expiresAt,
        earlyByMs: state.expiresAt - context.logTime,
      },
    };
  }
  return {
    events: [releasedEvent(state, command, context, 0, 'expired')],
    commands: NO_COMMANDS,
  };
}

/** Why the current hold's holder (or someone else) may not confirm or release it now. */
function holderRefusal(
  state: HeldSeat,
  command: ConfirmationRequest | ReleaseRequest,
  context: DecideContext,
): RejectionReason | undefined {
  if (state.userId !== command.userId) return 'NOT_HOLDER';
  if (context.logTime >= state.expiresAt) return 'HOLD_EXPIRED';
  return undefined;
}

/** The refusal for a `holdId` that is not the seat's current one. */
export function endedHoldReason(
  state: SeatState,
  holdId: string,
  context: DecideContext,
): RejectionReason {
  const ending = holdEnding(
    state.memory,
    holdId,
    context.logTime,
    context.limits.endedHoldsWindowMs,
  );
  if (ending === 'expired') return 'HOLD_EXPIRED';
  if (ending === 'cancelled') return 'CANCELLED';
  return 'NOT_HOLDER';
}

/*
 * Events are built as whole object literals in one field order (no spread): decisions are
 * the hot path, and one shape per event type keeps them fast.
 */

export function eventId(context: DecideContext, index: number): string {
  return `${context.eventIdBase}-${index}`;
}

/**
 * The fields every event of a command carries, in the order events are written (events are
 * serialized as built: the key order is part of the record's bytes).
 */
export function eventFields(
  command: SeatActorCommand,
  context: DecideContext,
  id: string,
  version: number,
) {
  return {
    eventId: id,
    showId: command.showId,
    seatId: command.seatId,
    version,
    userId: command.userId,
    causationId: command.commandId,
    commandId: command.commandId,
    correlationId: command.correlationId,
    replyTo: command.replyTo,
    occurredAt: context.logTime,
  };
}

/** A hold for a client's `seat.holdRequest`, or for a buyer's `seat.tryHold` (it records the request). */
export function heldEvent(
  version: number,
  command: HoldRequest | TryHold,
  context: DecideContext,
  index: number,
  show: ShowDefinition,
): SeatEvent {
  const id = eventId(context, index);
  const fields = eventFields(command, context, id, version);
  const expiresAt = context.logTime + show.holdTtlMs;
  return command.type === 'seat.tryHold'
    ? { type: 'seat.held', ...fields, holdId: id, expiresAt, requestId: command.requestId }
    : { type: 'seat.held', ...fields, holdId: id, expiresAt };
}

function reservedEvent(
  state: HeldSeat,
  command: ConfirmationRequest,
  context: DecideContext,
): SeatEvent {
  return {
    type: 'seat.reserved',
    ...eventFields(command, context, eventId(context, 0), state.version + 1),
    holdId: state.holdId,
  };
}

function cancelledEvent(
  state: HeldSeat | ReservedSeat,
  command: CancelRequest,
  context: DecideContext,
): SeatEvent {
  return {
    type: 'seat.released',
    ...eventFields(command, context, eventId(context, 0), state.version + 1),
    holdId: state.holdId,
    cause: 'cancelled',
    reason: command.reason,
    ownerId: state.userId,
  };
}

export function releasedEvent(
  state: HeldSeat,
  command: SeatActorCommand,
  context: DecideContext,
  index: number,
  cause: 'released' | 'expired',
): SeatEvent {
  return {
    type: 'seat.released',
    ...eventFields(command, context, eventId(context, index), state.version + 1),
    holdId: state.holdId,
    cause,
  };
}

/** A refusal at the seat's current version; it names the command's hold, if it named one. */
export function rejectedEvent(
  state: SeatState,
  command: Exclude<SeatCommand, HoldExpiry> | TryHold,
  context: DecideContext,
  reason: RejectionReason,
): SeatEvent {
  const rejected: SeatEvent = {
    type: 'seat.rejected',
    ...eventFields(command, context, eventId(context, 0), state.version),
    reason,
  };
  if (command.type === 'seat.confirmationRequest' || command.type === 'seat.releaseRequest') {
    rejected.holdId = command.holdId;
  }
  return rejected;
}

function refuse(
  state: SeatState,
  command: Exclude<SeatCommand, HoldExpiry>,
  context: DecideContext,
  reason: RejectionReason,
): Decided {
  return { events: [rejectedEvent(state, command, context, reason)], commands: NO_COMMANDS };
}

function repeat(
  state: SeatState,
  command: SeatCommand,
  context: DecideContext,
  decision: Decision,
): Decided {
  const repeated: SeatEvent = {
    type: 'seat.decisionRepeated',
    ...eventFields(command, context, eventId(context, 0), state.version),
    decision,
  };
  return { events: [repeated], commands: NO_COMMANDS };
}
