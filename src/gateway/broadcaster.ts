/**
 * The one place broadcasts leave a gateway: the show rooms, `seat:changed`, `seats:changed`
 * and `show:stats`; and the user rooms, `seat:cancelled`.
 *
 * A show has two rooms: sockets that connected with `auth.frames: 'batch'` join its batch
 * room, every other socket its default room. A change goes to the default room at once, one
 * `seat:changed` per change; for the batch room it waits for the next tick, where each show's
 * changes of the tick go out as one `seats:changed` frame — serialised once per show and
 * tick, whatever the number of batch sockets (on any gateway: the rooms span the cluster
 * through the adapter). Stats reach both rooms.
 */
import type { SeatChanged, ShowStats } from '../contract/seat-views.ts';
import type { Frames, SeatCancelled, ServerToClientEvents } from '../contract/socket-events.ts';
import type { Logger } from '../observability/logger.ts';
import { StatsCoalescer } from './stats-coalescer.ts';

/** The part of the Socket.IO server the broadcaster needs: emitting to rooms. */
export interface Rooms {
  to(room: string | string[]): {
    emit<E extends keyof ServerToClientEvents>(
      event: E,
      ...args: Parameters<ServerToClientEvents[E]>
    ): unknown;
  };
}

/** The part of a socket the broadcaster needs: joining and leaving rooms. */
export interface RoomMember {
  join(room: string): unknown;
  leave(room: string): unknown;
}

export interface BroadcasterOptions {
  rooms: Rooms;
  /** Takes the show's cluster-wide stats lock for one period; false if another holds it. */
  tryStatsLock: (showId: string, periodMs: number) => Promise<boolean>;
  /** The show's current stats, or undefined for a show this gateway does not know. */
  readStats: (showId: string) => Promise<ShowStats | undefined>;
  logger: Logger;
  /** How long changes wait to share a `seats:changed` frame. @defaultValue 15 */
  batchTickMs?: number;
  /** Shortest time between two `show:stats` of one show. @defaultValue the stats coalescer's */
  statsPeriodMs?: number;
  /** How often changed shows are tried for `show:stats`. @defaultValue the stats coalescer's */
  statsTickMs?: number;
}

/** The room of a show's sockets that take one `seat:changed` per change. */
export function showRoom(showId: string): string {
  return `show:${showId}`;
}

/** The room of every socket of one user, on any gateway: messages about their own seats. */
export function userRoom(userId: string): string {
  return `user:${userId}`;
}

/** The room of a show's sockets that take `seats:changed` frames. */
export function batchRoom(showId: string): string {
  return `show:${showId}:batch`;
}

function roomOf(showId: string, frames: Frames): string {
  return frames === 'batch' ? batchRoom(showId) : showRoom(showId);
}

export class Broadcaster {
  readonly #rooms: Rooms;
  readonly #stats: StatsCoalescer;
  readonly #tickMs: number;
  /** Each show's changes waiting for the tick, in the order they were applied. */
  #batches = new Map<string, SeatChanged[]>();
  #timer: NodeJS.Timeout | undefined;

  constructor(options: BroadcasterOptions) {
    this.#rooms = options.rooms;
    this.#tickMs = options.batchTickMs ?? 15;
    this.#stats = new StatsCoalescer({
      logger: options.logger,
      tryLock: options.tryStatsLock,
      periodMs: options.statsPeriodMs,
      tickMs: options.statsTickMs,
      publish: async (showId) => {
        const stats = await options.readStats(showId);
        if (stats) this.#rooms.to([showRoom(showId), batchRoom(showId)]).emit('show:stats', stats);
      },
    });
  }

  async join(socket: RoomMember, showId: string, frames: Frames): Promise<void> {
    await socket.join(roomOf(showId, frames));
  }

  async leave(socket: RoomMember, showId: string, frames: Frames): Promise<void> {
    await socket.leave(roomOf(showId, frames));
  }

  /** A seat moved: to the default room now, to the batch room at the next tick. */
  seatChanged(change: SeatChanged): void {
    this.#rooms.to(showRoom(change.showId)).emit('seat:changed', change);
    const batch = this.#batches.get(change.showId);
    if (batch) batch.push(change);
    else this.#batches.set(change.showId, [change]);
    if (!this.#timer) {
      this.#timer = setTimeout(() => this.#flush(), this.#tickMs);
      this.#timer.unref();
    }
  }

  /** Every socket of `userId` joins its user room once, at connection. */
  async joinUser(socket: RoomMember, userId: string): Promise<void> {
    await socket.join(userRoom(userId));
  }

  /** Tells every socket of a cancelled seat's holder or owner, on every gateway. */
  seatCancelled(ownerId: string, notice: SeatCancelled): void {
    this.#rooms.to(userRoom(ownerId)).emit('seat:cancelled', notice);
  }

  /** A show's counts moved: its stats are published soon (coalesced across the cluster). */
  statsChanged(showId: string): void {
    this.#stats.markDirty(showId);
  }

  #flush(): void {
    this.#timer = undefined;
    const batches = this.#batches;
    this.#batches = new Map();
    for (const [showId, changes] of batches) {
      this.#rooms.to(batchRoom(showId)).emit('seats:changed', { showId, changes });
    }
  }

  /** Sends what waits for the tick and stops the timers. */
  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#flush();
    this.#stats.stop();
  }
}
