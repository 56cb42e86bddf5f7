/**
 * A binary min-heap of deadlines: the one timer structure of a partition (docs/design.md §2.4), in
 * place of a `setTimeout` per hold. Entries are never removed from the middle: owners
 * cancel by forgetting an entry and skip it when it surfaces (lazy deletion).
 */
export interface TimerEntry<T> {
  readonly dueAt: number;
  readonly value: T;
}

export class TimerHeap<T> {
  private readonly entries: TimerEntry<T>[] = [];

  get size(): number {
    return this.entries.length;
  }

  push(dueAt: number, value: T): void {
    const entries = this.entries;
    entries.push({ dueAt, value });
    let child = entries.length - 1;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (!this.before(child, parent)) break;
      this.swap(child, parent);
      child = parent;
    }
  }

  /** The earliest entry, left in place. */
  peek(): TimerEntry<T> | undefined {
    return this.entries[0];
  }

  /** Removes and returns the earliest entry. */
  pop(): TimerEntry<T> | undefined {
    const entries = this.entries;
    const top = entries[0];
    const last = entries.pop();
    if (top === undefined || last === undefined || entries.length === 0) return top;
    entries[0] = last;
    let parent = 0;
    for (;;) {
      const left = 2 * parent + 1;
      const right = left + 1;
      let smallest = parent;
      if (left < entries.length && this.before(left, smallest)) smallest = left;
      if (right < entries.length && this.before(right, smallest)) smallest = right;
      if (smallest === parent) break;
      this.swap(parent, smallest);
      parent = smallest;
    }
    return top;
  }

  private before(a: number, b: number): boolean {
    const left = this.entries[a];
    const right = this.entries[b];
    return left !== undefined && right !== undefined && left.dueAt < right.dueAt;
  }

  private swap(a: number, b: number): void {
    const entries = this.entries;
    const left = entries[a];
    const right = entries[b];
    if (left === undefined || right === undefined) return;
    entries[a] = right;
    entries[b] = left;
  }
}
