/**
 * A seat's snapshot record: its state as a compact JSON string with short keys. The idle
 * store of a partition keeps seats in exactly this form, so a passivated seat costs one
 * string. `f` is the format version: the decoder reads every format written so far.
 *
 * ```
 * { f: 5, v: version, s: 'a' | 'h' | 'r',
 *   h: holdId, u: userId, t: heldAt | reservedAt, x: expiresAt (held), q: requestId (held
 *   by a buyer's tryHold), i: reservedEventId,
 *   e: [[holdId, 'x' (expired) | 'r' (released) | 'k' (cancelled), endedAt, requestId?], …],
 *   d: [[userId, commandId, decidedAt, decision, command], …]   (decisions other than refusals)
 *   r: [[userId, commandId, decidedAt, decision, command], …] } (refusals)
 * decision: ['h', eventId, version, holdId, expiresAt] | ['r', eventId, version, holdId]
 *         | ['l', eventId, version, holdId, 'r' | 'x' | 'k'] | ['j', eventId, version, reason]
 * command: 'h' (hold) | 'c' (confirmation) | 'l' (release) | 'k' (an operator's cancel)
 * ```
 *
 * Format 4 added cancellation: the ending and command `k` and the reason `CANCELLED`. A
 * worker of an older release refuses a format 4 record like any it cannot read: it discards
 * the partition's snapshot and replays the log.
 *
 * Format 1 had no `r`: refusals and the other decisions were one list `d`, in log order.
 * A seat keeps them in two queues bounded apart since format 2, and each queue keeps log
 * order, so a format 1 record reads as the same two queues. Formats 1 and 2 had no
 * `command`: a grant, confirmation or release tells its command by its outcome; a refusal
 * reads with its command unknown, and is repeated to any command that names its commandId.
 * Format 5 added `q` and an ended hold's `requestId` (buyer operations, docs/design.md §9.2);
 * older records have neither, and read as holds no buyer operation made; a worker of an
 * older release refuses a format 5 record, discards the snapshot and replays.
 */
import { ERROR_CODES, HoldfastError } from '../contract/errors.ts';
import type { ClientCommandType, Decision } from '../contract/kafka-records.ts';
import { REJECTION_REASONS, type RejectionReason } from '../contract/refusals.ts';
import type { DecisionQueue } from './decision-queue.ts';
import { memoryOf } from './seat-memory.ts';
import type {
  EndedHold,
  HoldEnding,
  RememberedDecision,
  SeatMemory,
  SeatState,
} from './seat-state.ts';
import { EMPTY_SEAT_MEMORY } from './seat-state.ts';

/** The format `encodeSeat` writes. */
export const SNAPSHOT_FORMAT = 5;
/** The formats `decodeSeat` reads. */
const READABLE_FORMATS: readonly unknown[] = [1, 2, 3, 4, SNAPSHOT_FORMAT];

type EncodedCommand = 'h' | 'c' | 'l' | 'k';
const COMMAND_CODES: Readonly<Record<ClientCommandType, EncodedCommand>> = {
  'seat.holdRequest': 'h',
  'seat.confirmationRequest': 'c',
  'seat.releaseRequest': 'l',
  'seat.cancelRequest': 'k',
};
/** The command each outcome but a refusal can only have come from (records before format 3). */
const COMMAND_OF_OUTCOME: Readonly<Record<Decision['outcome'], ClientCommandType | undefined>> = {
  held: 'seat.holdRequest',
  reserved: 'seat.confirmationRequest',
  released: 'seat.releaseRequest',
  rejected: undefined,
};

type EncodedEnding = 'x' | 'r' | 'k';
type EncodedDecision =
  | ['h', string, number, string, number]
  | ['r', string, number, string]
  | ['l', string, number, string, EncodedEnding]
  | ['j', string, number, RejectionReason];

/**
 * The record of a seat: exactly what `JSON.stringify` writes for the record of the module
 * comment (keys in its order; `e`, `d` and `r` only when not empty), written by hand. A hot
 * seat is written after every batch that touched it; each remembered entry is immutable and
 * shared by every later state, so its text is made once and reused.
 */
export function encodeSeat(state: SeatState): string {
  let text = `{"f":${SNAPSHOT_FORMAT},"v":${state.version}`;
  switch (state.status) {
    case 'held':
      text += `,"s":"h","h":${quote(state.holdId)},"u":${quote(state.userId)},"t":${state.heldAt},"x":${state.expiresAt}`;
      if (state.requestId !== undefined) text += `,"q":${quote(state.requestId)}`;
      break;
    case 'reserved':
      text += `,"s":"r","h":${quote(state.holdId)},"u":${quote(state.userId)},"t":${state.reservedAt},"i":${quote(state.reservedEventId)}`;
      break;
    case 'available':
      text += ',"s":"a"';
      break;
  }
  const { endedHolds, decisions, refusals } = state.memory;
  if (endedHolds.length > 0) {
    text += ',"e":[';
    for (let i = 0; i < endedHolds.length; i++) {
      const ended = endedHolds[i] as EndedHold;
      if (i > 0) text += ',';
      const request = ended.requestId === undefined ? '' : `,${quote(ended.requestId)}`;
      text += `[${quote(ended.holdId)},"${encodeEnding(ended.ending)}",${ended.endedAt}${request}]`;
    }
    text += ']';
  }
  if (decisions.length > 0) text += `,"d":${queueText(decisions)}`;
  if (refusals.length > 0) text += `,"r":${queueText(refusals)}`;
  return `${text}}`;
}

const quote = JSON.stringify as (value: string) => string;

function queueText(queue: DecisionQueue): string {
  let text = '[';
  for (let i = 0; i < queue.length; i++) {
    if (i > 0) text += ',';
    text += queue.text(i, entryText);
  }
  return `${text}]`;
}

/** `[userId, commandId, decidedAt, decision, command]` of one remembered decision. */
function entryText(entry: RememberedDecision): string {
  const fields: unknown[] = [
    entry.userId,
    entry.commandId,
    entry.decidedAt,
    encodeDecision(entry.decision),
  ];
  // Unknown only for an entry read from an older record: written back as it was read.
  if (entry.commandType !== undefined) fields.push(COMMAND_CODES[entry.commandType]);
  return JSON.stringify(fields);
}

/**
 * Decodes and checks one snapshot record. Throws `HoldfastError` `HF_RECORD_INVALID` (with
 * the seat key in its context, when given) for anything that is not a record of a known
 * format: a snapshot that cannot be read must be discarded and the log replayed.
 */
export function decodeSeat(text: string, seatKeyForErrors?: string): SeatState {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw invalid('is not JSON', seatKeyForErrors, cause);
  }
  if (typeof parsed !== 'object' || parsed === null)
    throw invalid('is not an object', seatKeyForErrors);
  const record = parsed as Record<string, unknown>;
  if (!READABLE_FORMATS.includes(record.f)) {
    throw invalid(`has unknown format ${String(record.f)}`, seatKeyForErrors);
  }
  const read = new FieldReader(record, seatKeyForErrors);
  const version = read.count('v');
  const memory = decodeMemory(record, read);
  switch (record.s) {
    case 'a':
      return { status: 'available', version, memory };
    case 'h': {
      return {
        status: 'held',
        version,
        holdId: read.text('h'),
        userId: read.text('u'),
        heldAt: read.count('t'),
        expiresAt: read.count('x'),
        requestId: record.q === undefined ? undefined : read.text('q'),
        memory,
      };
    }
    case 'r':
      return {
        status: 'reserved',
        version,
        holdId: read.text('h'),
        userId: read.text('u'),
        reservedAt: read.count('t'),
        reservedEventId: read.text('i'),
        memory,
      };
    default:
      throw invalid(`has unknown status ${String(record.s)}`, seatKeyForErrors);
  }
}

function decodeMemory(record: Record<string, unknown>, read: FieldReader): SeatMemory {
  if (record.e === undefined && record.d === undefined && record.r === undefined) {
    return EMPTY_SEAT_MEMORY;
  }
  const endedHolds: EndedHold[] = read.list('e').map((item) => {
    const [holdId, ending, endedAt, requestId] = read.tuple(item, [3, 4]);
    return {
      holdId: read.textValue(holdId),
      ending: decodeEnding(ending, read),
      endedAt: read.countValue(endedAt),
      requestId: requestId === undefined ? undefined : read.textValue(requestId),
    };
  });
  const decided = [...read.list('d'), ...read.list('r')].map((item): RememberedDecision => {
    const [userId, commandId, decidedAt, encoded, command] = read.tuple(item, [4, 5]);
    const decision = decodeDecision(encoded, read);
    return {
      userId: read.textValue(userId),
      commandId: read.textValue(commandId),
      decidedAt: read.countValue(decidedAt),
      decision,
      commandType:
        command === undefined ? COMMAND_OF_OUTCOME[decision.outcome] : decodeCommand(command, read),
    };
  });
  return memoryOf(decided, endedHolds);
}

function decodeCommand(value: unknown, read: FieldReader): ClientCommandType {
  for (const [type, code] of Object.entries(COMMAND_CODES)) {
    if (code === value) return type as ClientCommandType;
  }
  throw read.fault(`has unknown command ${String(value)}`);
}

const ENDING_CODES: Readonly<Record<HoldEnding, EncodedEnding>> = {
  expired: 'x',
  released: 'r',
  cancelled: 'k',
};

function encodeEnding(ending: HoldEnding): EncodedEnding {
  return ENDING_CODES[ending];
}

function decodeEnding(value: unknown, read: FieldReader): HoldEnding {
  if (value === 'x') return 'expired';
  if (value === 'r') return 'released';
  if (value === 'k') return 'cancelled';
  throw read.fault(`has unknown hold ending ${String(value)}`);
}

function encodeDecision(decision: Decision): EncodedDecision {
  switch (decision.outcome) {
    case 'held':
      return ['h', decision.eventId, decision.version, decision.holdId, decision.expiresAt];
    case 'reserved':
      return ['r', decision.eventId, decision.version, decision.holdId];
    case 'released':
      return [
        'l',
        decision.eventId,
        decision.version,
        decision.holdId,
        encodeEnding(decision.cause),
      ];
    case 'rejected':
      return ['j', decision.eventId, decision.version, decision.reason];
  }
}

function decodeDecision(value: unknown, read: FieldReader): Decision {
  if (!Array.isArray(value)) throw read.fault('has a decision that is not a list');
  const [outcome, eventId, version, fourth, fifth] = value as unknown[];
  const common = { eventId: read.textValue(eventId), version: read.countValue(version) };
  switch (outcome) {
    case 'h':
      return {
        outcome: 'held',
        ...common,
        holdId: read.textValue(fourth),
        expiresAt: read.countValue(fifth),
      };
    case 'r':
      return { outcome: 'reserved', ...common, holdId: read.textValue(fourth) };
    case 'l':
      return {
        outcome: 'released',
        ...common,
        holdId: read.textValue(fourth),
        cause: decodeEnding(fifth, read),
      };
    case 'j': {
      const reason = REJECTION_REASONS.find((known) => known === fourth);
      if (reason === undefined) throw read.fault(`has unknown rejection reason ${String(fourth)}`);
      return { outcome: 'rejected', ...common, reason };
    }
    default:
      throw read.fault(`has unknown decision outcome ${String(outcome)}`);
  }
}

/** Typed reads of a parsed record that fail with the seat's key in the error. */
class FieldReader {
  constructor(
    private readonly record: Record<string, unknown>,
    private readonly seatKey: string | undefined,
  ) {}

  count(field: string): number {
    return this.countValue(this.record[field], field);
  }

  text(field: string): string {
    return this.textValue(this.record[field], field);
  }

  list(field: string): unknown[] {
    const value = this.record[field];
    if (value === undefined) return [];
    if (!Array.isArray(value)) throw this.fault(`field ${field} is not a list`);
    return value;
  }

  /** A list of `length` items, or of any of `length` when several are allowed. */
  tuple(value: unknown, length: number | readonly number[]): unknown[] {
    const lengths = typeof length === 'number' ? [length] : length;
    if (!Array.isArray(value) || !lengths.includes(value.length)) {
      throw this.fault(`has an entry that is not a list of ${lengths.join(' or ')}`);
    }
    return value;
  }

  countValue(value: unknown, field = 'value'): number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw this.fault(`field ${field} is not a non-negative integer`);
    }
    return value;
  }

  textValue(value: unknown, field = 'value'): string {
    if (typeof value !== 'string' || value.length === 0) {
      throw this.fault(`field ${field} is not a non-empty string`);
    }
    return value;
  }

  fault(problem: string): HoldfastError {
    return invalid(problem, this.seatKey);
  }
}

function invalid(problem: string, seatKey: string | undefined, cause?: unknown): HoldfastError {
  return new HoldfastError(ERROR_CODES.RECORD_INVALID, `seat snapshot record ${problem}`, {
    cause,
    context: seatKey === undefined ? {} : { seatKey },
  });
}
