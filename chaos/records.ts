/**
 * What the checker reads besides the history: the decoded `seat-commands` and `seat-events`
 * logs with their positions, and the read model as Redis held it at the end of the run.
 */
import type { SeatCommand, SeatEvent } from '../src/contract/kafka-records.ts';
import type { ShowDefinition } from '../src/contract/shows.ts';
import type { StoredSeat } from '../src/state/read-model.ts';
import type { Operation } from './history.ts';

export interface LoggedCommand {
  readonly partition: number;
  readonly offset: string;
  /** The record's log time (LogAppendTime). */
  readonly timestamp: number;
  readonly command: SeatCommand;
}

export interface LoggedEvent {
  readonly partition: number;
  readonly offset: string;
  readonly timestamp: number;
  readonly event: SeatEvent;
}

export interface ShowReadModel {
  /** Stored seats by seatId; a seat absent is available at version 0. */
  readonly seats: ReadonlyMap<string, StoredSeat>;
  readonly counts: { readonly held: number; readonly reserved: number };
}

export interface ChaosLogs {
  readonly shows: readonly ShowDefinition[];
  readonly commands: readonly LoggedCommand[];
  readonly events: readonly LoggedEvent[];
  /** Records that failed to decode, per topic (the DLQ's business, reported only). */
  readonly undecodable: { readonly commands: number; readonly events: number };
}

/** Everything the checker judges a run on. */
export interface CheckInput {
  readonly shows: readonly ShowDefinition[];
  readonly history: readonly Operation[];
  readonly commands: readonly LoggedCommand[];
  readonly events: readonly LoggedEvent[];
  /** The read model per showId; a show missing here is checked as entirely absent. */
  readonly readModel: ReadonlyMap<string, ShowReadModel>;
  /** How long after its expiry (log time) a hold may still end. */
  readonly holdEndBoundMs: number;
  /** Log time up to which holds must have ended (holds expiring later are not judged). */
  readonly judgedUntil: number;
  /**
   * When the broker was down (epoch ms, from the kill to the broker back): no expiry can be
   * logged then, so that time does not count against a hold's bound.
   */
  readonly brokerDown?: readonly { readonly from: number; readonly to: number }[];
}
