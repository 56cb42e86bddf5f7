/**
 * Every actor of one partition (docs/design.md §9.1): the seat actors (`PartitionActors`) and
 * the buyer actors, each command routed by its key. `handle` decides one command and returns
 * its events (to `seat-events`) and its commands to other actors (to `seat-commands`, to be
 * produced in the same step, §9.2), ids from one index sequence per decision.
 *
 * Buyers are kept live as values (a buyer's state is small and bounded); the ones changed
 * since the last `takeChanges` are written to the snapshot under their buyer key.
 */
import {
  type ActorCommand,
  isBuyerCommand,
  type LogCommand,
  type LogEvent,
} from '../contract/buyer-records.ts';
import { buyerKey, isBuyerKey } from '../contract/ids.ts';
import type { HoldExpiry } from '../contract/kafka-records.ts';
import type { ShowDefinition } from '../contract/shows.ts';
import { decodeBuyer, encodeBuyer } from './buyer-codec.ts';
import { decideBuyer } from './buyer-decide.ts';
import {
  type BuyerLimits,
  type BuyerState,
  buyerLimits,
  INITIAL_BUYER_STATE,
  isBuyerTouched,
} from './buyer-state.ts';
import {
  PartitionActors,
  type PartitionActorsOptions,
  type RecordPosition,
} from './partition-actors.ts';
import type { SeatState } from './seat-state.ts';

export interface PartitionActorSystemOptions extends PartitionActorsOptions {
  /** What a buyer remembers; `dedupeWindowMs` defaults to the seats' own. */
  readonly buyers?: Partial<BuyerLimits>;
}

/** What one command decided: to produce in this order, events first. */
export interface SystemDecision {
  readonly events: LogEvent[];
  readonly commands: readonly ActorCommand[];
}

export class PartitionActorSystem {
  readonly seats: PartitionActors;
  private readonly buyerLimits: BuyerLimits;
  private readonly buyers = new Map<string, BuyerState>();
  private readonly dirtyBuyers = new Set<string>();

  constructor(options: PartitionActorSystemOptions = {}) {
    this.seats = new PartitionActors(options);
    this.buyerLimits = buyerLimits({
      dedupeWindowMs: this.seats.memoryLimits.dedupeWindowMs,
      ...options.buyers,
    });
  }

  /** Loads a snapshot's records (seat and buyer keys mixed, as `takeChanges` gave them). */
  loadSnapshot(entries: Iterable<readonly [key: string, record: string]>): void {
    const seatEntries: (readonly [string, string])[] = [];
    for (const entry of entries) {
      const [key, record] = entry;
      if (isBuyerKey(key)) this.buyers.set(key, decodeBuyer(record, key));
      else seatEntries.push(entry);
    }
    this.seats.loadSnapshot(seatEntries);
  }

  /** Decides one record of `seat-commands` and applies it to its actor. */
  handle(
    command: LogCommand,
    position: RecordPosition,
    show: ShowDefinition | undefined,
  ): SystemDecision {
    if (!isBuyerCommand(command)) return this.seats.handleSeatCommand(command, position, show);
    const key = buyerKey(command.showId, command.userId);
    const before = this.buyers.get(key) ?? INITIAL_BUYER_STATE;
    const decided = decideBuyer(before, command, {
      logTime: position.logTime,
      show,
      eventIdBase: `${position.partition}-${position.offset}`,
      limits: this.buyerLimits,
    });
    if (decided.state !== before) {
      if (isBuyerTouched(decided.state)) this.buyers.set(key, decided.state);
      else this.buyers.delete(key);
      this.dirtyBuyers.add(key);
    }
    return { events: decided.events, commands: decided.commands };
  }

  /**
   * Seat and buyer records changed since the last call, key → record. A buyer back to its
   * initial state is written as its initial record (the snapshot store has no delete).
   */
  takeChanges(): Map<string, string> {
    const changes = this.seats.takeChanges();
    for (const key of this.dirtyBuyers) {
      changes.set(key, encodeBuyer(this.buyers.get(key) ?? INITIAL_BUYER_STATE));
    }
    this.dirtyBuyers.clear();
    return changes;
  }

  /** The buyer of a user in a show (one that never did anything is empty). */
  buyer(showId: string, userId: string): BuyerState {
    return this.buyers.get(buyerKey(showId, userId)) ?? INITIAL_BUYER_STATE;
  }

  seat(showId: string, seatId: string): SeatState {
    return this.seats.seat(showId, seatId);
  }

  nextDeadline(): number | undefined {
    return this.seats.nextDeadline();
  }

  takeDue(now?: number): HoldExpiry[] {
    return this.seats.takeDue(now);
  }
}
