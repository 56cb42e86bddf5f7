/**
 * The codes a client can be refused with, each listed once. A refusal is an answer, not a
 * fault: `{ ok: false, error: { code, message } }` in an ack.
 */
import { z } from 'zod';

/**
 * Business refusals: the seat's actor decided "no". Carried by `seat.rejected` and answered
 * with these messages. The gateway also answers `UNKNOWN_SHOW` / `UNKNOWN_SEAT` itself,
 * before producing, for a well-formed id that names nothing, and `INVALID_PAYLOAD` for a
 * message it cannot read; the actor answers `INVALID_PAYLOAD` for a `commandId` the user
 * already used on the seat for another kind of command, and `CANCELLED` for a hold or
 * reservation an operator cancelled (`holdfast seats cancel`). The buyer codes
 * (docs/design.md §9): `LIMIT_REACHED` (the show's per-buyer cap), `EXTENSION_LIMIT` (no
 * extension left for a hold), `REQUEST_EXPIRED` (a request that reached a seat a hold TTL or
 * more after it was made), `BUSY` (the request overlaps the caller's own unfinished
 * operation, or the seat is being confirmed: retry after `retryAfterMs`).
 */
export const REJECTION_REASONS = [
  'SEAT_TAKEN',
  'NOT_HOLDER',
  'HOLD_EXPIRED',
  'UNKNOWN_SHOW',
  'UNKNOWN_SEAT',
  'INVALID_PAYLOAD',
  'CANCELLED',
  'LIMIT_REACHED',
  'EXTENSION_LIMIT',
  'REQUEST_EXPIRED',
  'BUSY',
] as const;
export const RejectionReasonSchema = z.enum(REJECTION_REASONS);

/**
 * The rejections that are the service saying no to a well-formed request (a benchmark counts
 * them apart from errors); `INVALID_PAYLOAD` is the caller's mistake.
 */
export const BUSINESS_REFUSALS: readonly RejectionReason[] = REJECTION_REASONS.filter(
  (reason) => reason !== 'INVALID_PAYLOAD',
);
export type RejectionReason = z.infer<typeof RejectionReasonSchema>;

const REJECTION_MESSAGES: Readonly<Record<RejectionReason, string>> = {
  SEAT_TAKEN: 'the seat is held or reserved by someone else',
  NOT_HOLDER: 'that hold is not yours or not current',
  HOLD_EXPIRED: 'the hold expired',
  UNKNOWN_SHOW: 'no such show',
  UNKNOWN_SEAT: 'no such seat in this show',
  INVALID_PAYLOAD: 'that commandId was already used for another operation on this seat',
  CANCELLED: 'the hold or reservation was cancelled by an operator',
  LIMIT_REACHED: 'you hold as many seats of this show as one buyer may',
  EXTENSION_LIMIT: 'that hold has no extension left',
  REQUEST_EXPIRED: 'the request reached the seat a hold TTL or more after it was made',
  BUSY: 'the request overlaps an operation of yours still in progress; retry shortly',
};

/**
 * When the seats of a group operation refuse for different reasons, the operation's code is
 * the first of these the seats gave, and its `seats` are the seats with that code
 * (docs/design.md §9.4). A code not listed (none is expected from a seat) comes after them.
 */
export const GROUP_REFUSAL_PRECEDENCE: readonly RejectionReason[] = [
  'UNKNOWN_SEAT',
  'LIMIT_REACHED',
  'HOLD_EXPIRED',
  'NOT_HOLDER',
  'CANCELLED',
  'SEAT_TAKEN',
  'REQUEST_EXPIRED',
];

/**
 * How long a `BUSY` refusal asks the caller to wait: about the time a group operation's
 * round trip through the log takes, so a retry usually finds it settled.
 */
export const BUSY_RETRY_AFTER_MS = 250;

/**
 * What only a gateway answers, each message saying why at the place it happens: the message
 * could not be read, came too fast, got no decision in time (outcome unknown: resync and
 * retry with the same commandId), or the service could not take it right now; and a token
 * sent with `auth:refresh` that is refused (the socket keeps its current session).
 */
const GATEWAY_REFUSAL_CODES = [
  'RATE_LIMITED',
  'TIMEOUT',
  'UNAVAILABLE',
  'UNAUTHENTICATED',
] as const;

/** Every code an ack's refusal can carry. */
export const PUBLIC_ERROR_CODES = [...REJECTION_REASONS, ...GATEWAY_REFUSAL_CODES] as const;
export type PublicErrorCode = (typeof PUBLIC_ERROR_CODES)[number];

export const RefusalSchema = z.object({
  ok: z.literal(false),
  error: z.object({
    code: z.enum(PUBLIC_ERROR_CODES),
    message: z.string(),
    /** With `RATE_LIMITED`: how long to wait before the next message is served. */
    retryAfterMs: z.number().int().nonnegative().optional(),
  }),
});
export type Refusal = z.infer<typeof RefusalSchema>;

/** The ack of a business refusal. */
export function rejection(reason: RejectionReason): Refusal {
  return { ok: false, error: { code: reason, message: REJECTION_MESSAGES[reason] } };
}
