/**
 * Identity of a socket (docs/design.md §3.11, §5.1): an HS256 JWT signed with the UTF-8 bytes of
 * the shared secret; `sub` is the user id and the only required claim; `exp` is honoured with at
 * most 5 s leeway. Refusals are values; the middleware turns them into a handshake error whose
 * `data.code` is `UNAUTHENTICATED`.
 */
import { errors, jwtVerify, SignJWT } from 'jose';
import { UserIdSchema } from '../contract/ids.ts';
import type { HandshakeErrorData } from '../contract/socket-events.ts';

/** Leeway on `exp` / `nbf`, in seconds. */
export const CLOCK_TOLERANCE_S = 5;

export type Verified = { ok: true; userId: string } | { ok: false; message: string };

export function secretKey(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

export async function verifyToken(token: unknown, key: Uint8Array): Promise<Verified> {
  if (typeof token !== 'string' || token.length === 0) {
    return { ok: false, message: 'no token: connect with auth: { token }' };
  }
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      clockTolerance: CLOCK_TOLERANCE_S,
    });
    const sub = UserIdSchema.safeParse(payload.sub);
    if (!sub.success) return { ok: false, message: 'token has no valid sub (user id) claim' };
    return { ok: true, userId: sub.data };
  } catch (error) {
    if (error instanceof errors.JWTExpired) return { ok: false, message: 'token expired' };
    if (error instanceof errors.JOSEError) {
      return { ok: false, message: `token refused: ${error.code}` };
    }
    return { ok: false, message: 'token refused' };
  }
}

export interface SignOptions {
  /** Lifetime in seconds. @defaultValue 3600 */
  ttlSeconds?: number;
  /** Issue time in epoch seconds, for tests. @defaultValue now */
  issuedAtS?: number;
}

export async function signToken(
  userId: string,
  key: Uint8Array,
  options: SignOptions = {},
): Promise<string> {
  const iat = options.issuedAtS ?? Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (options.ttlSeconds ?? 3600))
    .sign(key);
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
