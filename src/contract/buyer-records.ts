/**
 * The records of buyer actors (docs/design.md §9): the client's group request to its buyer,
 * the commands buyers and seats send each other through `seat-commands`, and the buyer's
 * reply on `seat-events`. A buyer's records are keyed `buyerKey(showId, userId)`; a seat's,
 * `seatKey(showId, seatId)`. One schema per record, types derived from them.
 */
import { z } from 'zod';
import {
  buyerKey,
  CommandIdSchema,
  CorrelationIdSchema,
  EpochMsSchema,
  EventIdSchema,
  HoldIdSchema,
  ReplyToSchema,
  RequestIdSchema,
  SeatIdSchema,
  ShowIdSchema,
  seatKey,
  UserIdSchema,
  VersionSchema,
} from './ids.ts';
import {
  type SeatCommand,
  SeatCommandSchema,
  type SeatEvent,
  SeatEventSchema,
} from './kafka-records.ts';
import { RejectionReasonSchema } from './refusals.ts';

/** The most seats one group operation names (docs/design.md §9.4). */
export const MAX_GROUP_SEATS = 10;

/** 1–10 distinct seat ids. */
export const GroupSeatIdsSchema = z
  .array(SeatIdSchema)
  .min(1)
  .max(MAX_GROUP_SEATS)
  .refine((ids) => new Set(ids).size === ids.length, 'seat ids must be distinct');

/** What every command carries but the seat: a buyer's commands name no single seat. */
const routeBase = {
  commandId: CommandIdSchema,
  correlationId: CorrelationIdSchema,
  replyTo: ReplyToSchema,
  showId: ShowIdSchema,
  /** The buyer: the authenticated user for a client request, the buyer's user otherwise. */
  userId: UserIdSchema,
  /** The sender's clock (for an actor's command: the log time of its decision). */
  sentAt: EpochMsSchema,
};

/** `seats:hold` (docs/design.md §9.4) as the gateway sends it to the caller's buyer. */
export const BuyerHoldRequestSchema = z.strictObject({
  ...routeBase,
  type: z.literal('buyer.holdRequest'),
  seatIds: GroupSeatIdsSchema,
});

/**
 * The fields of a buyer's command to one of its operation's seats. `commandId` is
 * `partition-offset-index` of the buyer's decision (a replay sends the same ids);
 * `replyTo` is `''`: the seat answers the buyer, never a gateway.
 */
const toSeatBase = {
  ...routeBase,
  seatId: SeatIdSchema,
  /** The buyer operation (`partition-offset` of the client request that opened it). */
  requestId: RequestIdSchema,
};

/** A buyer asks a seat for a hold for one of its operations (§9.4). */
export const TryHoldSchema = z.strictObject({
  ...toSeatBase,
  type: z.literal('seat.tryHold'),
  /** Log time of the client request (§9.3): the seat refuses it a hold TTL later. */
  requestedAt: EpochMsSchema,
});

/** A buyer's compensation: release a hold it was granted (§9.4). Never expires. */
export const BuyerReleaseSchema = z.strictObject({
  ...toSeatBase,
  type: z.literal('seat.buyerRelease'),
  holdId: HoldIdSchema,
});

export const SeatAnswerOutcomeSchema = z.enum(['granted', 'alreadyHeld', 'refused', 'released']);

/**
 * A seat tells a buyer how it stands: the answer to the buyer's `tryHold` or `buyerRelease`,
 * or (in a capped show, §9.5) any change to a seat the buyer holds or held. The buyer
 * applies the seat's view only when its `version` is newer than the one it knows.
 */
export const BuyerSeatUpdateSchema = z.strictObject({
  ...routeBase,
  type: z.literal('buyer.seatUpdate'),
  seatId: SeatIdSchema,
  version: VersionSchema,
  status: z.enum(['available', 'held', 'reserved']),
  /** Whether the buyer holds or owns the seat now. */
  mine: z.boolean(),
  /** The buyer's current hold of the seat (only when `mine`). */
  holdId: HoldIdSchema.optional(),
  /** The current hold's expiry, when the seat is held (by anyone). */
  expiresAt: EpochMsSchema.optional(),
  answer: z
    .strictObject({
      requestId: RequestIdSchema,
      outcome: SeatAnswerOutcomeSchema,
      /** With `refused`: the seat's reason. */
      reason: RejectionReasonSchema.optional(),
    })
    .optional(),
});

/** Every record of `seat-commands` that a seat's actor decides. */
export const SeatActorCommandSchema = z.discriminatedUnion('type', [
  ...SeatCommandSchema.options,
  TryHoldSchema,
  BuyerReleaseSchema,
]);
/** Every record of `seat-commands` that a buyer's actor decides. */
export const BuyerCommandSchema = z.discriminatedUnion('type', [
  BuyerHoldRequestSchema,
  BuyerSeatUpdateSchema,
]);
/** Every record of `seat-commands`. */
export const LogCommandSchema = z.discriminatedUnion('type', [
  ...SeatActorCommandSchema.options,
  ...BuyerCommandSchema.options,
]);

export type BuyerHoldRequest = z.infer<typeof BuyerHoldRequestSchema>;
export type TryHold = z.infer<typeof TryHoldSchema>;
export type BuyerRelease = z.infer<typeof BuyerReleaseSchema>;
export type BuyerSeatUpdate = z.infer<typeof BuyerSeatUpdateSchema>;
export type SeatAnswer = NonNullable<BuyerSeatUpdate['answer']>;
export type SeatActorCommand = z.infer<typeof SeatActorCommandSchema>;
export type SeatActorCommandType = SeatActorCommand['type'];
export type BuyerCommand = z.infer<typeof BuyerCommandSchema>;
export type LogCommand = z.infer<typeof LogCommandSchema>;
/** The commands one actor sends another (always through the log, §9.2). */
export type ActorCommand = TryHold | BuyerRelease | BuyerSeatUpdate;

/** The seat's part of a successful group hold: what the ack's `holds` are built from. */
const HeldSeatSchema = z.strictObject({
  seatId: SeatIdSchema,
  version: VersionSchema,
  holdId: HoldIdSchema,
  expiresAt: EpochMsSchema,
});

export const BuyerOutcomeSchema = z.discriminatedUnion('ok', [
  z.strictObject({ ok: z.literal(true), seats: z.array(HeldSeatSchema) }),
  z.strictObject({
    ok: z.literal(false),
    code: RejectionReasonSchema,
    /** The seats that caused the refusal (those with `code`). */
    seats: z.array(SeatIdSchema),
    /** With `BUSY`. */
    retryAfterMs: z.number().int().nonnegative().optional(),
  }),
]);
export type BuyerOutcome = z.infer<typeof BuyerOutcomeSchema>;

/**
 * A buyer's answer to a client request, on `seat-events` under the buyer's key, one per reply
 * route of the request. A gateway turns it into the `seats:hold` ack (docs/design.md §9.4); the read model
 * skips it (the seats' own events carry the changes).
 */
export const BuyerDecidedSchema = z.strictObject({
  type: z.literal('buyer.decided'),
  eventId: EventIdSchema,
  showId: ShowIdSchema,
  userId: UserIdSchema,
  operation: z.literal('hold'),
  requestId: RequestIdSchema,
  commandId: CommandIdSchema,
  correlationId: CorrelationIdSchema,
  replyTo: ReplyToSchema,
  /** Log time of the decision. */
  occurredAt: EpochMsSchema,
  outcome: BuyerOutcomeSchema,
  /** Set on the answer to a repeat of a request already decided. */
  repeated: z.literal(true).optional(),
});
export type BuyerDecided = z.infer<typeof BuyerDecidedSchema>;

/** Every record of `seat-events`. */
export const LogEventSchema = z.discriminatedUnion('type', [
  ...SeatEventSchema.options,
  BuyerDecidedSchema,
]);
export type LogEvent = SeatEvent | BuyerDecided;

/** Whether a command is decided by a buyer's actor (else by a seat's). */
export function isBuyerCommand(command: LogCommand): command is BuyerCommand {
  return command.type === 'buyer.holdRequest' || command.type === 'buyer.seatUpdate';
}

/** Whether a seat command is one a client sent (the pre-buyer `SeatCommand`s). */
export function isPlainSeatCommand(command: SeatActorCommand): command is SeatCommand {
  return command.type !== 'seat.tryHold' && command.type !== 'seat.buyerRelease';
}

/** The Kafka key a command is produced under. */
export function commandKey(command: LogCommand): string {
  return isBuyerCommand(command)
    ? buyerKey(command.showId, command.userId)
    : seatKey(command.showId, command.seatId);
}
