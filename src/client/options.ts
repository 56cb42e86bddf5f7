/** What a client is created with, and what each command may be given. */
import type { ManagerOptions, SocketOptions } from 'socket.io-client';
import type { TokenSource } from './session.ts';

export interface HoldfastClientOptions {
  /** The gateway's base URL, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** A fixed JWT (the session ends when it expires), or a function like `getToken`. */
  token?: string | TokenSource;
  /**
   * Gives a fresh JWT (sync or async): asked at every (re)connect and before the current
   * token expires, to renew the session in place. Give this or `token`.
   */
  getToken?: TokenSource;
  /** How long before its token expires the session is renewed (at most halfway). @defaultValue 60000 */
  refreshBeforeMs?: number;
  /** The wait before trying a failed renewal again. @defaultValue 5000 */
  refreshRetryMs?: number;
  /**
   * How long a call waits for its ack before resolving `TIMEOUT` locally; longer than the
   * gateway's own deadline so the gateway's answer normally wins. @defaultValue 15000
   */
  ackTimeoutMs?: number;
  /** Delay before joining again when a re-join is answered `UNAVAILABLE`. @defaultValue 500 */
  rejoinRetryMs?: number;
  /**
   * How long after a `show:stats` its `versionSum` is compared with the local map's, so
   * that broadcasts in flight arrive first. @defaultValue 1000
   */
  resyncSettleMs?: number;
  /** The least time between two joins of a show for a missed change. @defaultValue 3000 */
  resyncMinIntervalMs?: number;
  /** Passed to socket.io-client's `io()`. */
  socketOptions?: Partial<ManagerOptions & SocketOptions>;
}

export interface CommandOptions {
  /**
   * The idempotency key: pass the same one to retry after a `TIMEOUT` or `UNAVAILABLE`.
   * @defaultValue a fresh random id
   */
  commandId?: string;
}
