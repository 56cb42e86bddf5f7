/**
 * A small, consistent chaos run to plant violations in: one show of three seats, the
 * commands and events a worker would log for them (every event logged twice, as after a
 * replay), the history the clients saw and the read model the gateways wrote.
 */
import type { Operation } from '../../../chaos/history.ts';
import type {
  CheckInput,
  LoggedCommand,
  LoggedEvent,
  ShowReadModel,
} from '../../../chaos/records.ts';
import type { SeatCommand, SeatEvent } from '../../../src/contract/kafka-records.ts';
import type { ShowDefinition } from '../../../src/contract/shows.ts';
import type { StoredSeat } from '../../../src/state/read-model.ts';

export const SHOW: ShowDefinition = {
  showId: 'gala',
  rows: 1,
  seatsPerRow: 3,
  holdTtlMs: 3000,
  createdAt: 0,
};

type Plain = {
  type: SeatCommand['type'];
  userId: string;
  seatId: string;
  commandId: string;
  holdId?: string;
};

export function command(partition: number, offset: number, at: number, c: Plain): LoggedCommand {
  const base = {
    commandId: c.commandId,
    correlationId: `corr-${partition}-${offset}`,
    replyTo: c.type === 'seat.holdExpiry' ? '' : 'gw-1',
    showId: SHOW.showId,
    seatId: c.seatId,
    userId: c.userId,
    sentAt: at,
  };
  const cmd: SeatCommand =
    c.type === 'seat.holdRequest'
      ? { ...base, type: c.type }
      : c.type === 'seat.holdExpiry'
        ? { ...base, type: c.type, holdId: c.holdId ?? '', expiresAt: at }
        : c.type === 'seat.cancelRequest'
          ? { ...base, type: c.type, reason: 'test' }
          : { ...base, type: c.type, holdId: c.holdId ?? '' };
  return { partition, offset: String(offset), timestamp: at, command: cmd };
}

/** An event caused by `cause`, the `index`-th of its decision. */
export function event(
  cause: LoggedCommand,
  index: number,
  fields: Record<string, unknown>,
): SeatEvent {
  const c = cause.command;
  return {
    eventId: `${cause.partition}-${cause.offset}-${index}`,
    showId: c.showId,
    seatId: c.seatId,
    userId: c.userId,
    causationId: c.commandId,
    commandId: c.commandId,
    correlationId: c.correlationId,
    replyTo: c.replyTo,
    occurredAt: cause.timestamp,
    ...fields,
  } as SeatEvent;
}

export function logged(e: SeatEvent, partition: number, offset: number): LoggedEvent {
  return { partition, offset: String(offset), timestamp: e.occurredAt, event: e };
}

let opId = 0;
export function op(
  fields: Partial<Operation> &
    Pick<Operation, 'userId' | 'kind' | 'seatId' | 'commandId' | 'outcome'>,
): Operation {
  return {
    id: opId++,
    gateway: 'gw-1',
    showId: SHOW.showId,
    attempt: 1,
    invokedAt: 0,
    completedAt: 1,
    ...fields,
  };
}

export interface Scenario {
  commands: LoggedCommand[];
  events: SeatEvent[];
  history: Operation[];
  seats: Map<string, StoredSeat>;
  counts: { held: number; reserved: number };
}

export function cleanScenario(): Scenario {
  const c1 = command(0, 0, 1000, {
    type: 'seat.holdRequest',
    userId: 'alice',
    seatId: 'A1',
    commandId: 'c1',
  });
  const c2 = command(0, 1, 1500, {
    type: 'seat.holdRequest',
    userId: 'bob',
    seatId: 'A1',
    commandId: 'c2',
  });
  const c3 = command(0, 2, 2000, {
    type: 'seat.confirmationRequest',
    userId: 'alice',
    seatId: 'A1',
    commandId: 'c3',
    holdId: '0-0-0',
  });
  const c3again = command(0, 3, 2100, {
    type: 'seat.confirmationRequest',
    userId: 'alice',
    seatId: 'A1',
    commandId: 'c3',
    holdId: '0-0-0',
  });
  const c4 = command(1, 0, 1000, {
    type: 'seat.holdRequest',
    userId: 'bob',
    seatId: 'A2',
    commandId: 'c4',
  });
  const expiry = command(1, 1, 4000, {
    type: 'seat.holdExpiry',
    userId: 'bob',
    seatId: 'A2',
    commandId: 'exp-1-0-0',
    holdId: '1-0-0',
  });
  const c5 = command(1, 2, 5000, {
    type: 'seat.holdRequest',
    userId: 'carol',
    seatId: 'A2',
    commandId: 'c5',
  });
  const c6 = command(1, 3, 6000, {
    type: 'seat.releaseRequest',
    userId: 'carol',
    seatId: 'A2',
    commandId: 'c6',
    holdId: '1-2-0',
  });
  const events = [
    event(c1, 0, { type: 'seat.held', version: 1, holdId: '0-0-0', expiresAt: 4000 }),
    event(c2, 0, { type: 'seat.rejected', version: 1, reason: 'SEAT_TAKEN' }),
    event(c3, 0, { type: 'seat.reserved', version: 2, holdId: '0-0-0' }),
    event(c3again, 0, {
      type: 'seat.decisionRepeated',
      version: 2,
      decision: { outcome: 'reserved', eventId: '0-2-0', version: 2, holdId: '0-0-0' },
    }),
    event(c4, 0, { type: 'seat.held', version: 1, holdId: '1-0-0', expiresAt: 4000 }),
    event(expiry, 0, { type: 'seat.released', version: 2, holdId: '1-0-0', cause: 'expired' }),
    event(c5, 0, { type: 'seat.held', version: 3, holdId: '1-2-0', expiresAt: 8000 }),
    event(c6, 0, { type: 'seat.released', version: 4, holdId: '1-2-0', cause: 'released' }),
  ];
  const history = [
    op({
      userId: 'alice',
      kind: 'hold',
      seatId: 'A1',
      commandId: 'c1',
      outcome: 'ok',
      holdId: '0-0-0',
    }),
    op({
      userId: 'bob',
      kind: 'hold',
      seatId: 'A1',
      commandId: 'c2',
      outcome: 'fail',
      code: 'SEAT_TAKEN',
    }),
    op({
      userId: 'alice',
      kind: 'confirm',
      seatId: 'A1',
      commandId: 'c3',
      outcome: 'unknown',
      code: 'TIMEOUT',
      holdId: '0-0-0',
    }),
    op({
      userId: 'alice',
      kind: 'confirm',
      seatId: 'A1',
      commandId: 'c3',
      outcome: 'ok',
      holdId: '0-0-0',
      attempt: 2,
    }),
    op({
      userId: 'bob',
      kind: 'hold',
      seatId: 'A2',
      commandId: 'c4',
      outcome: 'ok',
      holdId: '1-0-0',
    }),
    op({
      userId: 'carol',
      kind: 'hold',
      seatId: 'A2',
      commandId: 'c5',
      outcome: 'ok',
      holdId: '1-2-0',
    }),
    op({
      userId: 'carol',
      kind: 'release',
      seatId: 'A2',
      commandId: 'c6',
      outcome: 'ok',
      holdId: '1-2-0',
    }),
    op({
      userId: 'dave',
      kind: 'hold',
      seatId: 'A3',
      commandId: 'c7',
      outcome: 'unknown',
      code: 'TIMEOUT',
    }),
  ];
  const seats = new Map<string, StoredSeat>([
    ['A1', { status: 'reserved', version: 2, holdId: '0-0-0', userId: 'alice' }],
    ['A2', { status: 'available', version: 4 }],
  ]);
  return {
    commands: [c1, c2, c3, c3again, c4, expiry, c5, c6],
    events,
    history,
    seats,
    counts: { held: 0, reserved: 1 },
  };
}

/** The checker's input for a scenario: every event logged twice (a replay). */
export function inputOf(s: Scenario): CheckInput {
  const once = s.events.map((e, i) => logged(e, Number(e.eventId.split('-')[0]), i));
  const model: ShowReadModel = { seats: s.seats, counts: s.counts };
  return {
    shows: [SHOW],
    history: s.history,
    commands: s.commands,
    events: [...once, ...once],
    readModel: new Map([[SHOW.showId, model]]),
    holdEndBoundMs: 5000,
    judgedUntil: 60_000,
  };
}
