/**
 * The seat actors of one partition (docs/design.md §2.2–§2.4): a compact idle store, live actors
 * activated on first use and passivated when idle, one timer heap for hold deadlines and
 * passivation, and the seats changed since the last snapshot write.
 *
 * The host feeds records in offset order. `handle` is synchronous and runs one command to
 * its end, so operations on one seat never interleave and per-seat order is the log's order:
 * the mailbox of each actor is the partition's record stream itself.
 */

import type { ActorCommand, SeatActorCommand } from '../contract/buyer-records.ts';
import { seatKey } from '../contract/ids.ts';
import type { HoldExpiry, SeatCommand, SeatEvent } from '../contract/kafka-records.ts';
import type { ShowDefinition } from '../contract/shows.ts';
import { type Clock, systemClock } from './clock.ts';
import { refusesUnknownTarget } from './decide.ts';
import { evolve } from './evolve.ts';
import { type HoldDeadline, holdExpiryCommand } from './hold-expiry.ts';
import { decideSeatCommand } from './seat-buyer-rules.ts';
import { pruneMemory } from './seat-memory.ts';
import {
  INITIAL_SEAT_STATE,
  isTouched,
  type SeatMemoryLimits,
  type SeatState,
  seatMemoryLimits,
  withMemory,
} from './seat-state.ts';
import { decodeSeat, encodeSeat, SNAPSHOT_FORMAT } from './snapshot-codec.ts';
import { TimerHeap } from './timer-heap.ts';

/** Where a command sits in the log. */
export interface RecordPosition {
  readonly partition: number;
  /** The record's offset, as Kafka clients carry it. */
  readonly offset: string;
  /** The record's broker time (LogAppendTime): the command's "now". */
  readonly logTime: number;
}

export interface PartitionActorsOptions {
  /**
   * Time source of the timers (hold deadlines, passivation, `sentAt` of expiries).
   * @defaultValue `systemClock`
   */
  readonly clock?: Clock;
  /**
   * What a seat remembers; see `SeatMemoryLimits`.
   * @defaultValue `DEFAULT_SEAT_MEMORY_LIMITS` (dedupe window 15 minutes)
   */
  readonly memory?: Partial<SeatMemoryLimits>;
  /**
   * Clock time after its last command at which a live actor folds back into the idle store.
   * @defaultValue 60_000
   */
  readonly passivateAfterMs?: number;
  /**
   * Clock time after an expiry command was handed out at which it is handed out again if
   * the hold is still there (the command was lost, or is still queued behind a long lag;
   * a repeated expiry is a no-op).
   * @defaultValue 60_000
   */
  readonly expiryRetryMs?: number;
  /**
   * Least delay before an expiry that came early by log time is handed out again; the
   * actual delay is how early it came, at least this.
   * @defaultValue 100
   */
  readonly earlyExpiryRetryMinMs?: number;
}

/** Counters for metrics and tests. */
export interface PartitionActorsStats {
  /** Seats with a live actor. */
  readonly liveActors: number;
  /** Seats kept in compact form only. */
  readonly idleSeats: number;
  /** Holds with an armed deadline. */
  readonly armedHolds: number;
  /** Entries in the timer heap, cancelled ones included. */
  readonly timers: number;
}

interface LiveActor {
  readonly key: string;
  state: SeatState;
  /** Clock time of the last command. */
  lastUsedAt: number;
}

/** One armed hold; a new object on every re-arm, so that older heap entries go stale. */
interface ArmedHold extends HoldDeadline {
  readonly dueAt: number;
}

type Timer =
  | { readonly kind: 'hold'; readonly key: string; readonly armed: ArmedHold }
  | { readonly kind: 'passivate'; readonly actor: LiveActor };

export class PartitionActors {
  private readonly clock: Clock;
  private readonly limits: SeatMemoryLimits;
  private readonly passivateAfterMs: number;
  private readonly expiryRetryMs: number;
  private readonly earlyExpiryRetryMinMs: number;

  /** Seats without a live actor, in snapshot form. */
  private readonly idle = new Map<string, string>();
  private readonly live = new Map<string, LiveActor>();
  private readonly armed = new Map<string, ArmedHold>();
  private readonly timers = new TimerHeap<Timer>();
  private readonly dirty = new Set<string>();
  /** Expiries fallen due and not yet taken. */
  private dueExpiries: HoldExpiry[] = [];
  /** Highest log time handled: memories out of their windows by then are dropped on passivation. */
  private logTimeHighWater = 0;

  constructor(options: PartitionActorsOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.limits = seatMemoryLimits(options.memory);
    this.passivateAfterMs = options.passivateAfterMs ?? 60_000;
    this.expiryRetryMs = options.expiryRetryMs ?? 60_000;
    this.earlyExpiryRetryMinMs = options.earlyExpiryRetryMinMs ?? 100;
  }

  /** The limits decisions are made with (defaults filled in). */
  get memoryLimits(): SeatMemoryLimits {
    return this.limits;
  }

  /**
   * Loads a partition snapshot's seat records (as `takeChanges` gave them) and arms every
   * hold deadline at once, so that a hold nobody touches still expires. Call it before the
   * first `handle`. Throws `HF_RECORD_INVALID` on a record it cannot read.
   */
  loadSnapshot(entries: Iterable<readonly [key: string, record: string]>): void {
    for (const [key, record] of entries) {
      const state = decodeSeat(record, key);
      this.idle.set(key, recordIsCurrent(record) ? record : encodeSeat(state));
      if (state.status === 'held') {
        const { showId, seatId } = splitSeatKey(key);
        this.arm(key, {
          showId,
          seatId,
          holdId: state.holdId,
          userId: state.userId,
          expiresAt: state.expiresAt,
          dueAt: state.expiresAt,
        });
      }
    }
  }

  /**
   * Decides one command, applies its events to the seat and returns them (to produce, in
   * order). Business refusals are `seat.rejected` events. `show` is the command's show, or
   * `undefined` when the worker does not know it.
   */
  handle(
    command: SeatCommand,
    position: RecordPosition,
    show: ShowDefinition | undefined,
  ): SeatEvent[] {
    return this.handleSeatCommand(command, position, show).events;
  }

  /**
   * Decides any command of a seat (a client's, an expiry, or a buyer's, docs/design.md §9),
   * applies its events and returns them with the commands it sends other actors, to produce
   * together (events first: they share one index sequence).
   */
  handleSeatCommand(
    command: SeatActorCommand,
    position: RecordPosition,
    show: ShowDefinition | undefined,
  ): { events: SeatEvent[]; commands: readonly ActorCommand[] } {
    const key = seatKey(command.showId, command.seatId);
    if (position.logTime > this.logTimeHighWater) this.logTimeHighWater = position.logTime;
    const context = {
      logTime: position.logTime,
      show,
      eventIdBase: `${position.partition}-${position.offset}`,
      limits: this.limits,
    };
    // Decided before an actor is woken: `decide` alone says whether the seat exists (one
    // layout check per command), and a seat that does not exist gets no actor and no state.
    const live = this.live.get(key);
    const before = live?.state ?? this.readIdle(key);
    const decided = decideSeatCommand(before, command, context);
    if (refusesUnknownTarget(decided.events[0])) return decided;
    const actor = live ?? this.activate(key, before);
    let after = before;
    for (const event of decided.events) after = evolve(after, event, this.limits, command.type);
    actor.state = after;
    const now = this.clock.now();
    actor.lastUsedAt = now;
    if (after !== before) {
      this.dirty.add(key);
      this.followHold(key, command, before, after);
    }
    if (decided.earlyExpiry !== undefined) {
      const { earlyByMs, ...hold } = decided.earlyExpiry;
      this.arm(key, {
        showId: command.showId,
        seatId: command.seatId,
        ...hold,
        dueAt: now + Math.max(earlyByMs, this.earlyExpiryRetryMinMs),
      });
    }
    return decided;
  }

  /**
   * The seats changed since the last call, seat key → record, for the snapshot: the host
   * writes exactly these with the batch's last offset.
   */
  takeChanges(): Map<string, string> {
    const changes = new Map<string, string>();
    for (const key of this.dirty) {
      const actor = this.live.get(key);
      const record = actor === undefined ? this.idle.get(key) : encodeSeat(actor.state);
      if (record !== undefined) changes.set(key, record);
    }
    this.dirty.clear();
    return changes;
  }

  /** Clock time of the earliest pending timer (hold deadline or passivation), if any. */
  nextDeadline(): number | undefined {
    for (;;) {
      const top = this.timers.peek();
      if (top === undefined) return undefined;
      if (this.isCurrent(top.value)) return top.dueAt;
      this.timers.pop();
    }
  }

  /**
   * Runs the timers due at `now` and returns the `seat.holdExpiry` commands to produce (to
   * the seat's key, like any command). A handed-out expiry is armed again `expiryRetryMs`
   * later in case it never comes back. Also passivates idle actors, as `passivateIdle`.
   */
  takeDue(now: number = this.clock.now()): HoldExpiry[] {
    this.runTimers(now);
    const expiries = this.dueExpiries;
    this.dueExpiries = [];
    return expiries;
  }

  /**
   * Folds the actors idle for `passivateAfterMs` back into the idle store. Expiries that fall
   * due meanwhile wait for the next `takeDue`.
   */
  passivateIdle(now: number = this.clock.now()): void {
    this.runTimers(now);
  }

  /** Seats with a live actor. */
  get liveActorCount(): number {
    return this.live.size;
  }

  /** The current state of a seat (a never-touched seat is available at version 0). */
  seat(showId: string, seatId: string): SeatState {
    return this.peek(seatKey(showId, seatId));
  }

  stats(): PartitionActorsStats {
    return {
      liveActors: this.live.size,
      idleSeats: this.idle.size,
      armedHolds: this.armed.size,
      timers: this.timers.size,
    };
  }

  private runTimers(now: number): void {
    for (;;) {
      const top = this.timers.peek();
      if (top === undefined || top.dueAt > now) return;
      this.timers.pop();
      const timer = top.value;
      if (!this.isCurrent(timer)) continue;
      if (timer.kind === 'hold') {
        this.dueExpiries.push(holdExpiryCommand(timer.armed, now));
        this.arm(timer.key, { ...timer.armed, dueAt: now + this.expiryRetryMs });
      } else {
        this.passivateIfIdle(timer.actor, now);
      }
    }
  }

  private peek(key: string): SeatState {
    return this.live.get(key)?.state ?? this.readIdle(key);
  }

  /** The state of a seat with no live actor: its idle record, or a never-touched seat. */
  private readIdle(key: string): SeatState {
    const record = this.idle.get(key);
    return record === undefined ? INITIAL_SEAT_STATE : decodeSeat(record, key);
  }

  /** Wakes the seat's actor with `state`, its idle state as `readIdle` just read it. */
  private activate(key: string, state: SeatState): LiveActor {
    this.idle.delete(key);
    const actor: LiveActor = { key, state, lastUsedAt: this.clock.now() };
    this.live.set(key, actor);
    this.timers.push(actor.lastUsedAt + this.passivateAfterMs, { kind: 'passivate', actor });
    return actor;
  }

  private passivateIfIdle(actor: LiveActor, now: number): void {
    const idleUntil = actor.lastUsedAt + this.passivateAfterMs;
    if (idleUntil > now) {
      this.timers.push(idleUntil, { kind: 'passivate', actor });
      return;
    }
    this.live.delete(actor.key);
    const memory = pruneMemory(actor.state.memory, this.logTimeHighWater, this.limits);
    const state = memory === actor.state.memory ? actor.state : withMemory(actor.state, memory);
    if (isTouched(state)) this.idle.set(actor.key, encodeSeat(state));
  }

  /** Arms, moves or cancels the seat's hold deadline after a state change. */
  private followHold(
    key: string,
    command: SeatActorCommand,
    before: SeatState,
    after: SeatState,
  ): void {
    if (after.status === 'held') {
      if (before.status === 'held' && before.holdId === after.holdId) return;
      this.arm(key, {
        showId: command.showId,
        seatId: command.seatId,
        holdId: after.holdId,
        userId: after.userId,
        expiresAt: after.expiresAt,
        dueAt: after.expiresAt,
      });
    } else if (before.status === 'held') {
      // Lazy cancellation: the heap entry goes stale and is skipped when it surfaces.
      this.armed.delete(key);
    }
  }

  private arm(key: string, armed: ArmedHold): void {
    this.armed.set(key, armed);
    this.timers.push(armed.dueAt, { kind: 'hold', key, armed });
  }

  private isCurrent(timer: Timer): boolean {
    return timer.kind === 'hold'
      ? this.armed.get(timer.key) === timer.armed
      : this.live.get(timer.actor.key) === timer.actor;
  }
}

function recordIsCurrent(record: string): boolean {
  return record.startsWith(`{"f":${SNAPSHOT_FORMAT},`);
}

/** `showId/seatId` → its parts (a showId never contains `/`). */
function splitSeatKey(key: string): { showId: string; seatId: string } {
  const slash = key.indexOf('/');
  return { showId: key.slice(0, slash), seatId: key.slice(slash + 1) };
}
