/**
 * Seat state replayed from the `seat-events` log, independently of the worker's code: the
 * state changes of each seat (repeated records dropped by event id) folded in version
 * order. The checker compares it with what clients saw and with the read model.
 */
import type { SeatEvent, SeatStateChange } from '../src/contract/kafka-records.ts';
import type { LoggedEvent } from './records.ts';

export interface ReplayedSeat {
  status: 'available' | 'held' | 'reserved';
  version: number;
  holdId?: string;
  userId?: string;
  expiresAt?: number;
}

export function seatKeyOf(showId: string, seatId: string): string {
  return `${showId}/${seatId}`;
}

/** Distinct events by id, in log order of their first appearance. */
export function distinctEvents(events: readonly LoggedEvent[]): LoggedEvent[] {
  const seen = new Set<string>();
  const distinct: LoggedEvent[] = [];
  for (const logged of events) {
    if (seen.has(logged.event.eventId)) continue;
    seen.add(logged.event.eventId);
    distinct.push(logged);
  }
  return distinct;
}

function isChange(event: SeatEvent): event is SeatStateChange {
  return (
    event.type === 'seat.held' || event.type === 'seat.reserved' || event.type === 'seat.released'
  );
}

/** Per seat key, its distinct state changes sorted by version (ties in log order). */
export function changesBySeat(events: readonly LoggedEvent[]): Map<string, SeatStateChange[]> {
  const bySeat = new Map<string, SeatStateChange[]>();
  for (const { event } of distinctEvents(events)) {
    if (!isChange(event)) continue;
    const key = seatKeyOf(event.showId, event.seatId);
    const list = bySeat.get(key) ?? [];
    list.push(event);
    bySeat.set(key, list);
  }
  for (const list of bySeat.values()) list.sort((a, b) => a.version - b.version);
  return bySeat;
}

/** The state after one change (the same mapping the read model stores). */
export function applyChange(change: SeatStateChange): ReplayedSeat {
  switch (change.type) {
    case 'seat.held':
      return {
        status: 'held',
        version: change.version,
        holdId: change.holdId,
        userId: change.userId,
        expiresAt: change.expiresAt,
      };
    case 'seat.reserved':
      return {
        status: 'reserved',
        version: change.version,
        holdId: change.holdId,
        userId: change.userId,
      };
    case 'seat.released':
      return { status: 'available', version: change.version };
  }
}

/** Final state per seat key (seats never changed are absent: available at version 0). */
export function replayFinalState(
  bySeat: ReadonlyMap<string, readonly SeatStateChange[]>,
): Map<string, ReplayedSeat> {
  const final = new Map<string, ReplayedSeat>();
  for (const [key, changes] of bySeat) {
    const last = changes[changes.length - 1];
    if (last) final.set(key, applyChange(last));
  }
  return final;
}
