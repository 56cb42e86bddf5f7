/**
 * How a benchmark counts an answer: `errors` are the system failing the client (it could
 * not say what happened, or refused to listen), `refusals` are business decisions (the
 * system worked and said no). Any code not known here counts as an error.
 */

/** Ack codes that are errors (docs/design.md §5.3), plus the client's own transport failures. */
export const ERROR_CODES = [
  'TIMEOUT',
  'UNAVAILABLE',
  'RATE_LIMITED',
  'INVALID_PAYLOAD',
  /** No ack within the client's own deadline (longer than the gateway's TIMEOUT). */
  'TRANSPORT_TIMEOUT',
  /** The socket was not connected when a command was due. */
  'DISCONNECTED',
  /** The socket could not connect (handshake refused or failed). */
  'CONNECT_FAILED',
] as const;

export const REFUSAL_CODES = [
  'SEAT_TAKEN',
  'NOT_HOLDER',
  'HOLD_EXPIRED',
  'UNKNOWN_SHOW',
  'UNKNOWN_SEAT',
] as const;

export type Outcome = { kind: 'ok' } | { kind: 'refusal' | 'error'; code: string };

/** Classifies an ack (or a client-side failure code) as ok, refusal or error. */
export function classify(response: unknown): Outcome {
  if (typeof response === 'object' && response !== null) {
    const r = response as { ok?: unknown; error?: { code?: unknown } };
    if (r.ok === true) return { kind: 'ok' };
    const code = typeof r.error?.code === 'string' ? r.error.code : 'MALFORMED_ACK';
    return (REFUSAL_CODES as readonly string[]).includes(code)
      ? { kind: 'refusal', code }
      : { kind: 'error', code };
  }
  return { kind: 'error', code: 'MALFORMED_ACK' };
}

/** Counts by code, mergeable across processes and steps. */
export type CodeCounts = Record<string, number>;

export function addCounts(into: CodeCounts, from: Readonly<CodeCounts>): CodeCounts {
  for (const [code, n] of Object.entries(from)) into[code] = (into[code] ?? 0) + n;
  return into;
}

export function total(counts: Readonly<CodeCounts>): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}
