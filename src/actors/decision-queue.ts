/**
 * A bounded queue of remembered decisions (oldest first) that remembering one more does not
 * copy. Seat states are immutable values, yet a hot seat refuses a buyer per command: copying
 * its whole memory per decision was the pure path's largest cost.
 *
 * A queue is a view, `[start, end)`, of a backing store that it shares with the queues it was
 * made from and the ones made from it. A view never reads past its own `end`, so pushing onto
 * the store of the view that ends at the store's end changes no view that exists: in place.
 * Pushing onto any other view (a caller deciding again from an older state) copies its live
 * part first. Entries leave from the front by moving `start`; once the dead front outweighs
 * the live part, the next push copies the live part into a fresh store, so a store holds at
 * most about twice its queue and each push costs O(1) amortized.
 */
import type { RememberedDecision } from './seat-state.ts';

/** A dead front this long or longer than the live part is cut off at the next push. */
const MIN_DEAD_FRONT = 16;

/** Read and grown only through `DecisionQueue`: every array is parallel to `entries`. */
interface Store {
  readonly entries: RememberedDecision[];
  /** `decisionKey(userId, commandId)` of each entry: a miss scans numbers, not entries. */
  readonly keys: number[];
  /** Each entry's text in a snapshot record, made at most once (see `text`). */
  readonly texts: (string | undefined)[];
}

export class DecisionQueue {
  static readonly EMPTY = new DecisionQueue({ entries: [], keys: [], texts: [] }, 0, 0);

  private constructor(
    private readonly store: Store,
    private readonly start: number,
    private readonly end: number,
  ) {}

  /** A queue of exactly these entries, oldest first, with their keys. */
  static of(entries: readonly RememberedDecision[], keys: readonly number[]): DecisionQueue {
    if (entries.length === 0) return DecisionQueue.EMPTY;
    return new DecisionQueue(
      { entries: [...entries], keys: [...keys], texts: new Array(entries.length).fill(undefined) },
      0,
      entries.length,
    );
  }

  get length(): number {
    return this.end - this.start;
  }

  /** The `index`-th entry from the oldest. */
  at(index: number): RememberedDecision {
    return this.store.entries[this.start + index] as RememberedDecision;
  }

  /** The newest entry of `(userId, commandId)` under its `key`, if any. */
  find(key: number, userId: string, commandId: string): RememberedDecision | undefined {
    const { keys, entries } = this.store;
    for (let i = this.end - 1; i >= this.start; i--) {
      if (keys[i] !== key) continue;
      const entry = entries[i] as RememberedDecision;
      if (entry.commandId === commandId && entry.userId === userId) return entry;
    }
    return undefined;
  }

  /**
   * This queue with `entry` added last: first without the entries that are out of the
   * window at the entry's time (entries arrive in log order, so those lead), then without
   * the oldest while it would hold more than `cap`. A cap of 0 keeps nothing.
   */
  push(entry: RememberedDecision, key: number, cap: number, windowMs: number): DecisionQueue {
    const { store, end } = this;
    let start = this.start;
    while (
      start < end &&
      entry.decidedAt - (store.entries[start] as RememberedDecision).decidedAt >= windowMs
    ) {
      start++;
    }
    if (cap === 0) return DecisionQueue.EMPTY;
    if (end - start >= cap) start = end - cap + 1;
    const live = end - start;
    if (live > 0 && store.entries.length === end && start < Math.max(live, MIN_DEAD_FRONT)) {
      store.entries.push(entry);
      store.keys.push(key);
      store.texts.push(undefined);
      return new DecisionQueue(store, start, end + 1);
    }
    const fresh: Store = {
      entries: store.entries.slice(start, end),
      keys: store.keys.slice(start, end),
      texts: store.texts.slice(start, end),
    };
    fresh.entries.push(entry);
    fresh.keys.push(key);
    fresh.texts.push(undefined);
    return new DecisionQueue(fresh, 0, live + 1);
  }

  /** This queue without its oldest entries while `drop` says so (the same queue if none go). */
  dropWhile(drop: (entry: RememberedDecision) => boolean): DecisionQueue {
    let start = this.start;
    while (start < this.end && drop(this.store.entries[start] as RememberedDecision)) start++;
    if (start === this.start) return this;
    return start === this.end
      ? DecisionQueue.EMPTY
      : new DecisionQueue(this.store, start, this.end);
  }

  /**
   * The `index`-th entry's text as `encode` writes it, made once per entry and shared by
   * every queue that holds the entry: `encode` must be a pure function of the entry.
   */
  text(index: number, encode: (entry: RememberedDecision) => string): string {
    const at = this.start + index;
    let text = this.store.texts[at];
    if (text === undefined) {
      text = encode(this.store.entries[at] as RememberedDecision);
      this.store.texts[at] = text;
    }
    return text;
  }
}
