/**
 * Seat maps cached per show and version: `show:join` and `GET /shows/:showId/seats` ask for
 * a show's map, and it is read from Redis and built only when the show changed since the
 * last build. A show's version is the sum of its seat versions (`stats.versionSum`, kept by
 * the read model with every write): versions only grow, so an equal sum is the same map.
 * Each ask costs one small read of the show's counts; concurrent asks after a change share
 * one build; the HTTP body is serialised once per build.
 *
 * Freshness: a join reads the sum after joining the room, and is served a map at least that
 * new, so every change it lacks is broadcast to it afterwards.
 */
import type { MySeat, SeatView, ShowStats } from '../contract/seat-views.ts';
import type { ShowDefinition } from '../contract/shows.ts';
import { type ReadModel, viewsByHolder } from '../state/read-model.ts';

/** Most shows whose map is kept (the least recently asked for is dropped first). */
export const DEFAULT_CACHED_SHOWS = 64;

export interface CachedSeatMap {
  readonly showId: string;
  /** Shared by every caller of this version: never modified. */
  readonly seats: SeatView[];
  readonly stats: ShowStats;
  /** The caller's own holds and reservations in this show. */
  mineOf(userId: string): MySeat[];
  /** The `GET /shows/:showId/seats` body, serialised on first use, then reused. */
  httpBody(): string;
}

export interface SeatMapCacheOptions {
  readModel: Pick<ReadModel, 'readShow' | 'readStats'>;
  /** Called once per build (the gateway counts them). */
  onBuild?: () => void;
  maxShows?: number;
}

export class SeatMapCache {
  readonly #o: SeatMapCacheOptions;
  readonly #entries = new Map<string, CachedSeatMap>();
  readonly #building = new Map<string, Promise<CachedSeatMap>>();

  constructor(options: SeatMapCacheOptions) {
    this.#o = options;
  }

  /** The show's map, no older than the show was when this was called. */
  async get(show: ShowDefinition): Promise<CachedSeatMap> {
    const { versionSum } = await this.#o.readModel.readStats(show);
    const cached = this.#entries.get(show.showId);
    // Equal only: a smaller current sum means the read model was dropped and rebuilt.
    if (cached?.stats.versionSum === versionSum) {
      this.#remember(cached);
      return cached;
    }
    const inFlight = this.#building.get(show.showId);
    if (inFlight) {
      const built = await inFlight;
      if (built.stats.versionSum >= versionSum) return built;
    }
    return this.#build(show);
  }

  #build(show: ShowDefinition): Promise<CachedSeatMap> {
    const building = this.#o.readModel
      .readShow(show)
      .then((map) => {
        this.#o.onBuild?.();
        const { seats, mine } = viewsByHolder(map);
        let body: string | undefined;
        const entry: CachedSeatMap = {
          showId: show.showId,
          seats,
          stats: map.stats,
          mineOf: (userId) => mine.get(userId) ?? [],
          httpBody: () => {
            body ??= JSON.stringify({
              ok: true,
              show: { showId: show.showId, seats, stats: map.stats },
            });
            return body;
          },
        };
        // A build that finishes late may replace a newer one: a miss later, never a stale hit.
        this.#remember(entry);
        return entry;
      })
      .finally(() => {
        if (this.#building.get(show.showId) === building) this.#building.delete(show.showId);
      });
    this.#building.set(show.showId, building);
    return building;
  }

  #remember(entry: CachedSeatMap): void {
    this.#entries.delete(entry.showId);
    this.#entries.set(entry.showId, entry);
    const max = this.#o.maxShows ?? DEFAULT_CACHED_SHOWS;
    for (const showId of this.#entries.keys()) {
      if (this.#entries.size <= max) break;
      this.#entries.delete(showId);
    }
  }
}
