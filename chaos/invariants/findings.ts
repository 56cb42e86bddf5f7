/** The invariants a chaos run is judged on, and the tally every check adds its violations to. */

export const INVARIANTS = [
  'noDoubleSale',
  'confirmedKept',
  'versions',
  'holdsEnd',
  'oneDecision',
  'readModel',
  'sameIdSameEvent',
] as const;
export type Invariant = (typeof INVARIANTS)[number];

export interface Violation {
  readonly invariant: Invariant;
  /** `showId/seatId` where it applies. */
  readonly seat?: string;
  readonly detail: string;
}

/** At most this many violations are listed per invariant (all are counted). */
const LISTED_PER_INVARIANT = 50;

export class Findings {
  readonly list: Violation[] = [];
  readonly counts = Object.fromEntries(INVARIANTS.map((name) => [name, 0])) as Record<
    Invariant,
    number
  >;

  add(invariant: Invariant, detail: string, seat?: string): void {
    this.counts[invariant]++;
    if (this.counts[invariant] <= LISTED_PER_INVARIANT) {
      this.list.push(seat === undefined ? { invariant, detail } : { invariant, seat, detail });
    }
  }
}
