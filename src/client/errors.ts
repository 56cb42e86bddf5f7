/** The SDK's errors: a connection that could not be made, or a session that ended. */

/** Why `ready()` failed: `UNAUTHENTICATED` when the gateway refused the token. */
export class HoldfastConnectError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'HoldfastConnectError';
    this.code = code;
  }
}

/**
 * The gateway ended the session because its token expired (`session:expired`) and the client
 * has no `getToken` to connect again with: give it a fresh token (a new client).
 */
export class HoldfastSessionExpiredError extends HoldfastConnectError {
  /** The expired token's `exp`, epoch ms. */
  readonly expiredAt: number;
  constructor(expiredAt: number) {
    super(
      'SESSION_EXPIRED',
      `the session's token expired at ${new Date(expiredAt).toISOString()}: connect with a fresh token (pass getToken to have the client renew it)`,
    );
    this.name = 'HoldfastSessionExpiredError';
    this.expiredAt = expiredAt;
  }
}
