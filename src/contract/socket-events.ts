/**
 * The public Socket.IO contract: each client event's payload and ack, the broadcasts, the
 * handshake refusal, and the typed event maps of every direction. The client SDK imports
 * only types from here, so it pulls in no server code (and no zod).
 */
import { z } from 'zod';
import {
  CancelReasonSchema,
  CommandIdSchema,
  EpochMsSchema,
  HoldIdSchema,
  SeatIdSchema,
  ShowIdSchema,
} from './ids.ts';
import type { SeatEvent, SocketCommandType } from './kafka-records.ts';
import { RefusalSchema } from './refusals.ts';
import {
  MySeatSchema,
  SeatChangedSchema,
  SeatsChangedSchema,
  SeatViewSchema,
  ShowStatsSchema,
} from './seat-views.ts';

/** Size cap of one message: anything up to it gets an ack. */
export const MAX_MESSAGE_BYTES = 64 * 1024;

/** Client → server events, each answered through the acknowledgement callback. */
export const CLIENT_EVENTS = [
  'show:join',
  'show:leave',
  'seat:hold',
  'seat:confirm',
  'seat:release',
  'auth:refresh',
] as const;
export type ClientEventName = (typeof CLIENT_EVENTS)[number];
/** The client events about a show (all but `auth:refresh`). */
export type ShowEventName = Exclude<ClientEventName, 'auth:refresh'>;

/** The client events that become a seat command, and the command each one becomes. */
export const COMMAND_TYPE_OF_EVENT = {
  'seat:hold': 'seat.holdRequest',
  'seat:confirm': 'seat.confirmationRequest',
  'seat:release': 'seat.releaseRequest',
} as const satisfies Record<string, SocketCommandType>;

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

/** A fresh token for the connected socket: same `sub`, and a later or earlier `exp`. */
const RefreshPayloadSchema = z.strictObject({
  token: z
    .string()
    .min(1)
    .max(16 * 1024),
});

/** The payload schema of each client event: anything else is refused `INVALID_PAYLOAD`. */
export const CLIENT_PAYLOAD_SCHEMAS = {
  'show:join': ShowPayloadSchema,
  'show:leave': ShowPayloadSchema,
  'seat:hold': HoldPayloadSchema,
  'seat:confirm': HoldActionPayloadSchema,
  'seat:release': HoldActionPayloadSchema,
  'auth:refresh': RefreshPayloadSchema,
} as const satisfies Record<ClientEventName, z.ZodType>;

export type RefreshPayload = z.infer<typeof RefreshPayloadSchema>;
export type JoinPayload = z.infer<typeof ShowPayloadSchema>;
export type LeavePayload = JoinPayload;
export type HoldPayload = z.infer<typeof HoldPayloadSchema>;
export type ConfirmPayload = z.infer<typeof HoldActionPayloadSchema>;
export type ReleasePayload = ConfirmPayload;
export type PayloadOf<E extends ClientEventName> = z.infer<(typeof CLIENT_PAYLOAD_SCHEMAS)[E]>;

/**
 * A seat command's ack, success or refusal, carries the `commandId` the command was
 * produced under (the client's, or one the gateway generated), so that a client can retry
 * under the same id.
 */
const CommandRefusalSchema = RefusalSchema.extend({ commandId: CommandIdSchema });

const SeatAckSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), seat: SeatViewSchema, commandId: CommandIdSchema }),
  CommandRefusalSchema,
]);

/** The ack of each client event: `{ ok: true, … }` or a refusal. */
export const ACK_SCHEMAS = {
  'show:join': z.discriminatedUnion('ok', [
    z.object({
      ok: z.literal(true),
      show: z.object({
        showId: ShowIdSchema,
        seats: z.array(SeatViewSchema),
        stats: ShowStatsSchema,
      }),
      mine: z.array(MySeatSchema),
    }),
    RefusalSchema,
  ]),
  'show:leave': z.discriminatedUnion('ok', [z.object({ ok: z.literal(true) }), RefusalSchema]),
  'seat:hold': z.discriminatedUnion('ok', [
    z.object({
      ok: z.literal(true),
      seat: SeatViewSchema,
      holdId: HoldIdSchema,
      expiresAt: EpochMsSchema,
      commandId: CommandIdSchema,
    }),
    CommandRefusalSchema,
  ]),
  'seat:confirm': SeatAckSchema,
  'seat:release': SeatAckSchema,
  // The socket's session now ends at the new token's `exp` (epoch ms).
  'auth:refresh': z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), expiresAt: EpochMsSchema }),
    RefusalSchema,
  ]),
} as const satisfies Record<ClientEventName, z.ZodType>;

type AckOf<E extends ClientEventName> = z.infer<(typeof ACK_SCHEMAS)[E]>;
export type JoinAck = AckOf<'show:join'>;
export type LeaveAck = AckOf<'show:leave'>;
export type HoldAck = AckOf<'seat:hold'>;
export type ConfirmAck = AckOf<'seat:confirm'>;
export type ReleaseAck = AckOf<'seat:release'>;
export type RefreshAck = AckOf<'auth:refresh'>;
/** The ack of any seat command. */
export type CommandAck = HoldAck | ConfirmAck;
/** A refusal of a seat command (with its `commandId`). */
export type CommandRefusal = z.infer<typeof CommandRefusalSchema>;

/** What each server → client broadcast to a show's room carries. */
export const BROADCAST_SCHEMAS = {
  'seat:changed': SeatChangedSchema,
  'seats:changed': SeatsChangedSchema,
  'show:stats': ShowStatsSchema,
} as const;
export type BroadcastEventName = keyof typeof BROADCAST_SCHEMAS;

/**
 * What the server sends a user's own sockets, never a show's room: `session:expired` just
 * before it disconnects a socket whose token ran out (`expiredAt`, the token's `exp` in
 * epoch ms) without a fresh one arriving through `auth:refresh`; `seat:cancelled` to every
 * socket of a seat's holder or owner when an operator cancelled it (the seat's own
 * `seat:changed` goes to everyone as usual).
 */
export const SESSION_EVENT_SCHEMAS = {
  'session:expired': z.object({ expiredAt: EpochMsSchema }),
  'seat:cancelled': z.object({
    showId: ShowIdSchema,
    seatId: SeatIdSchema,
    reason: CancelReasonSchema,
  }),
} as const;
export type SessionEventName = keyof typeof SESSION_EVENT_SCHEMAS;
export type SessionExpired = z.infer<(typeof SESSION_EVENT_SCHEMAS)['session:expired']>;
export type SeatCancelled = z.infer<(typeof SESSION_EVENT_SCHEMAS)['seat:cancelled']>;

/**
 * How a socket wants seat changes, chosen at the handshake: `auth.frames: 'batch'` asks for
 * `seats:changed` (a show's changes of a short tick in one frame) instead of one
 * `seat:changed` per change. Any other value, or none, is the default.
 */
export const FramesSchema = z.literal('batch');
export type Frames = 'batch' | 'single';

/** What a client sends in the handshake's `auth`. */
export const HandshakeAuthSchema = z.object({
  token: z.string(),
  frames: FramesSchema.optional(),
});
export type HandshakeAuth = z.infer<typeof HandshakeAuthSchema>;

/** The frames a handshake's `auth` asks for: `batch` only when it says exactly that. */
export function framesOf(auth: unknown): Frames {
  const frames = (auth as { frames?: unknown } | null | undefined)?.frames;
  return FramesSchema.safeParse(frames).success ? 'batch' : 'single';
}

/**
 * The `connect_error` a client sees when its handshake is refused: `UNAUTHENTICATED` (no,
 * bad or expired token) or `RATE_LIMITED` (the user or the address has as many connections
 * open as allowed; retry no sooner than `retryAfterMs`).
 */
export const HandshakeErrorSchema = z.object({
  message: z.string(),
  data: z.object({
    code: z.enum(['UNAUTHENTICATED', 'RATE_LIMITED']),
    message: z.string(),
    retryAfterMs: z.number().int().nonnegative().optional(),
  }),
});
/** The handshake refusal's `data`, reaching the client's `connect_error`. */
export type HandshakeErrorData = z.infer<typeof HandshakeErrorSchema>['data'];

/** Client → server: each answered through the acknowledgement callback. */
export type ClientToServerEvents = {
  [E in ClientEventName]: (payload: PayloadOf<E>, ack: (response: AckOf<E>) => void) => void;
};

/** Server → client: broadcasts to a show's room, and session events to one socket. */
export type ServerToClientEvents = {
  [E in BroadcastEventName]: (message: z.infer<(typeof BROADCAST_SCHEMAS)[E]>) => void;
} & {
  [E in SessionEventName]: (message: z.infer<(typeof SESSION_EVENT_SCHEMAS)[E]>) => void;
};

/** Server ↔ server messages through the adapter, tagged by event name. */
export interface InterServerEvents {
  /** A decision for the gateway named in its `replyTo`; every other gateway ignores it. */
  'seat:decision': (event: SeatEvent) => void;
}
