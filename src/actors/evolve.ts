/**
 * `evolve(state, event) → state`: applies one event of `decide` to a seat. Pure and
 * synchronous. State changes set the event's version; refusals and repeats change only the
 * dedupe memory (a repeat answered from that memory changes nothing at all).
 */

import type { SeatEvent } from '../contract/kafka-records.ts';
import { refusesUnknownTarget } from './decide.ts';
import { decisionOf } from './decision.ts';
import { rememberDecision, rememberEndedHold, rememberedDecision } from './seat-memory.ts';
import {
  type SeatMemory,
  type SeatMemoryLimits,
  type SeatState,
  withMemory,
} from './seat-state.ts';

/** Applies one event. `limits` must be the ones the decisions were made with. */
export function evolve(state: SeatState, event: SeatEvent, limits: SeatMemoryLimits): SeatState {
  switch (event.type) {
    case 'seat.held':
      return {
        status: 'held',
        version: event.version,
        holdId: event.holdId,
        userId: event.userId,
        heldAt: event.occurredAt,
        expiresAt: event.expiresAt,
        memory: remember(state.memory, event, limits),
      };
    case 'seat.reserved':
      return {
        status: 'reserved',
        version: event.version,
        holdId: event.holdId,
        userId: event.userId,
        reservedAt: event.occurredAt,
        reservedEventId: event.eventId,
        memory: remember(state.memory, event, limits),
      };
    case 'seat.released': {
      const ended = rememberEndedHold(
        state.memory,
        event.holdId,
        event.cause,
        event.occurredAt,
        limits,
      );
      return {
        status: 'available',
        version: event.version,
        memory: remember(ended, event, limits),
      };
    }
    case 'seat.rejected':
      // An unknown show or seat has no seat to remember anything for.
      if (refusesUnknownTarget(event)) return state;
      return withMemory(state, remember(state.memory, event, limits));
    case 'seat.decisionRepeated': {
      const known = rememberedDecision(
        state.memory,
        event.userId,
        event.commandId,
        event.occurredAt,
        limits.dedupeWindowMs,
      );
      if (known !== undefined) return state;
      // A holder asking again under a new commandId: that commandId now stands for the hold.
      return withMemory(state, remember(state.memory, event, limits));
    }
  }
}

function remember(memory: SeatMemory, event: SeatEvent, limits: SeatMemoryLimits): SeatMemory {
  const decision = decisionOf(event);
  if (decision === undefined) return memory;
  return rememberDecision(
    memory,
    event.userId,
    event.commandId,
    event.occurredAt,
    decision,
    limits,
  );
}
