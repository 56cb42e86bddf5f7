/**
 * Encoding and decoding of Holdfast records. Every record carries a `type` header and a
 * JSON body validated against the one schema of its kind; a record that fails either is a
 * value (`{ ok: false, reason }`) for the caller to dead-letter, never an exception.
 */
import type { ZodType } from 'zod';
import { seatKey } from '../contract/ids.ts';
import {
  type SeatCommand,
  SeatCommandSchema,
  type SeatEvent,
  SeatEventSchema,
  TYPE_HEADER,
} from '../contract/kafka-records.ts';
import { SHOW_RECORD_TYPE, type ShowDefinition, ShowDefinitionSchema } from '../contract/shows.ts';
import { type Acceptor, compileAcceptor } from './fast-accept.ts';

export interface OutgoingRecord {
  key: string;
  value: string;
  headers: Record<string, string>;
}

/** The parts of a consumed record the codec reads (kafkajs's `KafkaMessage` fits). */
export interface IncomingRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

function headerText(record: IncomingRecord, name: string): string | undefined {
  const raw = record.headers?.[name];
  const first = Array.isArray(raw) ? raw[0] : raw;
  return first === undefined ? undefined : first.toString();
}

function decodeJson<T extends { type?: string }>(
  record: IncomingRecord,
  schema: ZodType<T>,
  keyOf: (value: T) => string,
  accept?: Acceptor,
): Decoded<T> {
  if (record.value === null) return { ok: false, reason: 'empty value (tombstone)' };
  let body: unknown;
  try {
    body = JSON.parse(record.value.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: `value is not JSON: ${(error as Error).message}` };
  }
  // What the acceptor takes, zod would return as an equal object: skip zod for it.
  const parsed =
    accept?.(body) === true ? { success: true as const, data: body as T } : schema.safeParse(body);
  if (!parsed.success) {
    const detail = parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    return { ok: false, reason: `schema: ${detail}` };
  }
  const value = parsed.data;
  const header = headerText(record, TYPE_HEADER);
  if (value.type !== undefined && header !== value.type) {
    return { ok: false, reason: `type header ${JSON.stringify(header)} ≠ body type ${value.type}` };
  }
  const key = record.key?.toString('utf8');
  if (key !== keyOf(value)) {
    return { ok: false, reason: `key ${JSON.stringify(key)} ≠ ${JSON.stringify(keyOf(value))}` };
  }
  return { ok: true, value };
}

const keyOfSeatRecord = (value: { showId: string; seatId: string }) =>
  seatKey(value.showId, value.seatId);

export function encodeCommand(command: SeatCommand): OutgoingRecord {
  return {
    key: seatKey(command.showId, command.seatId),
    value: JSON.stringify(command),
    headers: { [TYPE_HEADER]: command.type },
  };
}

/** The hot path's shortcut through `SeatCommandSchema` (see fast-accept.ts). */
const acceptCommand = compileAcceptor(SeatCommandSchema);

export function decodeCommand(record: IncomingRecord): Decoded<SeatCommand> {
  return decodeJson(record, SeatCommandSchema, keyOfSeatRecord, acceptCommand);
}

export function encodeEvent(event: SeatEvent): OutgoingRecord {
  return {
    key: seatKey(event.showId, event.seatId),
    value: JSON.stringify(event),
    headers: { [TYPE_HEADER]: event.type },
  };
}

/** The same shortcut through `SeatEventSchema`: every gateway decodes every event. */
const acceptEvent = compileAcceptor(SeatEventSchema);

export function decodeEvent(record: IncomingRecord): Decoded<SeatEvent> {
  return decodeJson(record, SeatEventSchema, keyOfSeatRecord, acceptEvent);
}

export function encodeShow(show: ShowDefinition): OutgoingRecord {
  return {
    key: show.showId,
    value: JSON.stringify(show),
    headers: { [TYPE_HEADER]: SHOW_RECORD_TYPE },
  };
}

export function decodeShow(record: IncomingRecord): Decoded<ShowDefinition> {
  const header = headerText(record, TYPE_HEADER);
  if (header !== SHOW_RECORD_TYPE) {
    return { ok: false, reason: `type header ${JSON.stringify(header)} ≠ ${SHOW_RECORD_TYPE}` };
  }
  return decodeJson<ShowDefinition & { type?: undefined }>(
    record,
    ShowDefinitionSchema as ZodType<ShowDefinition & { type?: undefined }>,
    (show) => show.showId,
  );
}
