/**
 * The time source of the actor runtime's timers, injected so that tests advance time
 * instead of sleeping. Decisions never read it: their "now" is the record's log time.
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

/** The process clock. */
export const systemClock: Clock = Object.freeze({ now: () => Date.now() });

/** A clock that moves only when told to: for tests and replays. */
export class ManualClock implements Clock {
  private current: number;

  constructor(startMs = 0) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  /** Moves the clock forward by `ms` (never backward). */
  advance(ms: number): void {
    if (ms < 0) throw new RangeError(`ManualClock cannot go back (${ms} ms)`);
    this.current += ms;
  }

  /** Sets the clock to `ms`; it may go back, as a real clock can. */
  set(ms: number): void {
    this.current = ms;
  }
}
