/** Shared builders for the actors unit tests: a show, commands, and a pure seat runner. */
import type { Decided } from '../../../src/actors/decide.ts';
import type { DecisionQueue } from '../../../src/actors/decision-queue.ts';
import { evolve } from '../../../src/actors/evolve.ts';
import { decideSeatCommand } from '../../../src/actors/seat-buyer-rules.ts';
import {
  DEFAULT_SEAT_MEMORY_LIMITS,
  INITIAL_SEAT_STATE,
  type RememberedDecision,
  type SeatMemoryLimits,
  type SeatState,
} from '../../../src/actors/seat-state.ts';
import type {
  CancelRequest,
  ConfirmationRequest,
  HoldExpiry,
  HoldRequest,
  ReleaseRequest,
  SeatEvent,
} from '../../../src/contract/kafka-records.ts';
import type { ShowDefinition } from '../../../src/contract/shows.ts';

export const TTL_MS = 10_000;
export const T0 = 1_700_000_000_000;

export const SHOW: ShowDefinition = Object.freeze({
  showId: 'show-1',
  rows: 3,
  seatsPerRow: 4,
  holdTtlMs: TTL_MS,
  createdAt: 0,
});

let sequence = 0;
function nextId(prefix: string): string {
  sequence += 1;
  return `${prefix}-${sequence}`;
}

interface CommandOptions {
  userId: string;
  seatId?: string;
  commandId?: string;
  correlationId?: string;
  replyTo?: string;
}

function base(options: CommandOptions) {
  return {
    commandId: options.commandId ?? nextId('cmd'),
    correlationId: options.correlationId ?? nextId('corr'),
    replyTo: options.replyTo ?? 'gateway-1',
    showId: SHOW.showId,
    seatId: options.seatId ?? 'A1',
    userId: options.userId,
    sentAt: 0,
  };
}

export function holdRequest(options: CommandOptions): HoldRequest {
  return { ...base(options), type: 'seat.holdRequest' };
}

export function confirmation(options: CommandOptions & { holdId: string }): ConfirmationRequest {
  return { ...base(options), type: 'seat.confirmationRequest', holdId: options.holdId };
}

export function release(options: CommandOptions & { holdId: string }): ReleaseRequest {
  return { ...base(options), type: 'seat.releaseRequest', holdId: options.holdId };
}

/** An operator's cancellation: no gateway waits on it. */
export function cancel(options: CommandOptions & { reason?: string }): CancelRequest {
  return {
    ...base(options),
    replyTo: '',
    type: 'seat.cancelRequest',
    reason: options.reason ?? 'refunded at the box office',
  };
}

export function expiry(hold: {
  holdId: string;
  userId: string;
  expiresAt: number;
  seatId?: string;
}): HoldExpiry {
  const id = `exp-${hold.holdId}`;
  return {
    type: 'seat.holdExpiry',
    commandId: id,
    correlationId: id,
    replyTo: '',
    showId: SHOW.showId,
    seatId: hold.seatId ?? 'A1',
    userId: hold.userId,
    holdId: hold.holdId,
    expiresAt: hold.expiresAt,
    sentAt: 0,
  };
}

/**
 * One seat driven through the seat's pure decision (`decideSeatCommand`: every rule, a
 * buyer's commands included) and `evolve`, at offsets 0, 1, 2, … of partition 0.
 */
export class SeatRunner {
  state: SeatState = INITIAL_SEAT_STATE;
  private offset = 0;

  private readonly show: ShowDefinition | undefined;
  private readonly limits: SeatMemoryLimits;

  /** `show: undefined` runs the seat as one of a show the worker does not know. */
  constructor(options: { show?: ShowDefinition | undefined; limits?: SeatMemoryLimits } = {}) {
    this.show = 'show' in options ? options.show : SHOW;
    this.limits = options.limits ?? DEFAULT_SEAT_MEMORY_LIMITS;
  }

  /** Decides and applies one command at `logTime`. */
  run(command: Parameters<typeof decideSeatCommand>[1], logTime: number): Decided {
    const decided = decideSeatCommand(this.state, command, {
      logTime,
      show: this.show,
      eventIdBase: `0-${this.offset}`,
      limits: this.limits,
    });
    this.offset += 1;
    for (const event of decided.events) {
      this.state = evolve(this.state, event, this.limits, command.type);
    }
    return decided;
  }

  /** The single event of a command that must produce exactly one. */
  one(command: Parameters<typeof decideSeatCommand>[1], logTime: number): SeatEvent {
    const { events } = this.run(command, logTime);
    if (events.length !== 1 || events[0] === undefined) {
      throw new Error(`expected one event, got ${events.length}`);
    }
    return events[0];
  }
}

/** Narrows an event to one type or fails the test with what it was. */
export function as<T extends SeatEvent['type']>(
  event: SeatEvent | undefined,
  type: T,
): Extract<SeatEvent, { type: T }> {
  if (event?.type !== type) throw new Error(`expected ${type}, got ${JSON.stringify(event)}`);
  return event as Extract<SeatEvent, { type: T }>;
}

/** A queue's entries, oldest first. */
export function entriesOf(queue: DecisionQueue): RememberedDecision[] {
  return Array.from({ length: queue.length }, (_, i) => queue.at(i));
}

/**
 * A seat with its memory as plain lists: what it remembers, not how the queues share their
 * stores. Compare seats through this.
 */
export function plainSeat(state: SeatState) {
  const { endedHolds, decisions, refusals } = state.memory;
  return {
    ...state,
    memory: { endedHolds, decisions: entriesOf(decisions), refusals: entriesOf(refusals) },
  };
}
