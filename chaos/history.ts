/**
 * The history of a chaos run: every client operation as the client saw it (invoked, then
 * ok, fail or unknown), Jepsen-style. Outcomes are what the ack said: `ok` and business
 * refusals are definite; `TIMEOUT`, `UNAVAILABLE` and a lost connection are `unknown` (the
 * command may or may not have been decided).
 */

export type OperationKind = 'hold' | 'confirm' | 'release';
export type Outcome = 'ok' | 'fail' | 'unknown';

/** Refusal codes that leave the outcome unknown (docs/design.md §5.3: resync, retry the commandId). */
export const INDETERMINATE_CODES: ReadonlySet<string> = new Set(['TIMEOUT', 'UNAVAILABLE']);

export interface Operation {
  readonly id: number;
  /** The authenticated user (the JWT `sub`). */
  readonly userId: string;
  /** Name of the gateway the socket was connected to. */
  readonly gateway: string;
  readonly kind: OperationKind;
  readonly showId: string;
  readonly seatId: string;
  /** The idempotency key; a retry reuses it (and is a new operation with a higher `attempt`). */
  readonly commandId: string;
  readonly attempt: number;
  /** Confirm and release: the hold acted on. Hold: the hold granted (when ok). */
  holdId?: string;
  readonly invokedAt: number;
  completedAt?: number;
  outcome?: Outcome;
  /** The refusal code when not ok. */
  code?: string;
  /** Hold ok: the hold's expiry (log time). */
  expiresAt?: number;
  /** The seat version the ack carried. */
  version?: number;
}

export type InvokeFields = Omit<Operation, 'id' | 'invokedAt'>;

export interface AckLike {
  ok: boolean;
  error?: { code: string };
  holdId?: string;
  expiresAt?: number;
  seat?: { version: number };
}

export class History {
  readonly #operations: Operation[] = [];
  readonly #limit: number;

  /** `limit` bounds memory: operations past it are not recorded (and counted as dropped). */
  constructor(limit = 2_000_000) {
    this.#limit = limit;
  }

  dropped = 0;

  invoke(fields: InvokeFields, now = Date.now()): Operation {
    const operation: Operation = { ...fields, id: this.#operations.length, invokedAt: now };
    if (this.#operations.length < this.#limit) this.#operations.push(operation);
    else this.dropped++;
    return operation;
  }

  /** Records an ack (or a local timeout, as a `TIMEOUT` refusal). */
  complete(operation: Operation, ack: AckLike, now = Date.now()): void {
    operation.completedAt = now;
    if (ack.ok) {
      operation.outcome = 'ok';
      if (operation.kind === 'hold' && ack.holdId !== undefined) operation.holdId = ack.holdId;
      if (ack.expiresAt !== undefined) operation.expiresAt = ack.expiresAt;
      if (ack.seat !== undefined) operation.version = ack.seat.version;
      return;
    }
    const code = ack.error?.code ?? 'UNKNOWN';
    operation.code = code;
    operation.outcome = INDETERMINATE_CODES.has(code) ? 'unknown' : 'fail';
  }

  /** The call threw or the run ended before an answer: the outcome is unknown. */
  abandon(operation: Operation, code: string, now = Date.now()): void {
    if (operation.outcome !== undefined) return;
    operation.completedAt = now;
    operation.code = code;
    operation.outcome = 'unknown';
  }

  operations(): readonly Operation[] {
    return this.#operations;
  }

  /** Counts by kind and outcome, for the report. */
  summary(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const op of this.#operations) {
      const key = `${op.kind}:${op.outcome ?? 'pending'}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  }
}
