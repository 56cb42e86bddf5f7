/**
 * Whether a seat id names a seat of a show's layout: `showHasSeat` of the wire contract,
 * without a regular expression or substrings, because it runs for every command.
 */
import type { ShowDefinition } from './messages.ts';

const A = 65;
const Z = 90;
const ZERO = 48;
const NINE = 57;

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
