import {
  DEFAULT_SEAT_MEMORY_LIMITS,
  type SeatMemoryLimits,
} from '../../../src/actors/seat-state.ts';
import type {
  ActorCommand,
  BuyerHoldRequest,
  BuyerRelease,
  BuyerSeatUpdate,
  TryHold,
} from '../../../src/contract/buyer-records.ts';
import type { ShowDefinition } from '../../../src/contract/shows.ts';
import { SeatRunner, SHOW, T0 } from './fixtures.ts';

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

/** A `SeatRunner` made the way the buyer tests make it: `show: null` for a show nobody knows. */
export class BuyerSeatRunner extends SeatRunner {
  constructor(
    show: ShowDefinition | null = SHOW,
    limits: SeatMemoryLimits = DEFAULT_SEAT_MEMORY_LIMITS,
  ) {
    super({ show: show ?? undefined, limits });
  }
}
