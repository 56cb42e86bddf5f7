/**
 * Zod schemas of what a gateway sends over Socket.IO (acks, broadcasts, the handshake
 * refusal). src/gateway/contract.ts declares these as TypeScript types only, so the contract
 * generator mirrors them here; the `PROOFS` below make the type checker fail the moment a
 * mirror and its type in contract.ts differ in either direction.
 */
import { z } from 'zod';
import {
  EpochMsSchema,
  HoldIdSchema,
  SeatIdSchema,
  ShowIdSchema,
} from '../../src/actors/messages.ts';
import {
  type ClientEventName,
  type ClientToServerEvents,
  ERROR_CODES_PUBLIC,
  type HandshakeErrorData,
  type MySeat,
  type SeatChanged,
  type SeatView,
  type ServerToClientEvents,
  type ShowStats,
} from '../../src/gateway/contract.ts';

const CountSchema = z.number().int().nonnegative();

export const SeatViewSchema = z.object({
  showId: ShowIdSchema,
  seatId: SeatIdSchema,
  status: z.enum(['available', 'held', 'reserved']),
  version: z.number().int().nonnegative(),
  expiresAt: EpochMsSchema.optional(),
});

export const MySeatSchema = SeatViewSchema.extend({ holdId: HoldIdSchema.optional() });

export const ShowStatsSchema = z.object({
  showId: ShowIdSchema,
  available: CountSchema,
  held: CountSchema,
  reserved: CountSchema,
});

export const SeatChangedSchema = SeatViewSchema.extend({ eventId: z.string().min(1).max(128) });

export const RefusalSchema = z.object({
  ok: z.literal(false),
  error: z.object({ code: z.enum(ERROR_CODES_PUBLIC), message: z.string() }),
});

const SeatAckSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), seat: SeatViewSchema }),
  RefusalSchema,
]);

/** The ack of each client event. */
export const ACK_SCHEMAS = {
  'show:join': z.discriminatedUnion('ok', [
    z.object({
      ok: z.literal(true),
      show: z.object({
        showId: ShowIdSchema,
        seats: z.array(SeatViewSchema),
        stats: ShowStatsSchema,
      }),
      mine: z.array(MySeatSchema),
    }),
    RefusalSchema,
  ]),
  'show:leave': z.discriminatedUnion('ok', [z.object({ ok: z.literal(true) }), RefusalSchema]),
  'seat:hold': z.discriminatedUnion('ok', [
    z.object({
      ok: z.literal(true),
      seat: SeatViewSchema,
      holdId: HoldIdSchema,
      expiresAt: EpochMsSchema,
    }),
    RefusalSchema,
  ]),
  'seat:confirm': SeatAckSchema,
  'seat:release': SeatAckSchema,
} as const satisfies Record<ClientEventName, z.ZodType>;

/** What every broadcast event carries. */
export const BROADCAST_SCHEMAS = {
  'seat:changed': SeatChangedSchema,
  'show:stats': ShowStatsSchema,
} as const satisfies Record<keyof ServerToClientEvents, z.ZodType>;

/** The `connect_error` a client sees when its handshake is refused. */
export const HandshakeErrorSchema = z.object({
  message: z.string(),
  data: z.object({ code: z.literal('UNAUTHENTICATED'), message: z.string() }),
});

/** True only when A and B are assignable to each other. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type AckOf<E extends ClientEventName> = Parameters<Parameters<ClientToServerEvents[E]>[1]>[0];
type Ack<E extends ClientEventName> = z.infer<(typeof ACK_SCHEMAS)[E]>;

/** Compile-time proofs: each line stops compiling when a mirror drifts from contract.ts. */
export const PROOFS = {
  seatView: true satisfies Same<z.infer<typeof SeatViewSchema>, SeatView>,
  mySeat: true satisfies Same<z.infer<typeof MySeatSchema>, MySeat>,
  showStats: true satisfies Same<z.infer<typeof ShowStatsSchema>, ShowStats>,
  seatChanged: true satisfies Same<z.infer<typeof SeatChangedSchema>, SeatChanged>,
  handshake: true satisfies Same<z.infer<typeof HandshakeErrorSchema>['data'], HandshakeErrorData>,
  join: true satisfies Same<Ack<'show:join'>, AckOf<'show:join'>>,
  leave: true satisfies Same<Ack<'show:leave'>, AckOf<'show:leave'>>,
  hold: true satisfies Same<Ack<'seat:hold'>, AckOf<'seat:hold'>>,
  confirm: true satisfies Same<Ack<'seat:confirm'>, AckOf<'seat:confirm'>>,
  release: true satisfies Same<Ack<'seat:release'>, AckOf<'seat:release'>>,
  changed: true satisfies Same<
    z.infer<typeof SeatChangedSchema>,
    Parameters<ServerToClientEvents['seat:changed']>[0]
  >,
  stats: true satisfies Same<
    z.infer<typeof ShowStatsSchema>,
    Parameters<ServerToClientEvents['show:stats']>[0]
  >,
} as const;
