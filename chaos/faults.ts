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
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

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
