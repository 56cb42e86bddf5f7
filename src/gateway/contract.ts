/**
 * The public Socket.IO contract of DESIGN §4: payloads, acks and the typed event maps of
 * both directions. Types and constants only, so the client SDK shares them without pulling
 * in any server code.
 */

export type SeatStatus = 'available' | 'held' | 'reserved';

/** A seat as every client sees it: never who holds or owns it. Times are log-time epoch ms. */
export interface SeatView {
  showId: string;
  seatId: string;
  status: SeatStatus;
  version: number;
  expiresAt?: number;
}

/** One of the caller's own holds or reservations, with the `holdId` it needs to act on it. */
export type MySeat = SeatView & { holdId?: string };

export interface ShowStats {
  showId: string;
  available: number;
  held: number;
  reserved: number;
}

/** `seat:changed`: a flat SeatView plus the id of the event that changed it. */
export type SeatChanged = SeatView & { eventId: string };

export const ERROR_CODES_PUBLIC = [
  'SEAT_TAKEN',
  'NOT_HOLDER',
  'HOLD_EXPIRED',
  'UNKNOWN_SHOW',
  'UNKNOWN_SEAT',
  'INVALID_PAYLOAD',
  'RATE_LIMITED',
  'TIMEOUT',
  'UNAVAILABLE',
] as const;
export type PublicErrorCode = (typeof ERROR_CODES_PUBLIC)[number];

export interface Refusal {
  ok: false;
  error: { code: PublicErrorCode; message: string };
}

export interface JoinPayload {
  showId: string;
}
export interface LeavePayload {
  showId: string;
}
export interface HoldPayload {
  showId: string;
  seatId: string;
  commandId?: string;
}
export interface ConfirmPayload {
  showId: string;
  seatId: string;
  holdId: string;
  commandId?: string;
}
export type ReleasePayload = ConfirmPayload;

export type JoinAck =
  | { ok: true; show: { showId: string; seats: SeatView[]; stats: ShowStats }; mine: MySeat[] }
  | Refusal;
export type LeaveAck = { ok: true } | Refusal;
export type HoldAck = { ok: true; seat: SeatView; holdId: string; expiresAt: number } | Refusal;
export type ConfirmAck = { ok: true; seat: SeatView } | Refusal;
export type ReleaseAck = ConfirmAck;
/** The ack of any seat command. */
export type CommandAck = HoldAck | ConfirmAck;

/** Client → server: each answered through the acknowledgement callback. */
export interface ClientToServerEvents {
  'show:join': (payload: JoinPayload, ack: (response: JoinAck) => void) => void;
  'show:leave': (payload: LeavePayload, ack: (response: LeaveAck) => void) => void;
  'seat:hold': (payload: HoldPayload, ack: (response: HoldAck) => void) => void;
  'seat:confirm': (payload: ConfirmPayload, ack: (response: ConfirmAck) => void) => void;
  'seat:release': (payload: ReleasePayload, ack: (response: ReleaseAck) => void) => void;
}

export type ClientEventName = keyof ClientToServerEvents;
export const CLIENT_EVENTS: readonly ClientEventName[] = [
  'show:join',
  'show:leave',
  'seat:hold',
  'seat:confirm',
  'seat:release',
];

/** Server → client broadcasts to a show's room. */
export interface ServerToClientEvents {
  'seat:changed': (change: SeatChanged) => void;
  'show:stats': (stats: ShowStats) => void;
}

/** The handshake refusal's `data`, reaching the client's `connect_error`. */
export interface HandshakeErrorData {
  code: 'UNAUTHENTICATED';
  message: string;
}

/** Size cap of one message (DESIGN §4): anything up to it gets an ack. */
export const MAX_MESSAGE_BYTES = 64 * 1024;
