/**
 * A socket's session: it lasts as long as its token (plus the verifier's leeway). A socket
 * may extend it with `auth:refresh { token }` — a token the handshake would accept, for the
 * same user — and is told `session:expired` and disconnected when it runs out first. Without
 * this a socket would stay authorised for as long as it stays connected.
 */
import type { RefreshAck } from '../contract/socket-events.ts';
import { CLIENT_PAYLOAD_SCHEMAS } from '../contract/socket-events.ts';
import { CLOCK_TOLERANCE_S, type TokenVerifier } from './auth.ts';

/** What a session needs of its socket. */
export interface SessionSocket {
  readonly connected: boolean;
  emit(event: 'session:expired', message: { expiredAt: number }): unknown;
  disconnect(close: boolean): unknown;
  once(event: 'disconnect', listener: () => void): unknown;
}

export interface SessionOptions {
  socket: SessionSocket;
  userId: string;
  /** The handshake token's `exp`, epoch ms. */
  expiresAt: number;
  verify: TokenVerifier;
  /** @defaultValue Date.now */
  now?: () => number;
}

export class SocketSession {
  readonly #o: SessionOptions;
  readonly #now: () => number;
  #expiresAt: number;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: SessionOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#expiresAt = options.expiresAt;
    options.socket.once('disconnect', () => clearTimeout(this.#timer));
    this.#arm();
  }

  /** When the session ends unless refreshed, epoch ms (the token's `exp`). */
  get expiresAt(): number {
    return this.#expiresAt;
  }

  /** `auth:refresh`: a fresh token for the same user moves the end of the session. */
  async refresh(payload: unknown): Promise<RefreshAck> {
    const parsed = CLIENT_PAYLOAD_SCHEMAS['auth:refresh'].safeParse(payload);
    if (!parsed.success) {
      return {
        ok: false,
        error: { code: 'INVALID_PAYLOAD', message: 'expected { token } (a JWT string)' },
      };
    }
    const verified = await this.#o.verify(parsed.data.token);
    if (!verified.ok) {
      return { ok: false, error: { code: 'UNAUTHENTICATED', message: verified.message } };
    }
    if (verified.userId !== this.#o.userId) {
      return {
        ok: false,
        error: {
          code: 'UNAUTHENTICATED',
          message: 'the token is for another user: a socket keeps the user it connected as',
        },
      };
    }
    if (!this.#o.socket.connected) {
      return { ok: false, error: { code: 'UNAUTHENTICATED', message: 'the session has ended' } };
    }
    this.#expiresAt = verified.expiresAt;
    this.#arm();
    return { ok: true, expiresAt: verified.expiresAt };
  }

  /** The session ends when the token does, with the same leeway the verifier allows. */
  #arm(): void {
    clearTimeout(this.#timer);
    const endsIn = this.#expiresAt + CLOCK_TOLERANCE_S * 1000 - this.#now();
    // Lifetimes are capped at a week, well under setTimeout's 24.8-day limit.
    this.#timer = setTimeout(() => this.#expire(), Math.max(0, endsIn));
    this.#timer.unref?.();
  }

  #expire(): void {
    if (!this.#o.socket.connected) return;
    this.#o.socket.emit('session:expired', { expiredAt: this.#expiresAt });
    // The event is queued before the disconnect packet, so the client reads it first.
    this.#o.socket.disconnect(true);
  }
}
