/**
 * The client's versioned copy of a show's seats: a change is applied only if its version
 * is newer than the one held (docs/design.md §3.9), so late or repeated broadcasts and a join that
 * raced a change never move a seat back.
 */
import type { SeatView, ShowStats } from '../contract/seat-views.ts';

export class LocalSeatMap {
  readonly #seats = new Map<string, SeatView>();
  #versionSum = 0;
  stats: ShowStats | undefined;

  /** The sum of the versions held: compared with the show's `versionSum` to notice a miss. */
  get versionSum(): number {
    return this.#versionSum;
  }

  /** Applies a seat if it is newer than the one held; true if it was. */
  apply(seat: SeatView): boolean {
    const current = this.#seats.get(seat.seatId);
    if (current && current.version >= seat.version) return false;
    const copy: SeatView = {
      showId: seat.showId,
      seatId: seat.seatId,
      status: seat.status,
      version: seat.version,
    };
    if (seat.expiresAt !== undefined) copy.expiresAt = seat.expiresAt;
    this.#seats.set(seat.seatId, copy);
    this.#versionSum += seat.version - (current?.version ?? 0);
    return true;
  }

  get(seatId: string): SeatView | undefined {
    return this.#seats.get(seatId);
  }

  all(): SeatView[] {
    return [...this.#seats.values()];
  }
}
