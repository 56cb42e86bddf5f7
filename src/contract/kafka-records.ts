/**
 * The records of Holdfast's Kafka topics: commands (intents) on `seat-commands` and domain
 * events (facts) on `seat-events`, both keyed by `seatKey`. Validated at every boundary
 * (gateway before producing, worker and gateway after consuming). Show definitions, the
 * records of `shows`, are in `shows.ts`.
 */
import { z } from 'zod';
import {
  CancelReasonSchema,
  CommandIdSchema,
  CorrelationIdSchema,
  EpochMsSchema,
  EventIdSchema,
  HoldIdSchema,
  ReplyToSchema,
  RequestIdSchema,
  SeatIdSchema,
  ShowIdSchema,
  UserIdSchema,
  VersionSchema,
} from './ids.ts';
import { RejectionReasonSchema } from './refusals.ts';

/**
 * The header every Kafka record of Holdfast carries, equal to the body's `type` (for a show
 * definition, which has no `type` field, `SHOW_RECORD_TYPE`): a consumer can route or skip a
 * record without parsing its body.
 */
export const TYPE_HEADER = 'type';

/** The `type` of every record of `seat-commands`. */
export const SEAT_COMMAND_TYPES = [
  'seat.holdRequest',
  'seat.confirmationRequest',
  'seat.releaseRequest',
  'seat.holdExpiry',
  'seat.cancelRequest',
] as const;
export type SeatCommandType = (typeof SEAT_COMMAND_TYPES)[number];

/** The `type` of every record of `seat-events`. */
export const SEAT_EVENT_TYPES = [
  'seat.held',
  'seat.reserved',
  'seat.released',
  'seat.rejected',
  'seat.decisionRepeated',
] as const;
export type SeatEventType = (typeof SEAT_EVENT_TYPES)[number];

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

/**
 * An operator's cancellation (`holdfast seats cancel`): whatever holds or owns the seat
 * loses it. `userId` is the operator's (`operatorUserId`); `replyTo` is `''`.
 */
export const CancelRequestSchema = z.strictObject({
  ...commandBase,
  type: z.literal('seat.cancelRequest'),
  reason: CancelReasonSchema,
});

export const SeatCommandSchema = z.discriminatedUnion('type', [
  HoldRequestSchema,
  ConfirmationRequestSchema,
  ReleaseRequestSchema,
  HoldExpirySchema,
  CancelRequestSchema,
]);
export type SeatCommand = z.infer<typeof SeatCommandSchema>;
export type HoldRequest = z.infer<typeof HoldRequestSchema>;
export type ConfirmationRequest = z.infer<typeof ConfirmationRequestSchema>;
export type ReleaseRequest = z.infer<typeof ReleaseRequestSchema>;
export type HoldExpiry = z.infer<typeof HoldExpirySchema>;
export type CancelRequest = z.infer<typeof CancelRequestSchema>;
/** The commands someone waits on the decision of, and that a seat remembers by `commandId`. */
export type ClientCommandType = Exclude<SeatCommandType, 'seat.holdExpiry'>;
/** The commands a client sends through a gateway, which waits on their decision. */
export type SocketCommandType = Exclude<ClientCommandType, 'seat.cancelRequest'>;

const eventBase = {
  eventId: EventIdSchema,
  showId: ShowIdSchema,
  seatId: SeatIdSchema,
  /** The seat's version after this event (for a rejection or repeat: the current one). */
  version: VersionSchema,
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

const ReleaseCauseSchema = z.enum(['released', 'expired', 'cancelled']);
export type ReleaseCause = z.infer<typeof ReleaseCauseSchema>;

export const SeatHeldSchema = z.strictObject({
  ...eventBase,
  type: z.literal('seat.held'),
  holdId: HoldIdSchema,
  expiresAt: EpochMsSchema,
  /**
   * The buyer operation whose `seat.tryHold` made the hold (docs/design.md §9.2): a repeat
   * of that request is recognised by it. Absent for a client's own `seat.holdRequest`.
   */
  requestId: RequestIdSchema.optional(),
});
export const SeatReservedSchema = z.strictObject({
  ...eventBase,
  type: z.literal('seat.reserved'),
  holdId: HoldIdSchema,
});
/**
 * `reason` and `ownerId` come with cause `cancelled`, and only with it (the seat actor
 * writes them so; no refinement here, so that the record keeps its fast decoding path).
 */
export const SeatReleasedSchema = z.strictObject({
  ...eventBase,
  type: z.literal('seat.released'),
  holdId: HoldIdSchema,
  cause: ReleaseCauseSchema,
  /** With cause `cancelled`: the operator's reason, told to the owner. */
  reason: CancelReasonSchema.optional(),
  /** With cause `cancelled`: who held or owned the seat (`userId` is the operator). */
  ownerId: UserIdSchema.optional(),
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
const decisionBase = { eventId: EventIdSchema, version: VersionSchema };
const DecisionSchema = z.discriminatedUnion('outcome', [
  z.strictObject({
    outcome: z.literal('held'),
    ...decisionBase,
    holdId: HoldIdSchema,
    expiresAt: EpochMsSchema,
  }),
  z.strictObject({
    outcome: z.literal('reserved'),
    ...decisionBase,
    holdId: HoldIdSchema,
  }),
  z.strictObject({
    outcome: z.literal('released'),
    ...decisionBase,
    holdId: HoldIdSchema,
    cause: ReleaseCauseSchema,
  }),
  z.strictObject({
    outcome: z.literal('rejected'),
    ...decisionBase,
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
