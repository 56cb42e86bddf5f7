/**
 * The seeded parts of a chaos run: one seed gives one fault schedule (every kind in each
 * round, a scale-out before its scale-in) and one stream of garbage for the bad-input pass,
 * which covers real and made-up events, near-miss ids, big and deep payloads.
 */
import { describe, expect, it } from 'vitest';
import { fuzzMessage, MAX_FUZZ_BYTES } from '../../../chaos/bad-payloads.ts';
import {
  BROKER_OUTAGE_MS,
  drawMs,
  FAULT_KINDS,
  type FaultKind,
  faultSchedule,
  ROLLBACK_COPY_AGE_MS,
} from '../../../chaos/faults.ts';
import { Rng } from '../../../chaos/rng.ts';
import { CLIENT_EVENTS } from '../../../src/contract/socket-events.ts';

function take(kinds: readonly FaultKind[], seed: number, count: number): FaultKind[] {
  const out: FaultKind[] = [];
  for (const kind of faultSchedule(kinds, new Rng(seed))) {
    out.push(kind);
    if (out.length === count) break;
  }
  return out;
}

describe('fault schedule', () => {
  it('is the same for the same seed and differs between seeds', () => {
    expect(take(FAULT_KINDS, 7, 24)).toEqual(take(FAULT_KINDS, 7, 24));
    expect(take(FAULT_KINDS, 7, 24)).not.toEqual(take(FAULT_KINDS, 8, 24));
  });

  it('has every kind in each round and scales out before scaling in', () => {
    for (let seed = 0; seed < 50; seed++) {
      const schedule = take(FAULT_KINDS, seed, FAULT_KINDS.length * 3);
      for (let round = 0; round < 3; round++) {
        const slice = schedule.slice(round * FAULT_KINDS.length, (round + 1) * FAULT_KINDS.length);
        expect(new Set(slice)).toEqual(new Set(FAULT_KINDS));
        expect(slice.indexOf('scale-out')).toBeLessThan(slice.indexOf('scale-in'));
      }
    }
  });

  it('includes the broker outage and the Redis rollback in every round of "all"', () => {
    expect(FAULT_KINDS).toEqual(expect.arrayContaining(['broker-outage', 'redis-rollback']));
    const schedule = take(FAULT_KINDS, 42, FAULT_KINDS.length * 2);
    for (const round of [
      schedule.slice(0, FAULT_KINDS.length),
      schedule.slice(FAULT_KINDS.length),
    ]) {
      expect(round).toContain('broker-outage');
      expect(round).toContain('redis-rollback');
    }
  });

  it("draws seeded outage lengths past the clients' retries, and rollback copy ages", () => {
    const draws = (range: readonly [number, number], seed: number) => {
      const rng = new Rng(seed);
      return Array.from({ length: 200 }, () => drawMs(range, rng));
    };
    expect(draws(BROKER_OUTAGE_MS, 3)).toEqual(draws(BROKER_OUTAGE_MS, 3));
    expect(draws(BROKER_OUTAGE_MS, 3)).not.toEqual(draws(BROKER_OUTAGE_MS, 4));
    const outages = draws(BROKER_OUTAGE_MS, 3);
    expect(Math.min(...outages)).toBeGreaterThanOrEqual(30_000);
    expect(Math.max(...outages)).toBeLessThanOrEqual(60_000);
    const ages = draws(ROLLBACK_COPY_AGE_MS, 3);
    expect(Math.min(...ages)).toBeGreaterThan(0);
    expect(Math.max(...ages)).toBeLessThanOrEqual(ROLLBACK_COPY_AGE_MS[1]);
  });

  it('yields nothing without kinds', () => {
    expect(take([], 1, 5)).toEqual([]);
  });
});

describe('bad-input payloads', () => {
  const messages = Array.from({ length: 2000 }, (_, i) => i).map(
    (() => {
      const rng = new Rng(99);
      return () => fuzzMessage(rng, 'gala');
    })(),
  );

  it('are reproducible from the seed', () => {
    const rng = new Rng(99);
    expect(Array.from({ length: 50 }, () => fuzzMessage(rng, 'gala'))).toEqual(
      messages.slice(0, 50),
    );
  });

  it('cover real and made-up events, every JSON type, big and deep payloads', () => {
    const events = new Set(messages.map((m) => m.event));
    for (const event of CLIENT_EVENTS) expect(events).toContain(event);
    expect([...events].some((e) => !(CLIENT_EVENTS as readonly string[]).includes(e))).toBe(true);
    const types = new Set(
      messages.map((m) =>
        Array.isArray(m.payload) ? 'array' : m.payload === null ? 'null' : typeof m.payload,
      ),
    );
    expect(types).toEqual(
      new Set(['array', 'null', 'object', 'string', 'number', 'boolean', 'undefined']),
    );
    const sizes = messages.map((m) => JSON.stringify(m.payload ?? null).length);
    expect(Math.max(...sizes)).toBeGreaterThan(10_000);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(MAX_FUZZ_BYTES + 200);
  });
});
