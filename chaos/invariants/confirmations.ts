/**
 * The checks on what clients were told `ok` for a confirmation: no seat confirmed to two
 * users or under two holds (1, the clients' side), and every one of them final (2).
 */
import type { Operation } from '../history.ts';
import { type ReplayedSeat, seatKeyOf } from '../replay.ts';
import type { Findings } from './findings.ts';

/** 1, from the clients' side: no seat confirmed `ok` to two users or under two holds. */
export function checkConfirmedAcks(history: readonly Operation[], findings: Findings): void {
  const confirmed = new Map<string, { users: Set<string>; holds: Set<string> }>();
  for (const op of history) {
    if (op.kind !== 'confirm' || op.outcome !== 'ok') continue;
    const key = seatKeyOf(op.showId, op.seatId);
    const entry = confirmed.get(key) ?? { users: new Set(), holds: new Set() };
    entry.users.add(op.userId);
    if (op.holdId !== undefined) entry.holds.add(op.holdId);
    confirmed.set(key, entry);
  }
  for (const [seat, entry] of confirmed) {
    if (entry.users.size > 1 || entry.holds.size > 1) {
      findings.add(
        'noDoubleSale',
        `clients saw it confirmed to ${[...entry.users].join(', ')} under holds ${[...entry.holds].join(', ')}`,
        seat,
      );
    }
  }
}

/** 2: an `ok` confirmation is final: the seat ends reserved, by that user, under that hold. */
export function checkConfirmedKept(
  history: readonly Operation[],
  final: ReadonlyMap<string, ReplayedSeat>,
  findings: Findings,
): void {
  for (const op of history) {
    if (op.kind !== 'confirm' || op.outcome !== 'ok') continue;
    const seat = seatKeyOf(op.showId, op.seatId);
    const state = final.get(seat);
    if (state?.status !== 'reserved' || state.userId !== op.userId || state.holdId !== op.holdId) {
      findings.add(
        'confirmedKept',
        `op ${op.id}: ${op.userId} saw hold ${op.holdId} confirmed; final state ${state?.status ?? 'available'} (${state?.userId ?? '-'}, ${state?.holdId ?? '-'})`,
        seat,
      );
    }
  }
}
