/**
 * Token buckets with an injected clock. With the per-socket defaults (burst 40, 20 tokens a
 * second) a socket that sends at most 20 messages in any second never runs dry: over any
 * span of t seconds it sends at most 20·(t+1) ≤ burst + 20·t. A refused message takes no
 * token, so a flooding socket is served again as soon as one token has refilled (50 ms),
 * well within the 5 s the contract promises (docs/design.md §5.5).
 *
 * A message is charged to several buckets at once (its socket's, its user's, its
 * address's) with `takeFromAll`: all or none, so a message refused by any bucket is charged
 * to no bucket.
 */
export interface RateLimitOptions {
  /** Tokens added per second. @defaultValue 20 */
  perSecond?: number;
  /** Bucket size: the longest burst allowed after a quiet spell. @defaultValue 40 */
  burst?: number;
}

export type Clock = () => number;

export class RateLimiter {
  readonly #perMs: number;
  readonly #burst: number;
  readonly #now: Clock;
  #tokens: number;
  #last: number;

  constructor(options: RateLimitOptions = {}, now: Clock = Date.now) {
    this.#perMs = (options.perSecond ?? 20) / 1000;
    this.#burst = options.burst ?? 40;
    this.#now = now;
    this.#tokens = this.#burst;
    this.#last = now();
  }

  /** Takes one token and returns true, or returns false (and takes nothing) when empty. */
  tryTake(): boolean {
    if (this.msUntilToken() > 0) return false;
    this.#tokens -= 1;
    return true;
  }

  /** 0 when a token is there now, otherwise how long until one is. */
  msUntilToken(): number {
    this.#refill();
    return this.#tokens >= 1 ? 0 : Math.ceil((1 - this.#tokens) / this.#perMs);
  }

  /** True when the bucket is full: it remembers nothing a fresh bucket would not. */
  isFull(): boolean {
    this.#refill();
    return this.#tokens >= this.#burst;
  }

  #refill(): void {
    const now = this.#now();
    const elapsed = Math.max(0, now - this.#last);
    this.#last = now;
    this.#tokens = Math.min(this.#burst, this.#tokens + elapsed * this.#perMs);
  }
}

export type Taken = { ok: true } | { ok: false; retryAfterMs: number };

/** One token from every bucket, or none from any: then how long until all have one. */
export function takeFromAll(buckets: readonly RateLimiter[]): Taken {
  let retryAfterMs = 0;
  for (const bucket of buckets) retryAfterMs = Math.max(retryAfterMs, bucket.msUntilToken());
  if (retryAfterMs > 0) return { ok: false, retryAfterMs };
  for (const bucket of buckets) bucket.tryTake();
  return { ok: true };
}
