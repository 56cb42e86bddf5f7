/**
 * What a load process is asked to do and what it reports: messages between the bench
 * runner and its load processes (Node IPC, JSON).
 */
import type { CodeCounts } from './outcomes.ts';

export interface ShowRef {
  showId: string;
  rows: number;
  seatsPerRow: number;
  holdTtlMs: number;
}

export type Workload =
  /** hold → confirm or release (alternating) from each socket, over its show's seats. */
  | { kind: 'steady' }
  /** holds only, on fresh seats (the fanout driver). */
  | { kind: 'holds' }
  /** emit-with-ack `echo`: Socket.IO alone (the floor gateway answers it at once). */
  | { kind: 'echo' }
  /** rounds: every socket races for one of `seatsPerRound` fresh seats; winners confirm. */
  | { kind: 'contention'; seatsPerRound: number; roundIntervalMs: number }
  /** joins the show and times every `seat:changed`; sends nothing. */
  | { kind: 'watch' };

export interface Step {
  /** Commands per second this process offers (ignored by `watch` and `contention`). */
  rate: number;
  durationS: number;
}

export interface LoadPlan {
  url: string;
  /** Signs each socket's token (HS256, sub = user id); none for the floor gateway. */
  jwtSecret: string | undefined;
  userPrefix: string;
  sockets: number;
  /** This process's first global socket index and the total across processes. */
  socketOffset: number;
  totalSockets: number;
  /** Socket i joins and acts in show i % shows.length. */
  shows: ShowRef[];
  /** Sockets whose global index is below this join their show (a constant audience). */
  joinBelow: number;
  workload: Workload;
  /** The client's own ack deadline: longer than the gateway's TIMEOUT. */
  ackTimeoutMs: number;
}

export interface StepResult {
  step: number;
  sent: number;
  ok: number;
  refusals: CodeCounts;
  errors: CodeCounts;
  /** Ack latency, HDR histogram in µs, compressed base64. */
  histogram: string;
  /** `watch`: decision → delivery latency in µs, and the number of deliveries. */
  deliveries?: { histogram: string; count: number; changes: number };
  /** `contention`: successful holds per seat key. */
  winners?: Record<string, number>;
  /** Seconds from the step's first send to the last answer. */
  elapsedS: number;
}

export type ToLoad =
  | { type: 'start'; plan: LoadPlan }
  | { type: 'go'; steps: Step[] }
  | { type: 'stop' };

export type FromLoad =
  | { type: 'ready'; connected: number; failed: number }
  | { type: 'tick'; sent: number; answered: number; errors: number; deliveries: number }
  | { type: 'step'; result: StepResult }
  | { type: 'done' }
  | { type: 'failed'; message: string };
