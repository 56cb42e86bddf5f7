/**
 * The wire contract of Holdfast's Kafka records: commands (intents) on `seat-commands` and
 * domain events (facts) on `seat-events`. Defined once here and validated at every boundary
 * (gateway before producing, worker and gateway after consuming). DESIGN.md §4 is the spec.
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
/** A gateway instance id, or `''` for commands nobody waits on (the worker's own expiries). */
export const ReplyToSchema = z.string().max(128);
export const CorrelationIdSchema = z.string().min(1).max(128);
export const EpochMsSchema = z.number().int().nonnegative();

/** Business refusal codes carried by `seat.rejected` (DESIGN §3.6). */
export const REJECTION_REASONS = [
  'SEAT_TAKEN',
  'NOT_HOLDER',
  'HOLD_EXPIRED',
  'UNKNOWN_SHOW',
  'UNKNOWN_SEAT',
] as const;
export const RejectionReasonSchema = z.enum(REJECTION_REASONS);
export type RejectionReason = z.infer<typeof RejectionReasonSchema>;

export const COMMAND_TYPES = [
  'seat.holdRequest',
  'seat.confirmationRequest',
  'seat.releaseRequest',
  'seat.holdExpiry',
] as const;
export type CommandType = (typeof COMMAND_TYPES)[number];

export const EVENT_TYPES = [
  'seat.held',
  'seat.reserved',
  'seat.released',
  'seat.rejected',
  'seat.decisionRepeated',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

const commandBase = {
  commandId: CommandIdSchema,
  correlationId: CorrelationIdSchema,
  replyTo: ReplyToSchema,
  showId: ShowIdSchema,
  seatId: SeatIdSchema,
  userId: UserIdSchema,
  /** The sender's clock, for latency metrics only: decisions use the record's log time. */
  sentAt: EpochMsSchema,
};

export const HoldRequestSchema = z.strictObject({
  ...commandBase,
  type: z.literal('seat.holdRequest'),
});
export const ConfirmationRequestSchema = z.strictObject({
  ...commandBase,
  type: z.literal('seat.confirmationRequest'),
  holdId: HoldIdSchema,
});
export const ReleaseRequestSchema = z.strictObject({
  ...commandBase,
  type: z.literal('seat.releaseRequest'),
  holdId: HoldIdSchema,
});
/** Produced by the worker's timer for one hold; `userId` is the holder. */
export const HoldExpirySchema = z.strictObject({
  ...commandBase,
  type: z.literal('seat.holdExpiry'),
  holdId: HoldIdSchema,
  expiresAt: EpochMsSchema,
});

export const SeatCommandSchema = z.discriminatedUnion('type', [
  HoldRequestSchema,
  ConfirmationRequestSchema,
  ReleaseRequestSchema,
  HoldExpirySchema,
]);
export type SeatCommand = z.infer<typeof SeatCommandSchema>;
export type HoldRequest = z.infer<typeof HoldRequestSchema>;
export type ConfirmationRequest = z.infer<typeof ConfirmationRequestSchema>;
export type ReleaseRequest = z.infer<typeof ReleaseRequestSchema>;
export type HoldExpiry = z.infer<typeof HoldExpirySchema>;

const eventBase = {
  /** `partition-offset-index` of the command that caused it: replay gives the same id. */
  eventId: z.string().min(1).max(128),
  showId: ShowIdSchema,
  seatId: SeatIdSchema,
  /** The seat's version after this event (for a rejection or repeat: the current one). */
  version: z.number().int().nonnegative(),
  /** The user whose command caused the event. */
  userId: UserIdSchema,
  /** The causing command's `commandId`. */
  causationId: CommandIdSchema,
  commandId: CommandIdSchema,
  correlationId: CorrelationIdSchema,
  replyTo: ReplyToSchema,
  /** Log time of the causing command. */
  occurredAt: EpochMsSchema,
};

export const SeatHeldSchema = z.strictObject({
  ...eventBase,
  type: z.literal('seat.held'),
  holdId: HoldIdSchema,
  expiresAt: EpochMsSchema,
});
export const SeatReservedSchema = z.strictObject({
  ...eventBase,
  type: z.literal('seat.reserved'),
  holdId: HoldIdSchema,
});
export const SeatReleasedSchema = z.strictObject({
  ...eventBase,
  type: z.literal('seat.released'),
  holdId: HoldIdSchema,
  cause: z.enum(['released', 'expired']),
});
export const SeatRejectedSchema = z.strictObject({
  ...eventBase,
  type: z.literal('seat.rejected'),
  reason: RejectionReasonSchema,
  /** The command's `holdId`, when it named one. */
  holdId: HoldIdSchema.optional(),
});

/**
 * The decision a repeat stands on: the original outcome of a repeated `commandId`, or the
 * current hold / reservation when its holder asks again. Enough for a gateway to build
 * the same ack it would have sent the first time.
 */
export const DecisionSchema = z.discriminatedUnion('outcome', [
  z.strictObject({
    outcome: z.literal('held'),
    eventId: z.string().min(1).max(128),
    version: z.number().int().nonnegative(),
    holdId: HoldIdSchema,
    expiresAt: EpochMsSchema,
  }),
  z.strictObject({
    outcome: z.literal('reserved'),
    eventId: z.string().min(1).max(128),
    version: z.number().int().nonnegative(),
    holdId: HoldIdSchema,
  }),
  z.strictObject({
    outcome: z.literal('released'),
    eventId: z.string().min(1).max(128),
    version: z.number().int().nonnegative(),
    holdId: HoldIdSchema,
    cause: z.enum(['released', 'expired']),
  }),
  z.strictObject({
    outcome: z.literal('rejected'),
    eventId: z.string().min(1).max(128),
    version: z.number().int().nonnegative(),
    reason: RejectionReasonSchema,
  }),
]);
export type Decision = z.infer<typeof DecisionSchema>;

/** Answers a repeated command; changes no state and is never broadcast. */
export const DecisionRepeatedSchema = z.strictObject({
  ...eventBase,
  type: z.literal('seat.decisionRepeated'),
  decision: DecisionSchema,
});

export const SeatEventSchema = z.discriminatedUnion('type', [
  SeatHeldSchema,
  SeatReservedSchema,
  SeatReleasedSchema,
  SeatRejectedSchema,
  DecisionRepeatedSchema,
]);
export type SeatEvent = z.infer<typeof SeatEventSchema>;
export type SeatHeld = z.infer<typeof SeatHeldSchema>;
export type SeatReserved = z.infer<typeof SeatReservedSchema>;
export type SeatReleased = z.infer<typeof SeatReleasedSchema>;
export type SeatRejected = z.infer<typeof SeatRejectedSchema>;
export type DecisionRepeated = z.infer<typeof DecisionRepeatedSchema>;
/** The events that change a seat's state (and are broadcast). */
export type SeatStateChange = SeatHeld | SeatReserved | SeatReleased;

export function isStateChange(event: SeatEvent): event is SeatStateChange {
  return (
    event.type === 'seat.held' || event.type === 'seat.reserved' || event.type === 'seat.released'
  );
}

/** The Kafka key of every command and event of a seat: all of them share one partition. */
export function seatKey(showId: string, seatId: string): string {
  return `${showId}/${seatId}`;
}

/** A show: its layout and hold TTL, created once on the compacted `shows` topic. */
export const ShowDefinitionSchema = z.strictObject({
  showId: ShowIdSchema,
  rows: z.number().int().min(1).max(702), // `A`…`ZZ`
  seatsPerRow: z.number().int().min(1).max(9999),
  holdTtlMs: z.number().int().min(1000).max(86_400_000),
  createdAt: EpochMsSchema,
});
export type ShowDefinition = z.infer<typeof ShowDefinitionSchema>;

/** Row label of a 0-based row index: 0 → `A`, 25 → `Z`, 26 → `AA`. */
export function rowLabel(index: number): string {
  let label = '';
  let n = index + 1;
  while (n > 0) {
    const rem = (n - 1) % 26;
    label = String.fromCharCode(65 + rem) + label;
    n = Math.floor((n - 1) / 26);
  }
  return label;
}

/** 0-based row index of a row label, the inverse of `rowLabel`. */
export function rowIndex(label: string): number {
  let n = 0;
  for (const ch of label) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

/** Whether a well-formed seat id names a seat of the show's layout. */
export function showHasSeat(show: ShowDefinition, seatId: string): boolean {
  const match = /^([A-Z]+)([0-9]+)$/.exec(seatId);
  if (!match?.[1] || !match[2]) return false;
  const row = rowIndex(match[1]);
  const seat = Number(match[2]);
  return row >= 0 && row < show.rows && seat >= 1 && seat <= show.seatsPerRow;
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
