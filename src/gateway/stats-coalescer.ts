/**
 * `show:stats` coalesced across the cluster: a show whose seats changed is marked dirty;
 * every tick, each dirty show is published by whichever gateway takes the show's
 * cluster-wide lock (held for one period), so a show gets at most one publication per
 * period however many gateways saw its changes. A gateway that misses the lock keeps the
 * show dirty and tries again, so the last change is always published.
 */
import type { Logger } from '../observability/logger.ts';

export interface StatsCoalescerOptions {
  /** Takes the show's lock for one period; false if another gateway holds it. */
  tryLock: (showId: string, periodMs: number) => Promise<boolean>;
  publish: (showId: string) => Promise<void>;
  logger: Logger;
  /** Shortest time between two publications of one show. @defaultValue 300 */
  periodMs?: number;
  /** How often dirty shows are tried. @defaultValue 100 */
  tickMs?: number;
}

export class StatsCoalescer {
  readonly #o: StatsCoalescerOptions;
  readonly #dirty = new Set<string>();
  readonly #timer: NodeJS.Timeout;
  #running = false;

  constructor(options: StatsCoalescerOptions) {
    this.#o = options;
    this.#timer = setInterval(() => void this.#tick(), options.tickMs ?? 100);
    this.#timer.unref();
  }

  markDirty(showId: string): void {
    this.#dirty.add(showId);
  }

  async #tick(): Promise<void> {
    if (this.#running || this.#dirty.size === 0) return;
    this.#running = true;
    try {
      for (const showId of [...this.#dirty]) {
        if (!(await this.#o.tryLock(showId, this.#o.periodMs ?? 300))) continue;
        this.#dirty.delete(showId);
        await this.#o.publish(showId);
      }
    } catch (error) {
      this.#o.logger.warn({ err: error }, 'could not publish show stats; will retry');
    } finally {
      this.#running = false;
    }
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
