/**
 * When a client joins a show again because it missed a change. Versions only grow and every
 * change the read model counted is broadcast, so once the broadcasts in flight when a
 * `show:stats` was read have arrived (a short settle delay later), a local sum still below
 * that `versionSum` means a change was lost on its way (a gateway that died between its
 * read-model write and its broadcast, an adapter that dropped messages while reconnecting).
 * A local sum above it is only a stale report, unless no newer report came since: a quiet
 * show whose sums still disagree.
 */

/** What the check of one `show:stats` report sees, once its settle delay has passed. */
export interface SumCheck {
  /** The `versionSum` the report carried. */
  readonly reportedSum: number;
  /** The sum of the local map now. */
  readonly localSum: number;
  /** Whether no newer report of the show arrived since this one. */
  readonly latest: boolean;
}

/** Whether the local map missed a change (so the client joins the show again). */
export function missedChange(check: SumCheck): boolean {
  if (check.localSum < check.reportedSum) return true;
  return check.latest && check.localSum !== check.reportedSum;
}

export interface ResyncTimingOptions {
  /** How long after a report its sum is checked: broadcasts in flight arrive meanwhile. */
  readonly settleMs: number;
  /** The least time between two resyncs of one show, whatever the reports say. */
  readonly minIntervalMs: number;
}

interface ShowWatch {
  /** The report being waited on, and its timer. */
  checking?: { sum: number; timer: ReturnType<typeof setTimeout> };
  /** The newest report that came while one was being waited on. */
  newer?: number;
  lastResyncAt: number;
  resyncing: boolean;
}

/**
 * Per show: checks a report once its settle delay has passed; reports that come meanwhile
 * are kept (the newest) and checked next, so a steady stream of reports is still checked
 * every settle delay. Joins again at most once per `minIntervalMs` and never twice at once;
 * one timer per show.
 */
export class ResyncScheduler {
  readonly #timing: ResyncTimingOptions;
  readonly #localSum: (showId: string) => number | undefined;
  readonly #resync: (showId: string) => Promise<void>;
  readonly #now: () => number;
  readonly #shows = new Map<string, ShowWatch>();

  constructor(options: {
    timing: ResyncTimingOptions;
    /** The local map's sum, or undefined when the show is not joined. */
    localSum: (showId: string) => number | undefined;
    /** Joins the show again. */
    resync: (showId: string) => Promise<void>;
    now?: () => number;
  }) {
    this.#timing = options.timing;
    this.#localSum = options.localSum;
    this.#resync = options.resync;
    this.#now = options.now ?? Date.now;
  }

  /** A `show:stats` report arrived. */
  report(showId: string, versionSum: number): void {
    const watch = this.#shows.get(showId) ?? { lastResyncAt: -Infinity, resyncing: false };
    this.#shows.set(showId, watch);
    if (watch.checking || watch.resyncing) watch.newer = versionSum;
    else this.#wait(showId, watch, versionSum, this.#timing.settleMs);
  }

  /** Drops a show's checks (left), or every show's (closed). */
  forget(showId?: string): void {
    for (const [id, watch] of this.#shows) {
      if (showId !== undefined && id !== showId) continue;
      if (watch.checking) clearTimeout(watch.checking.timer);
      this.#shows.delete(id);
    }
  }

  #wait(showId: string, watch: ShowWatch, sum: number, delayMs: number): void {
    const timer = setTimeout(() => void this.#check(showId, watch), delayMs);
    watch.checking = { sum, timer };
  }

  async #check(showId: string, watch: ShowWatch): Promise<void> {
    const reportedSum = watch.checking?.sum ?? 0;
    watch.checking = undefined;
    const localSum = this.#localSum(showId);
    if (this.#shows.get(showId) !== watch || localSum === undefined) return;
    const latest = watch.newer === undefined;
    if (missedChange({ reportedSum, localSum, latest })) {
      const allowedAt = watch.lastResyncAt + this.#timing.minIntervalMs;
      if (this.#now() < allowedAt) {
        this.#wait(showId, watch, reportedSum, allowedAt - this.#now());
        return;
      }
      watch.lastResyncAt = this.#now();
      watch.resyncing = true;
      try {
        await this.#resync(showId);
      } finally {
        watch.resyncing = false;
      }
    }
    const newer = watch.newer;
    watch.newer = undefined;
    if (newer !== undefined && this.#shows.get(showId) === watch) {
      this.#wait(showId, watch, newer, this.#timing.settleMs);
    }
  }
}
