/**
 * Identity of a socket (docs/design.md §3.11, §5.1): a JWT verified with the configured key
 * (an HS256 secret, or an Ed25519 / RSA public key) and only that key's algorithm. `sub` (the
 * user id) and `exp` are required; `exp` may be at most the configured lifetime ahead and is
 * honoured with at most 5 s leeway; `iss` and `aud` are checked when configured. Refusals are
 * values; the handshake middleware turns them into an error whose `data.code` is
 * `UNAUTHENTICATED`, and `auth:refresh` into an `UNAUTHENTICATED` refusal.
 */
import { errors, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import type { TokenKey, TokenPolicy } from '../config/auth.ts';
import { UserIdSchema } from '../contract/ids.ts';
import type { HandshakeErrorData } from '../contract/socket-events.ts';

export { secretKey } from '../config/auth.ts';

/** Leeway on `exp` / `nbf` (and on the lifetime limit), in seconds. */
export const CLOCK_TOLERANCE_S = 5;

export type Verified =
  | { ok: true; userId: string /** The token's `exp`, in epoch ms. */; expiresAt: number }
  | { ok: false; message: string };

/** Checks one token against the gateway's policy. */
export type TokenVerifier = (token: unknown) => Promise<Verified>;

function refusalOf(error: unknown, policy: TokenPolicy): string {
  if (error instanceof errors.JWTExpired) return 'token expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'exp' && error.reason === 'missing') {
      return 'token has no exp claim: tokens must expire';
    }
    if (error.claim === 'iss') return `token issuer (iss) is not ${policy.issuer}`;
    if (error.claim === 'aud') return `token audience (aud) is not ${policy.audience}`;
    return `token claim ${error.claim} refused (${error.reason})`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return `token algorithm refused: this gateway accepts ${policy.key.algorithm} only`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return 'token signature does not verify';
  }
  if (error instanceof errors.JOSEError) return `token refused: ${error.code}`;
  return 'token refused';
}

/** Verifies tokens against `policy`; `now` is injectable for tests. */
export function createTokenVerifier(
  policy: TokenPolicy,
  now: () => number = Date.now,
): TokenVerifier {
  return async (token) => {
    if (typeof token !== 'string' || token.length === 0) {
      return { ok: false, message: 'no token: connect with auth: { token }' };
    }
    let payload: JWTPayload;
    const currentDate = new Date(now());
    try {
      ({ payload } = await jwtVerify(token, policy.key.key, {
        algorithms: [policy.key.algorithm],
        clockTolerance: CLOCK_TOLERANCE_S,
        requiredClaims: ['exp', 'sub'],
        currentDate,
        ...(policy.issuer === undefined ? {} : { issuer: policy.issuer }),
        ...(policy.audience === undefined ? {} : { audience: policy.audience }),
      }));
    } catch (error) {
      return { ok: false, message: refusalOf(error, policy) };
    }
    const sub = UserIdSchema.safeParse(payload.sub);
    if (!sub.success) return { ok: false, message: 'token has no valid sub (user id) claim' };
    // jwtVerify checked that exp is a number in the future (within the leeway).
    const expS = payload.exp as number;
    if (expS - currentDate.getTime() / 1000 > policy.maxLifetimeS + CLOCK_TOLERANCE_S) {
      return {
        ok: false,
        message: `token lives too long: its exp is more than ${policy.maxLifetimeS} s ahead`,
      };
    }
    return { ok: true, userId: sub.data, expiresAt: expS * 1000 };
  };
}

export interface SignOptions {
  /** Lifetime in seconds. @defaultValue 3600 */
  ttlSeconds?: number;
  /** Issue time in epoch seconds, for tests. @defaultValue now */
  issuedAtS?: number;
  /** `iss`, when set. */
  issuer?: string;
  /** `aud`, when set. */
  audience?: string;
}

/** A token for `userId`, signed with `key` (its algorithm). */
export async function signToken(
  userId: string,
  key: TokenKey,
  options: SignOptions = {},
): Promise<string> {
  const iat = options.issuedAtS ?? Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({})
    .setProtectedHeader({ alg: key.algorithm, typ: 'JWT' })
    .setSubject(userId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (options.ttlSeconds ?? 3600));
  if (options.issuer !== undefined) jwt.setIssuer(options.issuer);
  if (options.audience !== undefined) jwt.setAudience(options.audience);
  return jwt.sign(key.key);
}

/** A token `policy`'s verifiers accept: its key, issuer and audience, `ttlSeconds` long. */
export function signForPolicy(
  userId: string,
  policy: TokenPolicy,
  ttlSeconds: number,
): Promise<string> {
  return signToken(userId, policy.key, {
    ttlSeconds,
    ...(policy.issuer === undefined ? {} : { issuer: policy.issuer }),
    ...(policy.audience === undefined ? {} : { audience: policy.audience }),
  });
}

/** The handshake error: Socket.IO sends `data` to the client's `connect_error`. */
export class UnauthenticatedError extends Error {
  readonly data: HandshakeErrorData;

  constructor(message: string) {
    super(message);
    this.name = 'UnauthenticatedError';
    this.data = { code: 'UNAUTHENTICATED', message };
  }
}
