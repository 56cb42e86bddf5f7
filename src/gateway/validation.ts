/**
 * Payload checks of DESIGN §4, pure: shape first (anything malformed is `INVALID_PAYLOAD`),
 * then existence against the known shows (a well-formed id that names nothing is
 * `UNKNOWN_SHOW` / `UNKNOWN_SEAT`). Business rules are the worker's, never checked here.
 */
import { z } from 'zod';
import {
  CommandIdSchema,
  HoldIdSchema,
  SeatIdSchema,
  type ShowDefinition,
  ShowIdSchema,
  showHasSeat,
} from '../actors/messages.ts';
import type {
  ClientEventName,
  ConfirmPayload,
  HoldPayload,
  JoinPayload,
  PublicErrorCode,
} from './contract.ts';

const ShowPayloadSchema = z.strictObject({ showId: ShowIdSchema });
const HoldPayloadSchema = z.strictObject({
  showId: ShowIdSchema,
  seatId: SeatIdSchema,
  commandId: CommandIdSchema.optional(),
});
const HoldActionPayloadSchema = z.strictObject({
  showId: ShowIdSchema,
  seatId: SeatIdSchema,
  holdId: HoldIdSchema,
  commandId: CommandIdSchema.optional(),
});

export interface PayloadByEvent {
  'show:join': JoinPayload;
  'show:leave': JoinPayload;
  'seat:hold': HoldPayload;
  'seat:confirm': ConfirmPayload;
  'seat:release': ConfirmPayload;
}

const SCHEMAS: { [E in ClientEventName]: z.ZodType<PayloadByEvent[E]> } = {
  'show:join': ShowPayloadSchema,
  'show:leave': ShowPayloadSchema,
  'seat:hold': HoldPayloadSchema,
  'seat:confirm': HoldActionPayloadSchema,
  'seat:release': HoldActionPayloadSchema,
};
/** The payload schema of each client event (asyncapi.yaml is generated from these). */
export const CLIENT_PAYLOAD_SCHEMAS = SCHEMAS;

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
export function checkPayload<E extends ClientEventName>(
  event: E,
  payload: unknown,
  lookup: (showId: string) => ShowDefinition | undefined,
): Checked<PayloadByEvent[E]> {
  const parsed = SCHEMAS[event].safeParse(payload);
  if (!parsed.success) {
    return { ok: false, code: 'INVALID_PAYLOAD', message: describe(parsed.error) };
  }
  const value = parsed.data;
  const show = lookup(value.showId);
  if (!show) {
    return { ok: false, code: 'UNKNOWN_SHOW', message: `no show ${value.showId}` };
  }
  if ('seatId' in value && !showHasSeat(show, value.seatId)) {
    return {
      ok: false,
      code: 'UNKNOWN_SEAT',
      message: `show ${value.showId} has no seat ${value.seatId}`,
    };
  }
  return { ok: true, value, show };
}
