/**
 * What the seat-map page says, and how it names a seat: the words for every refusal code,
 * the polite live region that speaks them, and a seat's name as a screen reader reads it.
 */
import type {
  HandshakeErrorData,
  HoldfastSessionExpiredError,
  MySeat,
  PublicErrorCode,
  SeatView,
} from '../client/index.ts';

/** Words for every code the page can meet: a new code fails the type check until it has some. */
export const ERROR_WORDS: Readonly<Record<string, string>> = {
  SEAT_TAKEN: 'Someone else has that seat.',
  NOT_HOLDER: 'That hold is not yours.',
  HOLD_EXPIRED: 'Your hold expired before that reached us.',
  UNKNOWN_SHOW: 'This show does not exist.',
  UNKNOWN_SEAT: 'That seat does not exist.',
  INVALID_PAYLOAD: 'The page sent something the service could not read.',
  RATE_LIMITED: 'Too many clicks at once — wait a moment and try again.',
  TIMEOUT: 'No answer in time. The map re-syncs; try again.',
  UNAVAILABLE: 'The service is catching up. Try again in a few seconds.',
  CANCELLED: 'The box office cancelled that hold or reservation.',
  UNAUTHENTICATED: 'Your token was refused (missing, expired or signed with another secret).',
  SESSION_EXPIRED: 'Your session expired. Open the page again with a fresh token.',
} satisfies Record<
  PublicErrorCode | HandshakeErrorData['code'] | HoldfastSessionExpiredError['code'],
  string
>;

export const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/**
 * Says something in `#message`, a polite live region: a screen reader speaks it once the
 * user is idle. The same words twice in a row (two refused clicks) are cleared first and set
 * again a moment later: a region whose text does not change is not spoken again.
 */
let spoken = 0;
export function say(text: string, kind: 'ok' | 'error' = 'error'): void {
  const message = $('message');
  const turn = ++spoken;
  message.dataset.kind = kind;
  if (message.textContent !== text) {
    message.textContent = text;
    return;
  }
  message.textContent = '';
  window.setTimeout(() => {
    if (turn === spoken) message.textContent = text;
  }, 100);
}

export function refusal(error: { code: string; message: string }): void {
  say(ERROR_WORDS[error.code] ?? `${error.code}: ${error.message}`);
}

export function rowOf(seatId: string): string {
  return /^[A-Z]+/.exec(seatId)?.[0] ?? '';
}

export function numberOf(seatId: string): number {
  return Number(/[0-9]+$/.exec(seatId)?.[0] ?? 0);
}

/** `B12` as people say it. */
export function seatName(seatId: string): string {
  return `Row ${rowOf(seatId)}, seat ${numberOf(seatId)}`;
}

export function timeLeft(expiresAt: number): string {
  const left = Math.max(0, Math.round((expiresAt - Date.now()) / 1000));
  return `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
}

/** What a seat is, in words: its accessible name says it, and the readout under the map. */
export function seatWords(seat: SeatView, mine: MySeat | undefined): string {
  if (!mine) return `${seatName(seat.seatId)}, ${seat.status}`;
  if (seat.status === 'held' && mine.expiresAt !== undefined) {
    return `${seatName(seat.seatId)}, held by you, ${timeLeft(mine.expiresAt)} left`;
  }
  return `${seatName(seat.seatId)}, ${seat.status} by you`;
}
