/**
 * The seat-map read model: each show's seats as the domain events left them, written by
 * the gateways that consume `seat-events` and read by every gateway. This file holds the
 * port and the pure mapping; `read-model-redis.ts` is the Redis implementation.
 *
 * Writes are version-guarded (a late or repeated event never moves a seat back) and record
 * the `seat-events` offset they reflect per partition. A partition without that record has
 * lost its read model (or was never read): its consumer rebuilds it from the start of the
 * log, and the map is not served until every partition has a record and none rebuilds.
 */
import { isStateChange, type SeatEvent } from '../contract/kafka-records.ts';
import { seatIdsOf } from '../contract/seat-layout.ts';
import type { MySeat, SeatStatus, SeatView, ShowStats } from '../contract/seat-views.ts';
import type { ShowDefinition } from '../contract/shows.ts';

/** A seat as stored: its view plus, internally, who holds or owns it. Never broadcast. */
export interface StoredSeat {
  status: SeatStatus;
  version: number;
  expiresAt?: number;
  holdId?: string;
  userId?: string;
}

export type ApplyResult =
  /** Offset recorded; `changed` if the seat moved to a newer version. */
  | { kind: 'applied'; changed: boolean }
  /** At or below the partition's recorded offset: nothing written. */
  | { kind: 'duplicate' }
  /** No offset record for the partition: the read model was lost; nothing written. */
  | { kind: 'lost' };

/** One `seat-events` record to apply: its offset and its decoded event. */
export interface AppliedRecord {
  offset: bigint;
  event: SeatEvent;
}

export interface ShowMap {
  seats: StoredSeatView[];
  stats: ShowStats;
}

export type StoredSeatView = SeatView & { holdId?: string; userId?: string };

export interface ReadModel {
  /**
   * Applies one record of `seat-events` at `partition`/`offset`. `firstOffset` is the
   * partition's first offset: a partition started over accepts only that one first.
   */
  apply(
    partition: number,
    offset: bigint,
    event: SeatEvent,
    firstOffset: bigint,
  ): Promise<ApplyResult>;
  /**
   * Applies records of one partition, in offset order, in one round trip: each as `apply`
   * would (each atomic, version-guarded, recording its offset), results in the same order.
   */
  applyAll(
    partition: number,
    records: readonly AppliedRecord[],
    firstOffset: bigint,
  ): Promise<ApplyResult[]>;
  /** Recorded offsets of the partitions, `undefined` where the record is missing. */
  offsets(partitions: readonly number[]): Promise<Map<number, bigint | undefined>>;
  /**
   * Starts a partition over: records "nothing applied yet" (-1) and the fingerprint of the
   * partition's log (see `kafka/log-fingerprint.ts`).
   */
  resetPartition(partition: number, fingerprint: string): Promise<void>;
  /**
   * Drops the whole read model when any of the partitions has offsets recorded from another
   * log (another fingerprint, or none): its seats cannot be told apart by partition, and a
   * Redis that outlived its Kafka data must never serve that data as this log's. Every
   * partition then reads as lost and is rebuilt. Returns true when it dropped it.
   */
  discardForeign(fingerprints: ReadonlyMap<number, string>): Promise<boolean>;
  /** Marks a partition as rebuilding, cluster-wide, for `ttlMs` unless refreshed. */
  markRebuilding(partition: number, owner: string, ttlMs: number): Promise<void>;
  /** Extends a rebuilding mark that still exists; never creates one (it may just be cleared). */
  refreshRebuilding(partition: number, ttlMs: number): Promise<void>;
  isRebuilding(partition: number): Promise<boolean>;
  clearRebuilding(partition: number): Promise<void>;
  /** True when every partition has an offset record and none is rebuilding. */
  isComplete(partitions: readonly number[]): Promise<boolean>;
  /** The show's full seat map (untouched seats read as available) and its stats. */
  readShow(show: ShowDefinition): Promise<ShowMap>;
  /** Just the stats of a show. */
  readStats(show: ShowDefinition): Promise<ShowStats>;
}

/** The stored form of a state-changing event, or undefined for a rejection or repeat. */
export function storedSeatOf(event: SeatEvent): StoredSeat | undefined {
  if (!isStateChange(event)) return undefined;
  switch (event.type) {
    case 'seat.held':
      return {
        status: 'held',
        version: event.version,
        expiresAt: event.expiresAt,
        holdId: event.holdId,
        userId: event.userId,
      };
    case 'seat.reserved':
      return {
        status: 'reserved',
        version: event.version,
        holdId: event.holdId,
        userId: event.userId,
      };
    case 'seat.released':
      return { status: 'available', version: event.version };
  }
}

/** Compact JSON of a stored seat: `s` status, `v` version, `e` expiry, `h` hold, `u` user. */
export function encodeStoredSeat(seat: StoredSeat): string {
  return JSON.stringify({
    s: seat.status,
    v: seat.version,
    e: seat.expiresAt,
    h: seat.holdId,
    u: seat.userId,
  });
}

export function decodeStoredSeat(json: string): StoredSeat | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  if (r.s !== 'available' && r.s !== 'held' && r.s !== 'reserved') return undefined;
  if (typeof r.v !== 'number') return undefined;
  const seat: StoredSeat = { status: r.s, version: r.v };
  if (typeof r.e === 'number') seat.expiresAt = r.e;
  if (typeof r.h === 'string') seat.holdId = r.h;
  if (typeof r.u === 'string') seat.userId = r.u;
  return seat;
}

/** The public view of a stored seat: never who holds it. */
export function seatView(showId: string, seatId: string, seat: StoredSeat | undefined): SeatView {
  if (!seat) return { showId, seatId, status: 'available', version: 0 };
  const view: SeatView = { showId, seatId, status: seat.status, version: seat.version };
  if (seat.status === 'held' && seat.expiresAt !== undefined) view.expiresAt = seat.expiresAt;
  return view;
}

/** Every seat of the layout, stored ones as stored and the rest available at version 0. */
export function buildShowMap(
  show: ShowDefinition,
  stored: ReadonlyMap<string, StoredSeat>,
  counts: { held: number; reserved: number },
): ShowMap {
  let versionSum = 0;
  const seats = seatIdsOf(show).map((seatId): StoredSeatView => {
    const seat = stored.get(seatId);
    versionSum += seat?.version ?? 0;
    const view: StoredSeatView = seatView(show.showId, seatId, seat);
    if (seat?.holdId !== undefined && seat.status !== 'available') view.holdId = seat.holdId;
    if (seat?.userId !== undefined && seat.status !== 'available') view.userId = seat.userId;
    return view;
  });
  // The sum of the seats served, not the stored one: the map and its sum always agree.
  return { seats, stats: statsOf(show, { ...counts, versionSum }) };
}

/** What the read model counts per show as changes apply. */
export interface ShowCounts {
  held: number;
  reserved: number;
  /** The sum of the show's seat versions. */
  versionSum: number;
}

export function statsOf(show: ShowDefinition, counts: ShowCounts): ShowStats {
  const total = show.rows * show.seatsPerRow;
  const held = Math.max(0, counts.held);
  const reserved = Math.max(0, counts.reserved);
  return {
    showId: show.showId,
    available: total - held - reserved,
    held,
    reserved,
    versionSum: Math.max(0, counts.versionSum),
  };
}

/**
 * Splits a stored map into what everyone sees and, per holder, the seats each holds or
 * owns: one pass, so a cached map answers every caller's `mine` without another.
 */
export function viewsByHolder(map: ShowMap): {
  seats: SeatView[];
  mine: ReadonlyMap<string, MySeat[]>;
} {
  const seats: SeatView[] = [];
  const mine = new Map<string, MySeat[]>();
  for (const { holdId, userId: holder, ...view } of map.seats) {
    seats.push(view);
    if (holder === undefined || view.status === 'available') continue;
    const own = mine.get(holder) ?? [];
    own.push(holdId === undefined ? { ...view } : { ...view, holdId });
    mine.set(holder, own);
  }
  return { seats, mine };
}

/** Splits a stored map into what everyone sees and what the caller holds or owns. */
export function viewFor(map: ShowMap, userId: string): { seats: SeatView[]; mine: MySeat[] } {
  const { seats, mine } = viewsByHolder(map);
  return { seats, mine: mine.get(userId) ?? [] };
}
