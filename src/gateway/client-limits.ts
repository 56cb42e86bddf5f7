/**
 * The limits above a single socket's, kept per gateway process: connections per user and per
 * client address, messages per second across all of a user's (and an address's) sockets,
 * and seat-map HTTP requests per address. A user's or address's tally outlives its sockets
 * until its bucket has refilled, so reconnecting never buys a fresh bucket. Addresses in the
 * exempt set (loopback by default: local benchmarks and tests open thousands of sockets)
 * skip all of these; the per-socket bucket still applies to them.
 *
 * Pure state with an injected clock; the gateway calls `sweep` on a timer to forget tallies
 * that hold nothing a fresh one would not.
 */
import type { AddressSet } from './client-address.ts';
import { type Clock, RateLimiter, type Taken } from './rate-limiter.ts';

/** A refused connection may retry after this long: a slot frees only when one closes. */
export const CONNECTION_RETRY_AFTER_MS = 5000;

export interface Bucket {
  readonly perSecond: number;
  readonly burst: number;
}

export interface ClientLimitSettings {
  readonly maxConnectionsPerUser: number;
  readonly maxConnectionsPerAddress: number;
  /** Messages across all of one user's sockets. */
  readonly userMessages: Bucket;
  /** Messages across all sockets from one address. */
  readonly addressMessages: Bucket;
  /** `GET /shows/:showId/seats` per address. */
  readonly seatMapRequests: Bucket;
  readonly exempt: AddressSet;
}

/** Why a connection was refused: a fixed set, fit for a metric label. */
export type ConnectionRefusal = 'user_connections' | 'address_connections';

export type Admission =
  | {
      ok: true;
      /** The user's and the address's message buckets, to charge with the socket's own. */
      buckets: readonly RateLimiter[];
      /** Gives the connection slots back; safe to call more than once. */
      release: () => void;
    }
  | { ok: false; reason: ConnectionRefusal; message: string; retryAfterMs: number };

interface Tally {
  connections: number;
  messages: RateLimiter;
}

export class ClientLimits {
  readonly #settings: ClientLimitSettings;
  readonly #now: Clock;
  readonly #users = new Map<string, Tally>();
  readonly #addresses = new Map<string, Tally>();
  readonly #seatMaps = new Map<string, RateLimiter>();

  constructor(settings: ClientLimitSettings, now: Clock = Date.now) {
    this.#settings = settings;
    this.#now = now;
  }

  /** Takes a connection slot for the user and the address, or says which cap is reached. */
  admitConnection(address: string, userId: string): Admission {
    if (this.#settings.exempt.has(address)) return { ok: true, buckets: [], release: () => {} };
    const { maxConnectionsPerUser, maxConnectionsPerAddress } = this.#settings;
    const user = this.#tally(this.#users, userId, this.#settings.userMessages);
    const from = this.#tally(this.#addresses, address, this.#settings.addressMessages);
    if (user.connections >= maxConnectionsPerUser) {
      return this.#refuse(
        'user_connections',
        `this user has ${maxConnectionsPerUser} connections open already (the most allowed): close one`,
      );
    }
    if (from.connections >= maxConnectionsPerAddress) {
      return this.#refuse(
        'address_connections',
        `this address has ${maxConnectionsPerAddress} connections open already (the most allowed)`,
      );
    }
    user.connections++;
    from.connections++;
    let released = false;
    return {
      ok: true,
      buckets: [user.messages, from.messages],
      release: () => {
        if (released) return;
        released = true;
        user.connections--;
        from.connections--;
      },
    };
  }

  /** One seat-map request from `address`, or how long until it may ask again. */
  takeSeatMapRequest(address: string): Taken {
    if (this.#settings.exempt.has(address)) return { ok: true };
    let bucket = this.#seatMaps.get(address);
    if (!bucket) {
      bucket = new RateLimiter(this.#settings.seatMapRequests, this.#now);
      this.#seatMaps.set(address, bucket);
    }
    const wait = bucket.msUntilToken();
    if (wait > 0) return { ok: false, retryAfterMs: wait };
    bucket.tryTake();
    return { ok: true };
  }

  /** Forgets every tally with no connection and a full bucket: a fresh one is the same. */
  sweep(): void {
    for (const tallies of [this.#users, this.#addresses]) {
      for (const [key, tally] of tallies) {
        if (tally.connections === 0 && tally.messages.isFull()) tallies.delete(key);
      }
    }
    for (const [address, bucket] of this.#seatMaps) {
      if (bucket.isFull()) this.#seatMaps.delete(address);
    }
  }

  /** How many users, addresses and seat-map buckets are remembered (for tests and metrics). */
  get tracked(): { users: number; addresses: number; seatMaps: number } {
    return {
      users: this.#users.size,
      addresses: this.#addresses.size,
      seatMaps: this.#seatMaps.size,
    };
  }

  #tally(tallies: Map<string, Tally>, key: string, bucket: Bucket): Tally {
    let tally = tallies.get(key);
    if (!tally) {
      tally = { connections: 0, messages: new RateLimiter(bucket, this.#now) };
      tallies.set(key, tally);
    }
    return tally;
  }

  #refuse(reason: ConnectionRefusal, message: string): Admission {
    return { ok: false, reason, message, retryAfterMs: CONNECTION_RETRY_AFTER_MS };
  }
}
