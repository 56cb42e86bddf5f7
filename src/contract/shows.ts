/** A show: its layout and hold TTL, created once on the `shows` topic (its first record). */
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
});
export type ShowDefinition = z.infer<typeof ShowDefinitionSchema>;
