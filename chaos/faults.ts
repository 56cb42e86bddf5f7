/** The fault kinds of the nemesis and their seeded schedule. */
import type { Rng } from './rng.ts';

export const FAULT_KINDS = [
  'worker-kill',
  'worker-term',
  'scale-out',
  'scale-in',
  'worker-zombie',
  'redis-restart',
  'kafka-restart',
  'gateway-kill',
  'broker-outage',
  'redis-rollback',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** How long `kafka-restart` keeps the broker down: within the clients' retries. */
export const KAFKA_RESTART_DOWN_MS: readonly [number, number] = [1000, 4000];
/**
 * How long `broker-outage` keeps the broker down: past every client's retry budget (the
 * Kafka client's 8 retries at most 3 s apart give up after about 15 s), so producers,
 * consumers and commits fail for good and must be recovered, not retried.
 */
export const BROKER_OUTAGE_MS: readonly [number, number] = [30_000, 60_000];
/** How old the copy `redis-rollback` restarts Redis from is: the run goes on meanwhile. */
export const ROLLBACK_COPY_AGE_MS: readonly [number, number] = [5000, 20_000];

/** A seeded draw from a `[min, max]` range of milliseconds. */
export function drawMs(range: readonly [number, number], rng: Rng): number {
  return rng.int(range[0], range[1]);
}

export function isFaultKind(value: string): value is FaultKind {
  return (FAULT_KINDS as readonly string[]).includes(value);
}

/**
 * An endless seeded order of the enabled kinds: each round is a shuffle of all of them (so
 * a short run still sees every kind early), with a scale-out always before its scale-in.
 */
export function* faultSchedule(kinds: readonly FaultKind[], rng: Rng): Generator<FaultKind> {
  if (kinds.length === 0) return;
  for (;;) {
    const round = rng.shuffle(kinds);
    const out = round.indexOf('scale-out');
    const inn = round.indexOf('scale-in');
    if (out >= 0 && inn >= 0 && inn < out) {
      round[out] = 'scale-in';
      round[inn] = 'scale-out';
    }
    yield* round;
  }
}
