/** Builders for the buyer tests: a capped show, buyer commands, and a pure seat runner for them. */
import type { Decided } from '../../../src/actors/decide.ts';
import { evolve } from '../../../src/actors/evolve.ts';
import { decideSeatCommand } from '../../../src/actors/seat-buyer-rules.ts';
import {
  DEFAULT_SEAT_MEMORY_LIMITS,
  INITIAL_SEAT_STATE,
  type SeatMemoryLimits,
  type SeatState,
} from '../../../src/actors/seat-state.ts';
import type {
  ActorCommand,
  BuyerHoldRequest,
  BuyerRelease,
  BuyerSeatUpdate,
  SeatActorCommand,
  TryHold,
} from '../../../src/contract/buyer-records.ts';
import type { ShowDefinition } from '../../../src/contract/shows.ts';
import { SHOW, T0 } from './fixtures.ts';

export const CAP = 3;
export const CAPPED: ShowDefinition = Object.freeze({ ...SHOW, maxSeatsPerBuyer: CAP });

let sequence = 0;
function nextId(prefix: string): string {
  sequence += 1;
  return `${prefix}-${sequence}`;
}

export function groupHold(options: {
  userId: string;
  seatIds: string[];
  commandId?: string;
  correlationId?: string;
  replyTo?: string;
  show?: ShowDefinition;
}): BuyerHoldRequest {
  return {
    type: 'buyer.holdRequest',
    commandId: options.commandId ?? nextId('gcmd'),
    correlationId: options.correlationId ?? nextId('gcorr'),
    replyTo: options.replyTo ?? 'gateway-1',
    showId: (options.show ?? SHOW).showId,
    userId: options.userId,
    sentAt: 0,
    seatIds: options.seatIds,
  };
}

export function tryHold(options: {
  userId: string;
  seatId?: string;
  requestId?: string;
  requestedAt?: number;
  commandId?: string;
}): TryHold {
  return {
    type: 'seat.tryHold',
    commandId: options.commandId ?? nextId('try'),
    correlationId: 'corr-try',
    replyTo: '',
    showId: SHOW.showId,
    seatId: options.seatId ?? 'A1',
    userId: options.userId,
    sentAt: 0,
    requestId: options.requestId ?? 'req-1',
    requestedAt: options.requestedAt ?? T0,
  };
}

export function buyerRelease(options: {
  userId: string;
  holdId: string;
  seatId?: string;
  requestId?: string;
}): BuyerRelease {
  return {
    type: 'seat.buyerRelease',
    commandId: nextId('rel'),
    correlationId: 'corr-rel',
    replyTo: '',
    showId: SHOW.showId,
    seatId: options.seatId ?? 'A1',
    userId: options.userId,
    sentAt: 0,
    holdId: options.holdId,
    requestId: options.requestId ?? 'req-1',
  };
}

/** The commands of a decision that are seat updates, narrowed. */
export function updatesOf(commands: readonly ActorCommand[]): BuyerSeatUpdate[] {
  return commands.filter(
    (command): command is BuyerSeatUpdate => command.type === 'buyer.seatUpdate',
  );
}

/** One seat driven through `decideSeatCommand` / `evolve`, at offsets 0, 1, 2, … of partition 0. */
export class BuyerSeatRunner {
  state: SeatState = INITIAL_SEAT_STATE;
  private offset = 0;
  private readonly limits: SeatMemoryLimits;

  private readonly show: ShowDefinition | undefined;

  /** `show: null` runs the seat as one of a show the worker does not know. */
  constructor(
    show: ShowDefinition | null = SHOW,
    limits: SeatMemoryLimits = DEFAULT_SEAT_MEMORY_LIMITS,
  ) {
    this.show = show ?? undefined;
    this.limits = limits;
  }

  run(command: SeatActorCommand, logTime: number): Decided {
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
}
