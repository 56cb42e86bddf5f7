/**
 * From a domain event to the ack of the command that caused it, pure. A command may cause
 * more than one event (a hold over a hold already past its expiry first releases it, then
 * grants the new one): only the event that decides the command answers it. A repeat
 * (`seat.decisionRepeated`) answers exactly as the original decision did.
 */
import type { Decision, SeatEvent, SocketCommandType } from '../contract/kafka-records.ts';
import { rejection } from '../contract/refusals.ts';
import type { SeatView } from '../contract/seat-views.ts';
import type { CommandAck } from '../contract/socket-events.ts';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * A seat command's answer before the gateway adds the `commandId` it was produced under
 * (the handler does, for every answer: decision, refusal or timeout).
 */
export type Decided = DistributiveOmit<CommandAck, 'commandId'>;

function seat(
  event: SeatEvent,
  status: SeatView['status'],
  version: number,
  expiresAt?: number,
): SeatView {
  const view: SeatView = { showId: event.showId, seatId: event.seatId, status, version };
  if (expiresAt !== undefined) view.expiresAt = expiresAt;
  return view;
}

/** The ack a decision gives to a command of `type`, or undefined if it does not answer it. */
function fromDecision(
  type: SocketCommandType,
  event: SeatEvent,
  decision: Decision,
  repeated: boolean,
): Decided | undefined {
  switch (decision.outcome) {
    case 'held':
      if (type !== 'seat.holdRequest') return undefined;
      return {
        ok: true,
        seat: seat(event, 'held', decision.version, decision.expiresAt),
        holdId: decision.holdId,
        expiresAt: decision.expiresAt,
      };
    case 'reserved':
      if (type !== 'seat.confirmationRequest') return undefined;
      return { ok: true, seat: seat(event, 'reserved', decision.version) };
    case 'released':
      if (type !== 'seat.releaseRequest') return undefined;
      if (decision.cause === 'released') {
        return { ok: true, seat: seat(event, 'available', decision.version) };
      }
      // An operator's cancellation: no socket waits on it.
      if (decision.cause === 'cancelled') return undefined;
      // A live expiry is a side effect the decision's own answer follows; a repeated one
      // means the release found its hold already expired.
      return repeated ? rejection('HOLD_EXPIRED') : undefined;
    case 'rejected':
      return rejection(decision.reason);
  }
}

export function ackFor(type: SocketCommandType, event: SeatEvent): Decided | undefined {
  switch (event.type) {
    case 'seat.held':
      return fromDecision(type, event, { outcome: 'held', ...pick(event) }, false);
    case 'seat.reserved':
      return fromDecision(
        type,
        event,
        {
          outcome: 'reserved',
          eventId: event.eventId,
          version: event.version,
          holdId: event.holdId,
        },
        false,
      );
    case 'seat.released':
      return fromDecision(
        type,
        event,
        {
          outcome: 'released',
          eventId: event.eventId,
          version: event.version,
          holdId: event.holdId,
          cause: event.cause,
        },
        false,
      );
    case 'seat.rejected':
      return rejection(event.reason);
    case 'seat.decisionRepeated':
      return fromDecision(type, event, event.decision, true);
  }
}

function pick(event: Extract<SeatEvent, { type: 'seat.held' }>) {
  return {
    eventId: event.eventId,
    version: event.version,
    holdId: event.holdId,
    expiresAt: event.expiresAt,
  };
}
