/**
 * A show: its layout, hold TTL and buyer settings (docs/design.md §9.5), created
 * once on the `shows` topic (its first record).
 */
import { z } from 'zod';
import { EpochMsSchema, ShowIdSchema } from './ids.ts';

/** The `type` header of every record of `shows` (the body itself has no `type`). */
export const SHOW_RECORD_TYPE = 'show.created';

export const ShowDefinitionSchema = z.strictObject({
  showId: ShowIdSchema,
  rows: z.number().int().min(1).max(702), // `A`…`ZZ`
  seatsPerRow: z.number().int().min(1).max(9999),
  holdTtlMs: z.number().int().min(1000).max(86_400_000),
  createdAt: EpochMsSchema,
  /**
   * The most seats one buyer may hold, have confirming or own at once; absent: no cap. A show
   * with a cap routes every hold through the buyer actor (§9.5). Optional so that the shows
   * created before buyers existed still parse.
   */
  maxSeatsPerBuyer: z.number().int().min(1).max(10_000).optional(),
  /** How far an extension moves a hold's expiry; absent: 0, no extension. */
  extendMs: z.number().int().min(0).max(86_400_000).optional(),
  /** How many extensions a hold may have; absent: 0. */
  maxExtensions: z.number().int().min(0).max(100).optional(),
});
export type ShowDefinition = z.infer<typeof ShowDefinitionSchema>;

/** A show's buyer settings with their defaults filled in. */
export interface ShowSettings {
  /** `undefined`: no cap. */
  readonly maxSeatsPerBuyer: number | undefined;
  readonly extendMs: number;
  readonly maxExtensions: number;
}

export function showSettings(show: ShowDefinition): ShowSettings {
  return {
    maxSeatsPerBuyer: show.maxSeatsPerBuyer,
    extendMs: show.extendMs ?? 0,
    maxExtensions: show.maxExtensions ?? 0,
  };
}

/** Whether the show caps the seats per buyer (and so routes every hold through its buyer). */
export function isCapped(show: ShowDefinition): boolean {
  return show.maxSeatsPerBuyer !== undefined;
}
