/**
 * Keeps the client's token fresh. Every (re)connect asks `getToken` for a token; while
 * connected, a little before the token expires, a fresh one is sent with `auth:refresh`, so
 * the gateway never has to end the session. A failed renewal (the source threw, or the
 * gateway refused the token) is tried again until the token runs out; after that the gateway
 * sends `session:expired` and disconnects, and the next connect asks for a token again.
 * With a fixed token there is nothing to renew: the session ends with the token.
 */
import type { RefreshAck } from '../contract/socket-events.ts';

/** Where fresh tokens come from (an auth server, a cookie-backed endpoint, …). */
export type TokenSource = () => string | Promise<string>;

export interface TokenKeeperOptions {
  /** A fixed token, or a source asked at every connect and renewal. */
  source: string | TokenSource;
  /** Sends `auth:refresh { token }` on the connected socket. */
  refresh: (token: string) => Promise<RefreshAck>;
  /** How long before expiry to renew (at most half the token's remaining life). */
  refreshBeforeMs: number;
  /** The wait before trying a failed renewal again (at most half of what remains). */
  retryMs: number;
  /** Told of each renewal that failed; the keeper tries again on its own. */
  onRenewalFailed?: (reason: string) => void;
  now?: () => number;
}

/** A JWT's claims, read without verifying (the gateway verifies); undefined if unreadable. */
export function tokenClaims(token: string): Readonly<Record<string, unknown>> | undefined {
  try {
    const part = (token.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/');
    const claims: unknown = JSON.parse(atob(part));
    return typeof claims === 'object' && claims !== null
      ? (claims as Readonly<Record<string, unknown>>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A JWT's `exp` in epoch ms, or undefined. */
export function tokenExpiresAt(token: string): number | undefined {
  const exp = tokenClaims(token)?.exp;
  return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
}

/** The least wait between two failed renewals, however little time is left. */
const MIN_RETRY_MS = 1000;

export class TokenKeeper {
  readonly #o: TokenKeeperOptions;
  readonly #now: () => number;
  #expiresAt: number | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #live = false;

  constructor(options: TokenKeeperOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  /** Whether a fresh token can be had: otherwise an expired session ends for good. */
  get renewable(): boolean {
    return typeof this.#o.source === 'function';
  }

  /** The token for a handshake: fresh from the source when there is one. */
  async forHandshake(): Promise<string> {
    const token = await this.#fetch();
    this.#expiresAt = tokenExpiresAt(token);
    return token;
  }

  /** The socket connected with the last handshake's token: renew it before it expires. */
  connected(): void {
    this.#live = true;
    this.#schedule(false);
  }

  /** The socket is gone (or the client closed): no renewal until it connects again. */
  disconnected(): void {
    this.#live = false;
    clearTimeout(this.#timer);
  }

  async #fetch(): Promise<string> {
    const source = this.#o.source;
    return typeof source === 'string' ? source : await source();
  }

  /**
   * Renews `refreshBeforeMs` before expiry but never later than halfway through what is
   * left; after a failure, again after `retryMs` (or halfway, if sooner; at least a second).
   */
  #schedule(afterFailure: boolean): void {
    clearTimeout(this.#timer);
    if (!this.renewable || !this.#live || this.#expiresAt === undefined) return;
    const left = this.#expiresAt - this.#now();
    const delay = afterFailure
      ? Math.max(MIN_RETRY_MS, Math.min(this.#o.retryMs, left / 2))
      : Math.max(left - this.#o.refreshBeforeMs, left / 2);
    if (delay >= left) return;
    this.#timer = setTimeout(() => void this.#renew(), delay);
  }

  async #renew(): Promise<void> {
    let reason: string;
    try {
      const ack = await this.#o.refresh(await this.#fetch());
      if (ack.ok) {
        this.#expiresAt = ack.expiresAt;
        this.#schedule(false);
        return;
      }
      reason = `${ack.error.code}: ${ack.error.message}`;
    } catch (error) {
      reason = error instanceof Error ? error.message : String(error);
    }
    this.#o.onRenewalFailed?.(reason);
    this.#schedule(true);
  }
}
