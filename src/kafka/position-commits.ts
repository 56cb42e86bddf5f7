/**
 * Commits of consumed positions. They feed lag metrics (and KEDA) only: every partition
 * starts from the position its handler stores, never from the committed offset. So they
 * are made on a timer, on rebalance and on stop — not after every batch — one at a time
 * (kafkajs retries a commit for a while when the broker is away), and only for positions
 * that moved. A failed commit waits for the next one.
 */
import type { Logger } from '../observability/logger.ts';

export type CommitOffsets = (offsets: { partition: number; offset: bigint }[]) => Promise<void>;

export class PositionCommits {
  readonly #send: CommitOffsets;
  readonly #logger: Logger;
  readonly #committed = new Map<number, bigint>();
  #committing: Promise<void> | undefined;

  constructor(send: CommitOffsets, logger: Logger) {
    this.#send = send;
    this.#logger = logger;
  }

  /** A new assignment: what the previous one committed says nothing any more. */
  forget(): void {
    this.#committed.clear();
  }

  async commit(positions: ReadonlyMap<number, bigint>): Promise<void> {
    while (this.#committing) await this.#committing;
    this.#committing = this.#commitOnce(positions);
    try {
      await this.#committing;
    } finally {
      this.#committing = undefined;
    }
  }

  async #commitOnce(positions: ReadonlyMap<number, bigint>): Promise<void> {
    const offsets = [...positions]
      .filter(([partition, offset]) => this.#committed.get(partition) !== offset)
      .map(([partition, offset]) => ({ partition, offset }));
    if (offsets.length === 0) return;
    try {
      await this.#send(offsets);
      for (const { partition, offset } of offsets) this.#committed.set(partition, offset);
    } catch (error) {
      this.#logger.debug({ err: error }, 'offset commit failed; the next one retries');
    }
  }
}
