/**
 * What a client sees of seats: never who holds or owns one. Times are log-time epoch ms.
 * Shared by the acks, the broadcasts and the read model that serves them.
 */
import { z } from 'zod';
import {
  EpochMsSchema,
  EventIdSchema,
  HoldIdSchema,
  SeatIdSchema,
  ShowIdSchema,
  VersionSchema,
} from './ids.ts';

const SeatStatusSchema = z.enum(['available', 'held', 'reserved']);
export type SeatStatus = z.infer<typeof SeatStatusSchema>;

export const SeatViewSchema = z.object({
  showId: ShowIdSchema,
  seatId: SeatIdSchema,
  status: SeatStatusSchema,
  version: VersionSchema,
  expiresAt: EpochMsSchema.optional(),
});
export type SeatView = z.infer<typeof SeatViewSchema>;

/** One of the caller's own holds or reservations, with the `holdId` it needs to act on it. */
export const MySeatSchema = SeatViewSchema.extend({ holdId: HoldIdSchema.optional() });
export type MySeat = z.infer<typeof MySeatSchema>;

const CountSchema = z.number().int().nonnegative();

export const ShowStatsSchema = z.object({
  showId: ShowIdSchema,
  available: CountSchema,
  held: CountSchema,
  reserved: CountSchema,
  /**
   * The sum of the show's seat versions. Versions only grow, so a client whose own sum stays
   * below one it was sent has missed a change, and joins the show again.
   */
  versionSum: CountSchema,
});
export type ShowStats = z.infer<typeof ShowStatsSchema>;

/** `seat:changed`: a flat SeatView plus the id of the event that changed it. */
export const SeatChangedSchema = SeatViewSchema.extend({ eventId: EventIdSchema });
export type SeatChanged = z.infer<typeof SeatChangedSchema>;

/**
 * `seats:changed`: several changes of one show in one frame, in the order they were
 * applied, for sockets that opted in at the handshake (`auth.frames: 'batch'`).
 */
export const SeatsChangedSchema = z.object({
  showId: ShowIdSchema,
  changes: z.array(SeatChangedSchema).min(1),
});
export type SeatsChanged = z.infer<typeof SeatsChangedSchema>;
