/**
 * A seat's rules for buyers (docs/design.md §9.2–9.5): the commands a buyer's actor sends a
 * seat (`seat.tryHold`, `seat.buyerRelease`), the seat's answer to the buyer, and, in a show
 * with a cap, a notice to the buyer(s) concerned by every change of the seat. Pure and
 * synchronous, like `decide`, which it calls for a client's own seat commands.
 */

import type {
  BuyerRelease,
  BuyerSeatUpdate,
  SeatActorCommand,
  SeatAnswer,
  TryHold,
} from '../contract/buyer-records.ts';
import { isPlainSeatCommand } from '../contract/buyer-records.ts';
import type { SeatEvent } from '../contract/kafka-records.ts';
import type { RejectionReason } from '../contract/refusals.ts';
import { isSeatOfShow } from '../contract/seat-layout.ts';
import { isCapped } from '../contract/shows.ts';
import {
  type DecideContext,
  type Decided,
  decide,
  eventId,
  heldEvent,
  rejectedEvent,
  releasedEvent,
} from './decide.ts';
import { endedHoldOfRequest } from './seat-memory.ts';
import type { SeatState } from './seat-state.ts';

/**
 * Decides any command a seat's actor receives. Events come first in the decision's index
 * sequence, then commands: a command's id is `${eventIdBase}-${index}` like an event's.
 */
export function decideSeatCommand(
  state: SeatState,
  command: SeatActorCommand,
  context: DecideContext,
): Decided {
  let decided: Decided;
  if (isPlainSeatCommand(command)) decided = decide(state, command, context);
  else if (command.type === 'seat.tryHold') decided = decideTryHold(state, command, context);
  else decided = decideBuyerRelease(state, command, context);
  if (context.show === undefined || !isCapped(context.show)) return decided;
  const answered = isPlainSeatCommand(command) ? undefined : command.userId;
  const notices = changeNotices(state, decided, command, context, answered);
  if (notices.length === 0) return decided;
  return { ...decided, commands: [...decided.commands, ...notices] };
}

/** §9.4: a hold for a buyer's operation, answered to the buyer. */
function decideTryHold(state: SeatState, command: TryHold, context: DecideContext): Decided {
  const { show } = context;
  if (show === undefined) return refuseTry(state, command, context, 'UNKNOWN_SHOW');
  if (!isSeatOfShow(show, command.seatId))
    return refuseTry(state, command, context, 'UNKNOWN_SEAT');
  // A repeat of the request (at-least-once delivery) is recognised by the request its hold
  // records, before anything else: it is answered with the truth of that hold, never given
  // a second one.
  if (
    state.status === 'held' &&
    state.requestId === command.requestId &&
    state.userId === command.userId
  ) {
    return answerOnly(state, command, context, 'granted');
  }
  const ended = endedHoldOfRequest(
    state.memory,
    command.requestId,
    context.logTime,
    context.limits.endedHoldsWindowMs,
  );
  if (ended !== undefined) {
    // The hold this request made is over: answered as a refusal, so that even a buyer that
    // took this for the first answer would count the seat as not held (which it is not).
    const reason =
      ended.ending === 'expired'
        ? 'HOLD_EXPIRED'
        : ended.ending === 'cancelled'
          ? 'CANCELLED'
          : 'NOT_HOLDER';
    return answerOnly(state, command, context, 'refused', reason);
  }
  // §9.3: only taking requests expire, a hold TTL after the client request.
  if (context.logTime >= command.requestedAt + show.holdTtlMs) {
    return refuseTry(state, command, context, 'REQUEST_EXPIRED');
  }
  if (state.status === 'reserved') return refuseTry(state, command, context, 'SEAT_TAKEN');
  if (state.status === 'held') {
    if (context.logTime >= state.expiresAt) {
      // The old hold is over by log time (§3.5): released first, then the new hold.
      const released = releasedEvent(state, command, context, 0, 'expired');
      const held = heldEvent(state.version + 2, command, context, 1, show);
      return granted(state, [released, held], command, context);
    }
    if (state.userId === command.userId) return answerOnly(state, command, context, 'alreadyHeld');
    return refuseTry(state, command, context, 'SEAT_TAKEN');
  }
  return granted(
    state,
    [heldEvent(state.version + 1, command, context, 0, show)],
    command,
    context,
  );
}

/**
 * §9.4: a buyer's compensation. Never expires and is always decided: it releases the hold
 * it names if that is still current and the buyer's, and is answered `released` either way.
 */
function decideBuyerRelease(
  state: SeatState,
  command: BuyerRelease,
  context: DecideContext,
): Decided {
  if (
    state.status !== 'held' ||
    state.holdId !== command.holdId ||
    state.userId !== command.userId
  ) {
    return answerOnly(state, command, context, 'released');
  }
  // A hold already past its expiry by log time ends as expired, as its expiry would end it
  // (a later confirm of it is then HOLD_EXPIRED, not NOT_HOLDER).
  const cause = context.logTime >= state.expiresAt ? 'expired' : 'released';
  const events = [releasedEvent(state, command, context, 0, cause)];
  const answer = { requestId: command.requestId, outcome: 'released' } as const;
  return { events, commands: [seatUpdate(viewAfter(state, events), command, context, 1, answer)] };
}

function granted(
  state: SeatState,
  events: SeatEvent[],
  command: TryHold,
  context: DecideContext,
): Decided {
  const answer = { requestId: command.requestId, outcome: 'granted' } as const;
  const view = viewAfter(state, events);
  return { events, commands: [seatUpdate(view, command, context, events.length, answer)] };
}

/** A refusal: `seat.rejected` (like any seat refusal) and the answer to the buyer. */
function refuseTry(
  state: SeatState,
  command: TryHold,
  context: DecideContext,
  reason: RejectionReason,
): Decided {
  const answer = { requestId: command.requestId, outcome: 'refused', reason } as const;
  return {
    events: [rejectedEvent(state, command, context, reason)],
    commands: [seatUpdate(viewAfter(state, []), command, context, 1, answer)],
  };
}

/** An answer that changes nothing: no event, the seat as it is. */
function answerOnly(
  state: SeatState,
  command: TryHold | BuyerRelease,
  context: DecideContext,
  outcome: SeatAnswer['outcome'],
  reason?: RejectionReason,
): Decided {
  const answer: SeatAnswer =
    reason === undefined
      ? { requestId: command.requestId, outcome }
      : { requestId: command.requestId, outcome, reason };
  return {
    events: [],
    commands: [seatUpdate(viewAfter(state, []), command, context, 0, answer)],
  };
}

/** How a seat stands after a decision's events: what a buyer is told. */
interface SeatView {
  readonly version: number;
  readonly status: 'available' | 'held' | 'reserved';
  /** Who holds or owns it. */
  readonly holder: string | undefined;
  readonly holdId: string | undefined;
  readonly expiresAt: number | undefined;
}

function viewAfter(state: SeatState, events: readonly SeatEvent[]): SeatView {
  let view: SeatView =
    state.status === 'available'
      ? {
          version: state.version,
          status: 'available',
          holder: undefined,
          holdId: undefined,
          expiresAt: undefined,
        }
      : {
          version: state.version,
          status: state.status,
          holder: state.userId,
          holdId: state.holdId,
          expiresAt: state.status === 'held' ? state.expiresAt : undefined,
        };
  for (const event of events) {
    if (event.type === 'seat.held') {
      view = {
        version: event.version,
        status: 'held',
        holder: event.userId,
        holdId: event.holdId,
        expiresAt: event.expiresAt,
      };
    } else if (event.type === 'seat.reserved') {
      view = {
        version: event.version,
        status: 'reserved',
        holder: event.userId,
        holdId: event.holdId,
        expiresAt: undefined,
      };
    } else if (event.type === 'seat.released') {
      view = {
        version: event.version,
        status: 'available',
        holder: undefined,
        holdId: undefined,
        expiresAt: undefined,
      };
    }
  }
  return view;
}

/**
 * §9.5: in a capped show, every change of the seat is told to the buyers it concerns — who
 * held or owned it before the decision and who does after (every hold of the decision, so an
 * implicit expiry's holder hears of it too) — once each, with the seat as the decision leaves
 * it. The buyer that got the decision's answer already has that view and gets no notice.
 */
function changeNotices(
  before: SeatState,
  decided: Decided,
  command: SeatActorCommand,
  context: DecideContext,
  answered: string | undefined,
): BuyerSeatUpdate[] {
  const changes = decided.events.filter(
    (event) =>
      event.type === 'seat.held' ||
      event.type === 'seat.reserved' ||
      event.type === 'seat.released',
  );
  if (changes.length === 0) return [];
  const concerned: string[] = [];
  if (before.status !== 'available') concerned.push(before.userId);
  for (const event of changes) {
    if (event.type !== 'seat.released' && !concerned.includes(event.userId))
      concerned.push(event.userId);
  }
  const view = viewAfter(before, changes);
  const first = decided.events.length + decided.commands.length;
  const notices: BuyerSeatUpdate[] = [];
  for (const userId of concerned) {
    if (userId === answered) continue;
    notices.push(
      seatUpdate(view, { ...command, userId }, context, first + notices.length, undefined),
    );
  }
  return notices;
}

/**
 * A `buyer.seatUpdate` to `command.userId`'s buyer; `index` is its place in the decision's
 * index sequence (after the events).
 */
function seatUpdate(
  view: SeatView,
  command: Pick<SeatActorCommand, 'showId' | 'seatId' | 'userId' | 'correlationId'>,
  context: DecideContext,
  index: number,
  answer: SeatAnswer | undefined,
): BuyerSeatUpdate {
  const mine = view.holder === command.userId;
  const update: BuyerSeatUpdate = {
    type: 'buyer.seatUpdate',
    commandId: eventId(context, index),
    correlationId: command.correlationId,
    replyTo: '',
    showId: command.showId,
    userId: command.userId,
    sentAt: context.logTime,
    seatId: command.seatId,
    version: view.version,
    status: view.status,
    mine,
  };
  if (mine && view.holdId !== undefined) update.holdId = view.holdId;
  if (view.expiresAt !== undefined) update.expiresAt = view.expiresAt;
  if (answer !== undefined) update.answer = answer;
  return update;
}
