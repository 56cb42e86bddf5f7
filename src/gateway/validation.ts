/**
 * Payload checks, pure: shape first (anything malformed is `INVALID_PAYLOAD`), then
 * existence against the known shows (a well-formed id that names nothing is
 * `UNKNOWN_SHOW` / `UNKNOWN_SEAT`). Business rules are the worker's, never checked here.
 */
import type { z } from 'zod';
import type { PublicErrorCode } from '../contract/refusals.ts';
import { isSeatOfShow } from '../contract/seat-layout.ts';
import type { ShowDefinition } from '../contract/shows.ts';
import {
  CLIENT_PAYLOAD_SCHEMAS,
  type PayloadOf,
  type ShowEventName,
} from '../contract/socket-events.ts';

/** The same schemas, typed so that indexing by a generic event keeps its payload type. */
const SCHEMAS: { [E in ShowEventName]: z.ZodType<PayloadOf<E>> } = CLIENT_PAYLOAD_SCHEMAS;

export type Checked<T> =
  | { ok: true; value: T; show: ShowDefinition }
  | { ok: false; code: PublicErrorCode; message: string };

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || 'payload'}: ${issue.message}`)
    .join('; ');
}

/**
 * Checks one client payload. `lookup` answers whether a show exists; it is consulted only
 * for well-formed payloads. `show:leave` of an unknown show is still well-formed enough
 * to leave, so it is not asked to exist.
 */
export function checkPayload<E extends ShowEventName>(
  event: E,
  payload: unknown,
  lookup: (showId: string) => ShowDefinition | undefined,
): Checked<PayloadOf<E>> {
  const parsed = SCHEMAS[event].safeParse(payload);
  if (!parsed.success) {
    return { ok: false, code: 'INVALID_PAYLOAD', message: describe(parsed.error) };
  }
  const value = parsed.data;
  const show = lookup(value.showId);
  if (!show) {
    return { ok: false, code: 'UNKNOWN_SHOW', message: `no show ${value.showId}` };
  }
  if ('seatId' in value && !isSeatOfShow(show, value.seatId)) {
    return {
      ok: false,
      code: 'UNKNOWN_SEAT',
      message: `show ${value.showId} has no seat ${value.seatId}`,
    };
  }
  return { ok: true, value, show };
}
