/**
 * The handshake's second step, after the token names the user: the connection caps. The
 * client's address is worked out once here (through trusted proxies) and kept on the socket;
 * a refused handshake reaches the client's `connect_error` as `RATE_LIMITED` with
 * `retryAfterMs`. An admitted connection gives its slots back when it ends, whichever way.
 */
import type { ExtendedError, Socket } from 'socket.io';
import type { HandshakeErrorData } from '../contract/socket-events.ts';
import { type AddressSet, clientAddress } from './client-address.ts';
import type { ClientLimits } from './client-limits.ts';
import type { GatewayMetrics } from './metrics.ts';
import type { RateLimiter } from './rate-limiter.ts';

/** What admission leaves on the socket for its message handling. */
export interface AdmittedData {
  /** The client's address, as the limits count it. */
  address: string;
  /** The user's and the address's message buckets (none for an exempt address). */
  sharedBuckets: readonly RateLimiter[];
}

/** A handshake refused for a connection cap: Socket.IO sends `data` to `connect_error`. */
export class ConnectionLimitError extends Error {
  readonly data: HandshakeErrorData;

  constructor(message: string, retryAfterMs: number) {
    super(message);
    this.name = 'ConnectionLimitError';
    this.data = { code: 'RATE_LIMITED', message, retryAfterMs };
  }
}

export interface AdmissionOptions {
  limits: ClientLimits;
  trustedProxies: AddressSet;
  metrics: GatewayMetrics;
}

/** The middleware; the socket's `data.userId` must be set by the one before it. */
export function admission(options: AdmissionOptions) {
  return (
    socket: Socket<never, never, never, { userId: string } & AdmittedData>,
    next: (error?: ExtendedError) => void,
  ): void => {
    const { handshake } = socket;
    const address = clientAddress(
      handshake.address,
      handshake.headers['x-forwarded-for'],
      options.trustedProxies,
    );
    const admitted = options.limits.admitConnection(address, socket.data.userId);
    if (!admitted.ok) {
      options.metrics.connectionsRefused.inc({ reason: admitted.reason });
      next(new ConnectionLimitError(admitted.message, admitted.retryAfterMs));
      return;
    }
    socket.data.address = address;
    socket.data.sharedBuckets = admitted.buckets;
    // A socket that disconnects, or whose transport closes before it ever connected.
    socket.once('disconnect', admitted.release);
    socket.conn.once('close', admitted.release);
    next();
  };
}
