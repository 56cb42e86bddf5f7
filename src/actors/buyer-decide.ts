/**
 * `decideBuyer(state, command) → { state, events, commands }`: the buyer actor's rules for a
 * group hold (docs/design.md §9.4, §9.5). Pure and synchronous. A buyer's state changes on
 * commands that produce no event (an answer recorded, a notice applied), so the decision
 * returns the next state itself; replaying the same commands gives the same states.
 *
 * Ids: the events and commands of one decision share one index sequence (events first),
 * `${eventIdBase}-${index}`; an operation's `requestId` is the request's `eventIdBase`.
 */
import type {
  ActorCommand,
  BuyerCommand,
  BuyerDecided,
  BuyerHoldRequest,
  BuyerOutcome,
  BuyerRelease,
  BuyerSeatUpdate,
  TryHold,
} from '../contract/buyer-records.ts';
import {
  BUSY_RETRY_AFTER_MS,
  GROUP_REFUSAL_PRECEDENCE,
  type RejectionReason,
} from '../contract/refusals.ts';
import { isSeatOfShow } from '../contract/seat-layout.ts';
import type { ShowDefinition } from '../contract/shows.ts';
import {
  closeOperation,
  matchesSeats,
  pruneBuyer,
  rememberedOperation,
  replaceOpen,
  withSeatView,
} from './buyer-memory.ts';
import {
  type BuyerLimits,
  type BuyerState,
  heldSeats,
  type OpenOperation,
  type OperationAnswer,
  type Route,
} from './buyer-state.ts';

export interface BuyerContext {
  /** The command's log time: the only "now". */
  readonly logTime: number;
  readonly show: ShowDefinition | undefined;
  /** `${partition}-${offset}` of the command. */
  readonly eventIdBase: string;
  readonly limits: BuyerLimits;
}

/** A buyer's decision: its next state, its replies (`buyer.decided`) and its commands to seats. */
export interface BuyerDecision {
  readonly state: BuyerState;
  readonly events: BuyerDecided[];
  readonly commands: ActorCommand[];
}

export function decideBuyer(
  state: BuyerState,
  command: BuyerCommand,
  context: BuyerContext,
): BuyerDecision {
  const pruned = pruneBuyer(state, context.logTime, context.limits);
  return command.type === 'buyer.holdRequest'
    ? decideGroupHold(pruned, command, context)
    : decideSeatUpdate(pruned, command, context);
}

function decideGroupHold(
  state: BuyerState,
  command: BuyerHoldRequest,
  context: BuyerContext,
): BuyerDecision {
  const route = { replyTo: command.replyTo, correlationId: command.correlationId };
  const open = state.open.find((op) => op.commandId === command.commandId);
  if (open !== undefined) {
    // A commandId names one operation with its seats (docs/design.md §9.4): reused for
    // others, it is refused.
    if (!matchesSeats(open.seatIds, command.seatIds))
      return refuse(state, command, context, 'INVALID_PAYLOAD', []);
    if (open.outcome !== undefined) {
      // Decided, compensations still out: this route gets the decision now.
      return emit(
        state,
        [decidedFor(command, context, open.requestId, open.outcome, route, true)],
        [],
      );
    }
    // A retry of the open request (e.g. after TIMEOUT): the final answer goes to every route.
    // The same route again (a duplicated record) is attached once.
    const known = open.routes.some(
      (r) => r.replyTo === route.replyTo && r.correlationId === route.correlationId,
    );
    if (known) return emit(state, [], []);
    const attached = { ...open, routes: [...open.routes, route] };
    return emit(replaceOpen(state, attached), [], []);
  }
  const closed = rememberedOperation(state, command.commandId, context.logTime, context.limits);
  if (closed !== undefined) {
    if (!matchesSeats(closed.seatIds, command.seatIds))
      return refuse(state, command, context, 'INVALID_PAYLOAD', []);
    return emit(
      state,
      [decidedFor(command, context, closed.requestId, closed.outcome, route, true)],
      [],
    );
  }
  const { show } = context;
  if (show === undefined) return refuse(state, command, context, 'UNKNOWN_SHOW', []);
  const unknown = command.seatIds.filter((seatId) => !isSeatOfShow(show, seatId));
  if (unknown.length > 0) return refuse(state, command, context, 'UNKNOWN_SEAT', unknown);
  const asked = new Set(state.open.flatMap((op) => op.seatIds));
  const overlap = command.seatIds.filter((seatId) => asked.has(seatId));
  if (overlap.length > 0) return refuse(state, command, context, 'BUSY', overlap);
  const cap = show.maxSeatsPerBuyer;
  if (cap !== undefined) {
    const held = new Set(heldSeats(state, context.logTime));
    const added = command.seatIds.filter((seatId) => !held.has(seatId));
    // LIMIT_REACHED against settled holdings alone; over only because of the caller's own
    // open operations: BUSY, it may fit once they settle (§9.5).
    if (held.size + added.length > cap)
      return refuse(state, command, context, 'LIMIT_REACHED', added);
    const pending = added.filter((seatId) => !asked.has(seatId)).length;
    const askedNotHeld = [...asked].filter((seatId) => !held.has(seatId)).length;
    if (held.size + askedNotHeld + pending > cap)
      return refuse(state, command, context, 'BUSY', added);
  }
  const requestId = context.eventIdBase;
  const op: OpenOperation = {
    requestId,
    commandId: command.commandId,
    routes: [route],
    seatIds: command.seatIds,
    requestedAt: context.logTime,
    answers: {},
    compensating: {},
  };
  const tries = command.seatIds.map(
    (seatId, index): TryHold => ({
      type: 'seat.tryHold',
      commandId: `${context.eventIdBase}-${index}`,
      correlationId: command.correlationId,
      replyTo: '',
      showId: command.showId,
      seatId,
      userId: command.userId,
      sentAt: context.logTime,
      requestId,
      requestedAt: context.logTime,
    }),
  );
  return emit({ ...state, open: [...state.open, op] }, [], tries);
}

/**
 * A seat's answer or notice. The view applies only when newer than the one known (§9.5),
 * so a duplicate or late notice never lowers the count below the truth.
 */
function decideSeatUpdate(
  before: BuyerState,
  update: BuyerSeatUpdate,
  context: BuyerContext,
): BuyerDecision {
  const state = withSeatView(before, update, context.logTime);
  const { answer } = update;
  if (answer === undefined) return emit(state, [], []);
  const op = state.open.find((candidate) => candidate.requestId === answer.requestId);
  if (answer.outcome === 'released') {
    if (op === undefined || op.compensating[update.seatId] === undefined)
      return emit(state, [], []);
    const { [update.seatId]: _done, ...compensating } = op.compensating;
    return settle(state, context.limits, { ...op, compensating }, [], []);
  }
  const first = op?.seatIds.includes(update.seatId) ? op.answers[update.seatId] : undefined;
  if (op === undefined || !op.seatIds.includes(update.seatId) || first !== undefined) {
    // Not an answer that counts. A grant of it is a hold nobody waits for (a request closed
    // or forgotten, or a second hold for one already answered): counted, released at once —
    // unless it is a hold the buyer already has (a repeat of a grant it counted, however old
    // its request: releasing it would take a seat the caller was told it holds).
    const known = before.seats[update.seatId];
    const isSameHold =
      (first?.outcome === 'granted' && first.holdId === update.holdId) ||
      (known?.mine === true && known.holdId === update.holdId);
    if (answer.outcome === 'granted' && update.holdId !== undefined && !isSameHold) {
      return emit(state, [], [compensation(update, answer.requestId, update.holdId, context, 0)]);
    }
    return emit(state, [], []);
  }
  const recorded: OperationAnswer = answerOf(update);
  const answered = { ...op, answers: { ...op.answers, [update.seatId]: recorded } };
  if (answered.seatIds.some((seatId) => answered.answers[seatId] === undefined)) {
    return emit(replaceOpen(state, answered), [], []);
  }
  return decideOperation(state, answered, update, context);
}

/** Every seat answered: the decision to every route, and compensations for a refusal. */
function decideOperation(
  state: BuyerState,
  op: OpenOperation,
  update: BuyerSeatUpdate,
  context: BuyerContext,
): BuyerDecision {
  const outcome = outcomeOf(op);
  const events = op.routes.map((route, index) =>
    decidedRecord(update.showId, update.userId, op, outcome, route, context, index, false),
  );
  const commands: BuyerRelease[] = [];
  const compensating: Record<string, string> = {};
  if (!outcome.ok) {
    for (const seatId of op.seatIds) {
      const answer = op.answers[seatId];
      // Only a hold made for this request is undone; an `alreadyHeld` one stays the caller's.
      if (answer?.outcome !== 'granted' || answer.holdId === undefined) continue;
      compensating[seatId] = answer.holdId;
      const target = { ...update, seatId };
      commands.push(
        compensation(target, op.requestId, answer.holdId, context, events.length + commands.length),
      );
    }
  }
  return settle(state, context.limits, { ...op, outcome, compensating }, events, commands);
}

/** Closes an operation once it is decided and nothing it sent is outstanding. */
function settle(
  state: BuyerState,
  limits: BuyerLimits,
  op: OpenOperation,
  events: BuyerDecided[],
  commands: ActorCommand[],
): BuyerDecision {
  if (op.outcome === undefined || Object.keys(op.compensating).length > 0) {
    return emit(replaceOpen(state, op), events, commands);
  }
  return emit(closeOperation(state, op, op.outcome, limits), events, commands);
}

function outcomeOf(op: OpenOperation): BuyerOutcome {
  const refused = op.seatIds.filter((seatId) => op.answers[seatId]?.outcome === 'refused');
  if (refused.length === 0) {
    return {
      ok: true,
      seats: op.seatIds.map((seatId) => {
        const answer = op.answers[seatId] as OperationAnswer;
        return {
          seatId,
          version: answer.version,
          holdId: answer.holdId ?? '',
          expiresAt: answer.expiresAt ?? 0,
        };
      }),
    };
  }
  const reasons = refused.map((seatId) => op.answers[seatId]?.reason ?? 'SEAT_TAKEN');
  const code = firstByPrecedence(reasons);
  return {
    ok: false,
    code,
    seats: refused.filter((_, index) => reasons[index] === code),
  };
}

/** The first of the reasons in `GROUP_REFUSAL_PRECEDENCE`; one not listed comes after. */
export function firstByPrecedence(reasons: readonly RejectionReason[]): RejectionReason {
  const rank = (reason: RejectionReason) => {
    const index = GROUP_REFUSAL_PRECEDENCE.indexOf(reason);
    return index < 0 ? GROUP_REFUSAL_PRECEDENCE.length : index;
  };
  let best = reasons[0] as RejectionReason;
  for (const reason of reasons) if (rank(reason) < rank(best)) best = reason;
  return best;
}

function answerOf(update: BuyerSeatUpdate): OperationAnswer {
  const outcome = update.answer?.outcome;
  // A grant without the buyer's hold in its view cannot count as held (a seat always sends
  // one): it counts as the refusal it then is.
  if (
    (outcome === 'granted' || outcome === 'alreadyHeld') &&
    update.mine &&
    update.holdId !== undefined
  ) {
    const answer = { outcome, version: update.version, holdId: update.holdId };
    return update.expiresAt === undefined ? answer : { ...answer, expiresAt: update.expiresAt };
  }
  return {
    outcome: 'refused',
    version: update.version,
    reason: update.answer?.reason ?? 'SEAT_TAKEN',
  };
}

function compensation(
  update: Pick<BuyerSeatUpdate, 'showId' | 'seatId' | 'userId' | 'correlationId'>,
  requestId: string,
  holdId: string,
  context: BuyerContext,
  index: number,
): BuyerRelease {
  return {
    type: 'seat.buyerRelease',
    commandId: `${context.eventIdBase}-${index}`,
    correlationId: update.correlationId,
    replyTo: '',
    showId: update.showId,
    seatId: update.seatId,
    userId: update.userId,
    sentAt: context.logTime,
    holdId,
    requestId,
  };
}

/**
 * A refusal decided by the buyer itself: nothing sent, nothing remembered (a retry is
 * decided afresh: BUSY and LIMIT_REACHED are answers to retry on).
 */
function refuse(
  state: BuyerState,
  command: BuyerHoldRequest,
  context: BuyerContext,
  code: RejectionReason,
  seats: string[],
): BuyerDecision {
  const outcome: BuyerOutcome =
    code === 'BUSY'
      ? { ok: false, code, seats, retryAfterMs: BUSY_RETRY_AFTER_MS }
      : { ok: false, code, seats };
  const route = { replyTo: command.replyTo, correlationId: command.correlationId };
  return emit(
    state,
    [decidedFor(command, context, context.eventIdBase, outcome, route, false)],
    [],
  );
}

function decidedFor(
  command: BuyerHoldRequest,
  context: BuyerContext,
  requestId: string,
  outcome: BuyerOutcome,
  route: Route,
  repeated: boolean,
): BuyerDecided {
  const op = { requestId, commandId: command.commandId };
  return decidedRecord(command.showId, command.userId, op, outcome, route, context, 0, repeated);
}

function decidedRecord(
  showId: string,
  userId: string,
  op: Pick<OpenOperation, 'requestId' | 'commandId'>,
  outcome: BuyerOutcome,
  route: Route,
  context: BuyerContext,
  index: number,
  repeated: boolean,
): BuyerDecided {
  const record: BuyerDecided = {
    type: 'buyer.decided',
    eventId: `${context.eventIdBase}-${index}`,
    showId,
    userId,
    operation: 'hold',
    requestId: op.requestId,
    commandId: op.commandId,
    correlationId: route.correlationId,
    replyTo: route.replyTo,
    occurredAt: context.logTime,
    outcome,
  };
  if (repeated) record.repeated = true;
  return record;
}

function emit(state: BuyerState, events: BuyerDecided[], commands: ActorCommand[]): BuyerDecision {
  return { state, events, commands };
}
