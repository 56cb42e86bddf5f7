/**
 * The ids every record and message carries, and the Kafka key they make: one pattern each,
 * shared by the Kafka records, the Socket.IO payloads and the generated AsyncAPI document.
 */
import { z } from 'zod';

/** `showId`, `commandId`, `holdId`: 1–64 characters of `[A-Za-z0-9_-]`. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** A row label (`A`…`Z`, `AA`, …) then a seat number from 1: `A1`, `B12`, `AA3`. */
export const SEAT_ID_PATTERN = /^[A-Z]{1,3}[1-9][0-9]{0,3}$/;

export const ShowIdSchema = z.string().regex(ID_PATTERN);
export const SeatIdSchema = z.string().regex(SEAT_ID_PATTERN);
export const CommandIdSchema = z.string().regex(ID_PATTERN);
export const HoldIdSchema = z.string().regex(ID_PATTERN);
/** The authenticated subject of a socket (JWT `sub`), never a field a client sends. */
export const UserIdSchema = z.string().min(1).max(128);
/**
 * A gateway instance id, or `''` when no gateway waits: the worker's own expiries, and an
 * operator's cancellation (its command reads the decision off the log itself).
 */
export const ReplyToSchema = z.string().max(128);
export const CorrelationIdSchema = z.string().min(1).max(128);
/** `partition-offset-index` of the command that caused an event: replay gives the same id. */
export const EventIdSchema = z.string().min(1).max(128);
/** A seat's version: how many state changes it has seen. */
export const VersionSchema = z.number().int().nonnegative();
export const EpochMsSchema = z.number().int().nonnegative();
/**
 * Why an operator cancelled a hold or reservation, told to its owner: 1–200 characters,
 * no control characters (it is printed and shown as given).
 */
export const CancelReasonSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(
    /^[^\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]+$/u,
    'must not contain control characters',
  );

/** The `userId` of an operator's commands: never a socket's (a token's `sub` cannot name it, see the gateway's session). */
export function operatorUserId(operator: string): string {
  return `operator:${operator}`;
}

/** The Kafka key of every command and event of a seat: all of them share one partition. */
export function seatKey(showId: string, seatId: string): string {
  return `${showId}/${seatId}`;
}

/**
 * The Kafka key of a show's buyer actor (docs/design.md §9.1): `showId/~userId`. A key splits
 * at its first `/`; a seat id never starts with `~`, so a buyer key never collides with a
 * seat key, whatever the user id contains.
 */
export function buyerKey(showId: string, userId: string): string {
  return `${showId}/~${userId}`;
}

/** Whether a key of `seat-commands` / `seat-events` is a buyer's (else it is a seat's). */
export function isBuyerKey(key: string): boolean {
  const slash = key.indexOf('/');
  return slash >= 0 && key.charCodeAt(slash + 1) === 0x7e; // '~'
}

/** A buyer operation's id: `partition-offset` of the client request that opened it. */
export const RequestIdSchema = z.string().regex(ID_PATTERN);
