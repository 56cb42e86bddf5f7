/**
 * The JSON Schemas of asyncapi.yaml, each generated from the code's own zod schema: the wire
 * contract (src/actors/messages.ts), the client payloads (src/gateway/validation.ts) and the
 * gateway's answers (socket-schemas.ts, pinned to src/gateway/contract.ts by the type checker).
 */
import { z } from 'zod';
import {
  COMMAND_TYPES,
  type CommandType,
  ConfirmationRequestSchema,
  DecisionRepeatedSchema,
  EVENT_TYPES,
  type EventType,
  HoldExpirySchema,
  HoldRequestSchema,
  ReleaseRequestSchema,
  SeatHeldSchema,
  SeatRejectedSchema,
  SeatReleasedSchema,
  SeatReservedSchema,
  ShowDefinitionSchema,
} from '../../src/actors/messages.ts';
import { CLIENT_EVENTS, type ClientEventName } from '../../src/gateway/contract.ts';
import { CLIENT_PAYLOAD_SCHEMAS } from '../../src/gateway/validation.ts';
import { ACK_SCHEMAS, BROADCAST_SCHEMAS, HandshakeErrorSchema } from './socket-schemas.ts';

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
export const COMMAND_SCHEMAS: Record<CommandType, { name: string; schema: z.ZodType }> = {
  'seat.holdRequest': { name: 'HoldRequest', schema: HoldRequestSchema },
  'seat.confirmationRequest': { name: 'ConfirmationRequest', schema: ConfirmationRequestSchema },
  'seat.releaseRequest': { name: 'ReleaseRequest', schema: ReleaseRequestSchema },
  'seat.holdExpiry': { name: 'HoldExpiry', schema: HoldExpirySchema },
};

export const EVENT_SCHEMAS: Record<EventType, { name: string; schema: z.ZodType }> = {
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
export const broadcastSchemaName = (event: keyof typeof BROADCAST_SCHEMAS) =>
  socketEventName(event);
export const SHOW_SCHEMA_NAME = 'ShowDefinition';
export const HANDSHAKE_SCHEMA_NAME = 'HandshakeError';

/** Every schema of `components.schemas`, by name, in document order. */
export function contractSchemas(): Record<string, JsonSchema> {
  const schemas: Record<string, JsonSchema> = {};
  for (const type of COMMAND_TYPES) {
    const { name, schema } = COMMAND_SCHEMAS[type];
    schemas[name] = jsonSchemaOf(schema);
  }
  for (const type of EVENT_TYPES) {
    const { name, schema } = EVENT_SCHEMAS[type];
    schemas[name] = jsonSchemaOf(schema);
  }
  schemas[SHOW_SCHEMA_NAME] = jsonSchemaOf(ShowDefinitionSchema);
  for (const event of CLIENT_EVENTS) {
    schemas[payloadSchemaName(event)] = jsonSchemaOf(CLIENT_PAYLOAD_SCHEMAS[event]);
    schemas[ackSchemaName(event)] = jsonSchemaOf(ACK_SCHEMAS[event]);
  }
  for (const event of Object.keys(BROADCAST_SCHEMAS) as (keyof typeof BROADCAST_SCHEMAS)[]) {
    schemas[broadcastSchemaName(event)] = jsonSchemaOf(BROADCAST_SCHEMAS[event]);
  }
  schemas[HANDSHAKE_SCHEMA_NAME] = jsonSchemaOf(HandshakeErrorSchema);
  return schemas;
}
