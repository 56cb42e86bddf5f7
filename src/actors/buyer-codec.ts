/**
 * A buyer's snapshot record: its state as a compact JSON string with short keys and tuples,
 * validated with zod when read. `f` is the format version.
 *
 * ```
 * { f: 1,
 *   s: [[seatId, version, 'a' | 'h' | 'r', mine 0 | 1, holdId | null, expiresAt | null, seenAt], …],
 *   o: [[requestId, commandId, [[replyTo, correlationId], …], seatIds, requestedAt,
 *        [[seatId, 'g' | 'a' | 'x', version, holdId | null, expiresAt | null, reason | null], …],
 *        [[seatId, holdId], …] (compensating), outcome | null], …],
 *   c: [[commandId, requestId, seatIds, requestedAt, outcome], …] }
 * outcome: the `buyer.decided` outcome as it is on the wire
 * ```
 */
import { z } from 'zod';
import { BuyerOutcomeSchema } from '../contract/buyer-records.ts';
import { ERROR_CODES, HoldfastError } from '../contract/errors.ts';
import { RejectionReasonSchema } from '../contract/refusals.ts';
import type {
  BuyerSeat,
  BuyerState,
  ClosedOperation,
  OpenOperation,
  OperationAnswer,
} from './buyer-state.ts';

/** The format `encodeBuyer` writes. */
export const BUYER_SNAPSHOT_FORMAT = 1;

const count = z.number().int().nonnegative();
const text = z.string().min(1);
const STATUS_CODES = { available: 'a', held: 'h', reserved: 'r' } as const;
const ANSWER_CODES = { granted: 'g', alreadyHeld: 'a', refused: 'x' } as const;

const SeatTuple = z.tuple([
  text,
  count,
  z.enum(['a', 'h', 'r']),
  z.union([z.literal(0), z.literal(1)]),
  text.nullable(),
  count.nullable(),
  count,
]);
const AnswerTuple = z.tuple([
  text,
  z.enum(['g', 'a', 'x']),
  count,
  text.nullable(),
  count.nullable(),
  RejectionReasonSchema.nullable(),
]);
const OpenTuple = z.tuple([
  text,
  text,
  z.array(z.tuple([z.string(), text])),
  z.array(text),
  count,
  z.array(AnswerTuple),
  z.array(z.tuple([text, text])),
  BuyerOutcomeSchema.nullable(),
]);
const ClosedTuple = z.tuple([text, text, z.array(text), count, BuyerOutcomeSchema]);
const BuyerRecordSchema = z.strictObject({
  f: z.literal(BUYER_SNAPSHOT_FORMAT),
  s: z.array(SeatTuple),
  o: z.array(OpenTuple),
  c: z.array(ClosedTuple),
});
type BuyerRecord = z.infer<typeof BuyerRecordSchema>;

export function encodeBuyer(state: BuyerState): string {
  const record: BuyerRecord = {
    f: BUYER_SNAPSHOT_FORMAT,
    s: Object.entries(state.seats).map(([seatId, seat]) => [
      seatId,
      seat.version,
      STATUS_CODES[seat.status],
      seat.mine ? 1 : 0,
      seat.holdId ?? null,
      seat.expiresAt ?? null,
      seat.seenAt,
    ]),
    o: state.open.map((op) => [
      op.requestId,
      op.commandId,
      op.routes.map((route) => [route.replyTo, route.correlationId]),
      [...op.seatIds],
      op.requestedAt,
      Object.entries(op.answers).map(([seatId, answer]) => [
        seatId,
        ANSWER_CODES[answer.outcome],
        answer.version,
        answer.holdId ?? null,
        answer.expiresAt ?? null,
        answer.reason ?? null,
      ]),
      Object.entries(op.compensating),
      op.outcome ?? null,
    ]),
    c: state.closed.map((op) => [
      op.commandId,
      op.requestId,
      [...op.seatIds],
      op.requestedAt,
      op.outcome,
    ]),
  };
  return JSON.stringify(record);
}

/**
 * Decodes and checks a buyer record. Throws `HoldfastError` `HF_RECORD_INVALID` for anything
 * else: a snapshot that cannot be read is discarded and the log replayed.
 */
export function decodeBuyer(record: string, keyForErrors?: string): BuyerState {
  let parsed: unknown;
  try {
    parsed = JSON.parse(record);
  } catch (cause) {
    throw invalid('is not JSON', keyForErrors, cause);
  }
  const result = BuyerRecordSchema.safeParse(parsed);
  if (!result.success) throw invalid(`is invalid: ${result.error.message}`, keyForErrors);
  const { s, o, c } = result.data;
  const seats: Record<string, BuyerSeat> = {};
  for (const [seatId, version, status, mine, holdId, expiresAt, seenAt] of s) {
    seats[seatId] = {
      version,
      status: decodeStatus(status),
      mine: mine === 1,
      holdId: holdId ?? undefined,
      expiresAt: expiresAt ?? undefined,
      seenAt,
    };
  }
  const open = o.map(
    ([requestId, commandId, routes, seatIds, requestedAt, answers, compensating, outcome]) => {
      const op: OpenOperation = {
        requestId,
        commandId,
        routes: routes.map(([replyTo, correlationId]) => ({ replyTo, correlationId })),
        seatIds,
        requestedAt,
        answers: Object.fromEntries(answers.map(decodeAnswer)),
        compensating: Object.fromEntries(compensating),
      };
      return outcome === null ? op : { ...op, outcome };
    },
  );
  const closed = c.map(
    ([commandId, requestId, seatIds, requestedAt, outcome]): ClosedOperation => ({
      commandId,
      requestId,
      seatIds,
      requestedAt,
      outcome,
    }),
  );
  return { seats, open, closed };
}

function decodeStatus(code: 'a' | 'h' | 'r'): BuyerSeat['status'] {
  return code === 'a' ? 'available' : code === 'h' ? 'held' : 'reserved';
}

function decodeAnswer([seatId, code, version, holdId, expiresAt, reason]: z.infer<
  typeof AnswerTuple
>): [string, OperationAnswer] {
  const outcome = code === 'g' ? 'granted' : code === 'a' ? 'alreadyHeld' : 'refused';
  return [
    seatId,
    {
      outcome,
      version,
      holdId: holdId ?? undefined,
      expiresAt: expiresAt ?? undefined,
      reason: reason ?? undefined,
    },
  ];
}

function invalid(problem: string, key: string | undefined, cause?: unknown): HoldfastError {
  return new HoldfastError(ERROR_CODES.RECORD_INVALID, `buyer snapshot record ${problem}`, {
    cause,
    context: key === undefined ? {} : { buyerKey: key },
  });
}
