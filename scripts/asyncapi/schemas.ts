/**
 * The JSON Schemas of asyncapi.yaml, each generated from the zod schema in src/contract/ that
 * the code itself validates with or derives its types from: Kafka records, show definitions,
 * client payloads, acks, broadcasts and the handshake refusal.
 */
import { z } from 'zod';
import {
  CancelRequestSchema,
  ConfirmationRequestSchema,
  DecisionRepeatedSchema,
  HoldExpirySchema,
  HoldRequestSchema,
  ReleaseRequestSchema,
  SEAT_COMMAND_TYPES,
  SEAT_EVENT_TYPES,
  type SeatCommandType,
  type SeatEventType,
  SeatHeldSchema,
  SeatRejectedSchema,
  SeatReleasedSchema,
  SeatReservedSchema,
} from '../../src/contract/kafka-records.ts';
import { ShowDefinitionSchema } from '../../src/contract/shows.ts';
import {
  ACK_SCHEMAS,
  BROADCAST_SCHEMAS,
  type BroadcastEventName,
  CLIENT_EVENTS,
  CLIENT_PAYLOAD_SCHEMAS,
  type ClientEventName,
  HandshakeErrorSchema,
  SESSION_EVENT_SCHEMAS,
  type SessionEventName,
} from '../../src/contract/socket-events.ts';

export type JsonSchema = Record<string, unknown>;

/**
 * A zod schema as a JSON Schema draft-07 (the base of AsyncAPI 3's default schema format),
 * without the `$schema` marker: it is embedded in the document, not a document of its own.
 */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  const { $schema: _marker, ...rest } = z.toJSONSchema(schema, { target: 'draft-7' });
  return rest;
}

/** `seat.holdRequest` → `HoldRequest`: the component name of each record type. */
export const COMMAND_SCHEMAS: Record<SeatCommandType, { name: string; schema: z.ZodType }> = {
  'seat.holdRequest': { name: 'HoldRequest', schema: HoldRequestSchema },
  'seat.confirmationRequest': { name: 'ConfirmationRequest', schema: ConfirmationRequestSchema },
  'seat.releaseRequest': { name: 'ReleaseRequest', schema: ReleaseRequestSchema },
  'seat.holdExpiry': { name: 'HoldExpiry', schema: HoldExpirySchema },
  'seat.cancelRequest': { name: 'CancelRequest', schema: CancelRequestSchema },
};

export const EVENT_SCHEMAS: Record<SeatEventType, { name: string; schema: z.ZodType }> = {
  'seat.held': { name: 'SeatHeld', schema: SeatHeldSchema },
  'seat.reserved': { name: 'SeatReserved', schema: SeatReservedSchema },
  'seat.released': { name: 'SeatReleased', schema: SeatReleasedSchema },
  'seat.rejected': { name: 'SeatRejected', schema: SeatRejectedSchema },
  'seat.decisionRepeated': { name: 'DecisionRepeated', schema: DecisionRepeatedSchema },
};

/** `show:join` → `ShowJoin`. */
export function socketEventName(event: string): string {
  return event
    .split(/[:_]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

export const payloadSchemaName = (event: ClientEventName) => `${socketEventName(event)}Payload`;
export const ackSchemaName = (event: ClientEventName) => `${socketEventName(event)}Ack`;
export const broadcastSchemaName = (event: BroadcastEventName | SessionEventName) =>
  socketEventName(event);
export const SHOW_SCHEMA_NAME = 'ShowDefinition';
export const HANDSHAKE_SCHEMA_NAME = 'HandshakeError';

/** Every schema of `components.schemas`, by name, in document order. */
export function contractSchemas(): Record<string, JsonSchema> {
  const schemas: Record<string, JsonSchema> = {};
  for (const type of SEAT_COMMAND_TYPES) {
    const { name, schema } = COMMAND_SCHEMAS[type];
    schemas[name] = jsonSchemaOf(schema);
  }
  for (const type of SEAT_EVENT_TYPES) {
    const { name, schema } = EVENT_SCHEMAS[type];
    schemas[name] = jsonSchemaOf(schema);
  }
  schemas[SHOW_SCHEMA_NAME] = jsonSchemaOf(ShowDefinitionSchema);
  for (const event of CLIENT_EVENTS) {
    schemas[payloadSchemaName(event)] = jsonSchemaOf(CLIENT_PAYLOAD_SCHEMAS[event]);
    schemas[ackSchemaName(event)] = jsonSchemaOf(ACK_SCHEMAS[event]);
  }
  for (const event of Object.keys(BROADCAST_SCHEMAS) as BroadcastEventName[]) {
    schemas[broadcastSchemaName(event)] = jsonSchemaOf(BROADCAST_SCHEMAS[event]);
  }
  for (const event of Object.keys(SESSION_EVENT_SCHEMAS) as SessionEventName[]) {
    schemas[broadcastSchemaName(event)] = jsonSchemaOf(SESSION_EVENT_SCHEMAS[event]);
  }
  schemas[HANDSHAKE_SCHEMA_NAME] = jsonSchemaOf(HandshakeErrorSchema);
  return schemas;
}
