/**
 * How a benchmark counts an answer: `refusals` are business decisions (the system worked and
 * said no: the contract's rejection reasons, docs/design.md §5.3); every other code is an
 * error, the system failing the client — the gateway's own refusals (`TIMEOUT`,
 * `UNAVAILABLE`, `RATE_LIMITED`, `INVALID_PAYLOAD`) and the load clients' transport failures
 * (`TRANSPORT_TIMEOUT`: no ack within the client's own deadline, longer than the gateway's;
 * `DISCONNECTED`: not connected when a command was due; `CONNECT_FAILED`: handshake refused
 * or failed).
 */
import { BUSINESS_REFUSALS } from '../../src/contract/refusals.ts';

export type Outcome = { kind: 'ok' } | { kind: 'refusal' | 'error'; code: string };

/** Classifies an ack (or a client-side failure code) as ok, refusal or error. */
export function classify(response: unknown): Outcome {
  if (typeof response === 'object' && response !== null) {
    const r = response as { ok?: unknown; error?: { code?: unknown } };
    if (r.ok === true) return { kind: 'ok' };
    const code = typeof r.error?.code === 'string' ? r.error.code : 'MALFORMED_ACK';
    return (BUSINESS_REFUSALS as readonly string[]).includes(code)
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
