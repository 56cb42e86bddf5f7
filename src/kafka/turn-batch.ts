/**
 * Partition reads asked for in one turn of the event loop, answered by one read: a
 * rebalance hands a process many partitions at once, and each load asks for its own; one
 * throw-away consumer group then serves them all instead of one group join per partition.
 */
export class PartitionsPerTurn<T> {
  readonly #read: (partitions: readonly number[]) => Promise<Map<number, T>>;
  #pending: { partitions: Set<number>; result: Promise<Map<number, T>> } | undefined;

  constructor(read: (partitions: readonly number[]) => Promise<Map<number, T>>) {
    this.#read = read;
  }

  /** What the turn's read found for each of `partitions` (absent: nothing found). */
  async of(partitions: readonly number[]): Promise<Map<number, T>> {
    if (!this.#pending) {
      const wanted = new Set<number>();
      const result = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        this.#pending = undefined;
        return this.#read([...wanted]);
      });
      this.#pending = { partitions: wanted, result };
    }
    for (const partition of partitions) this.#pending.partitions.add(partition);
    return this.#pending.result;
  }
}
