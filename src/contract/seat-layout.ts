/**
 * A show's seats: rows labelled `A`…`Z`, `AA`…`ZZ`, seats numbered from 1 in each row.
 * The gateway (before producing) and the seat actors (before deciding) ask the same
 * question of the same function.
 */
import type { ShowDefinition } from './shows.ts';

const A = 65;
const Z = 90;
const ZERO = 48;
const NINE = 57;

/** Row label of a 0-based row index: 0 → `A`, 25 → `Z`, 26 → `AA`. */
function rowLabel(index: number): string {
  let label = '';
  let n = index + 1;
  while (n > 0) {
    const rem = (n - 1) % 26;
    label = String.fromCharCode(A + rem) + label;
    n = Math.floor((n - 1) / 26);
  }
  return label;
}

/**
 * Whether a well-formed seat id (`SEAT_ID_PATTERN`) names a seat of the show's layout. No
 * regular expression or substrings: it runs for every command, in the gateway and the actor.
 */
export function isSeatOfShow(show: ShowDefinition, seatId: string): boolean {
  let row = 0;
  let i = 0;
  for (; i < seatId.length; i++) {
    const code = seatId.charCodeAt(i);
    if (code < A || code > Z) break;
    row = row * 26 + (code - A + 1);
  }
  if (i === 0 || i === seatId.length) return false;
  let seat = 0;
  for (; i < seatId.length; i++) {
    const code = seatId.charCodeAt(i);
    if (code < ZERO || code > NINE) return false;
    seat = seat * 10 + (code - ZERO);
  }
  return row <= show.rows && seat >= 1 && seat <= show.seatsPerRow;
}

/** Every seat id of a show, row by row. */
export function seatIdsOf(show: ShowDefinition): string[] {
  const ids: string[] = [];
  for (let r = 0; r < show.rows; r++) {
    const label = rowLabel(r);
    for (let s = 1; s <= show.seatsPerRow; s++) ids.push(`${label}${s}`);
  }
  return ids;
}
