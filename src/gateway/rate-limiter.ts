/**
 * Per-socket token bucket with an injected clock. With the defaults (burst 40, 20 tokens a
 * second) a socket that sends at most 20 messages in any second never runs dry: over any
 * span of t seconds it sends at most 20·(t+1) ≤ burst + 20·t. A refused message takes no
 * token, so a flooding socket is served again as soon as one token has refilled (50 ms),
 * well within the 5 s the contract promises (docs/design.md §5.5).
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
    const now = this.#now();
    const elapsed = Math.max(0, now - this.#last);
    this.#last = now;
    this.#tokens = Math.min(this.#burst, this.#tokens + elapsed * this.#perMs);
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
