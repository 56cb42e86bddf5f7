/**
 * `evolve(state, event) → state`: applies one event of `decide` to a seat. Pure and
 * synchronous. State changes set the event's version; refusals and repeats change only the
 * dedupe memory (a repeat answered from that memory changes nothing at all).
 */

import type { SeatActorCommandType } from '../contract/buyer-records.ts';
import type { ClientCommandType, SeatEvent } from '../contract/kafka-records.ts';
import { refusesUnknownTarget } from './decide.ts';
import { decisionOf } from './decision.ts';
import { rememberDecision, rememberEndedHold, rememberedDecision } from './seat-memory.ts';
import {
  type SeatMemory,
  type SeatMemoryLimits,
  type SeatState,
  withMemory,
} from './seat-state.ts';

/**
 * Applies one event of a command of `commandType` (remembered with the decision, so that its
 * `commandId` sent for another kind of command is told apart). `limits` must be the ones the
 * decisions were made with.
 */
export function evolve(
  state: SeatState,
  event: SeatEvent,
  limits: SeatMemoryLimits,
  commandType: SeatActorCommandType,
): SeatState {
  switch (event.type) {
    case 'seat.held': {
      const memory = remember(state.memory, event, limits, commandType);
      return {
        status: 'held',
        version: event.version,
        holdId: event.holdId,
        userId: event.userId,
        heldAt: event.occurredAt,
        expiresAt: event.expiresAt,
        requestId: event.requestId,
        memory,
      };
    }
    case 'seat.reserved':
      return {
        status: 'reserved',
        version: event.version,
        holdId: event.holdId,
        userId: event.userId,
        reservedAt: event.occurredAt,
        reservedEventId: event.eventId,
        memory: remember(state.memory, event, limits, commandType),
      };
    case 'seat.released': {
      const ended = rememberEndedHold(
        state.memory,
        event.holdId,
        event.cause,
        event.occurredAt,
        limits,
        state.status === 'held' ? state.requestId : undefined,
      );
      return {
        status: 'available',
        version: event.version,
        memory: remember(ended, event, limits, commandType),
      };
    }
    case 'seat.rejected':
      // A buyer's command is recognised by the request it names, not remembered by commandId.
      if (!isClientCommandType(commandType)) return state;
      // An unknown show or seat has no seat to remember anything for; a commandId refused
      // for naming another operation stays remembered for that operation only.
      if (refusesUnknownTarget(event) || event.reason === 'INVALID_PAYLOAD') return state;
      return withMemory(state, remember(state.memory, event, limits, commandType));
    case 'seat.decisionRepeated': {
      if (!isClientCommandType(commandType)) return state;
      const known = rememberedDecision(
        state.memory,
        event.userId,
        event.commandId,
        event.occurredAt,
        limits.dedupeWindowMs,
      );
      if (known !== undefined) return state;
      // A holder asking again under a new commandId: that commandId now stands for the hold.
      return withMemory(state, remember(state.memory, event, limits, commandType));
    }
  }
}

function remember(
  memory: SeatMemory,
  event: SeatEvent,
  limits: SeatMemoryLimits,
  commandType: SeatActorCommandType,
): SeatMemory {
  const decision = decisionOf(event);
  // An expiry is the worker's own command: no user repeats it. A buyer's commands to seats
  // are recognised by the request they name (the hold records it), not by commandId.
  if (decision === undefined || !isClientCommandType(commandType)) return memory;
  return rememberDecision(
    memory,
    event.userId,
    event.commandId,
    event.occurredAt,
    decision,
    commandType,
    limits,
  );
}

/** The commands a seat remembers by `(userId, commandId)`: those a client sent. */
function isClientCommandType(type: SeatActorCommandType): type is ClientCommandType {
  return type !== 'seat.holdExpiry' && type !== 'seat.tryHold' && type !== 'seat.buyerRelease';
}
