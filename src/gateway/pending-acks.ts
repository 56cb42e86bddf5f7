/**
 * Acks waiting for their decision, by correlation id (unique per attempt). Each resolves
 * once: with the deciding event's ack, with `TIMEOUT` at its deadline (the outcome is then
 * unknown: the client resyncs and retries with the same `commandId`), or with whatever the
 * gateway settles it with (`UNAVAILABLE` when the command could not be produced).
 */
import type { SeatEvent, SocketCommandType } from '../contract/kafka-records.ts';
import { ackFor, type Decided } from './decisions.ts';

interface Waiting {
  type: SocketCommandType;
  answer: (ack: Decided) => void;
  timer: NodeJS.Timeout;
}

export class PendingAcks {
  readonly #waiting = new Map<string, Waiting>();
  readonly #timeoutMs: number;

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  get size(): number {
    return this.#waiting.size;
  }

  /** Registers a wait; `answer` is called exactly once. */
  add(correlationId: string, type: SocketCommandType, answer: (ack: Decided) => void): void {
    const timer = setTimeout(() => {
      this.settle(correlationId, {
        ok: false,
        error: {
          code: 'TIMEOUT',
          message: `no decision within ${this.#timeoutMs} ms; the outcome is unknown: resync and retry with the same commandId`,
        },
      });
    }, this.#timeoutMs);
    timer.unref();
    this.#waiting.set(correlationId, { type, answer, timer });
  }

  /** Answers the wait of the event's correlation id if this event decides it. */
  resolve(event: SeatEvent): boolean {
    const waiting = this.#waiting.get(event.correlationId);
    if (!waiting) return false;
    const ack = ackFor(waiting.type, event);
    if (!ack) return false;
    return this.settle(event.correlationId, ack);
  }

  settle(correlationId: string, ack: Decided): boolean {
    const waiting = this.#waiting.get(correlationId);
    if (!waiting) return false;
    this.#waiting.delete(correlationId);
    clearTimeout(waiting.timer);
    waiting.answer(ack);
    return true;
  }

  /** Answers every wait (on shutdown). */
  settleAll(ack: Decided): void {
    for (const id of [...this.#waiting.keys()]) this.settle(id, ack);
  }
}
