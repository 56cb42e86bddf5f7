/**
 * No client can grow a seat's record without limit: whatever one seat is sent, its snapshot
 * record stays under a fixed size, because every per-seat memory has a count bound as well
 * as its log-time window.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/actors/clock.ts';
import { PartitionActors } from '../../../src/actors/partition-actors.ts';
import { DEFAULT_SEAT_MEMORY_LIMITS } from '../../../src/actors/seat-state.ts';
import { decodeSeat } from '../../../src/actors/snapshot-codec.ts';
import type { SeatCommand } from '../../../src/contract/kafka-records.ts';
import { as, confirmation, holdRequest, release, SHOW, T0 } from './fixtures.ts';

/**
 * Header, 8 ended holds and 16 + 16 remembered decisions with this test's ids come to about
 * 3.3 KB; without the bounds the record would pass this within the first hundred commands.
 */
const RECORD_BOUND_BYTES = 4_096;

describe('a seat driven by one abusive client', () => {
  it('keeps its record under a fixed size through thousands of commands inside every window', () => {
    const actors = new PartitionActors({ clock: new ManualClock(T0) });
    let offset = 0;
    let logTime = T0;
    let largest = 0;
    let recordsWritten = 0;
    let lastRecord = '';
    const handle = (command: SeatCommand) => {
      // One command per log millisecond: far inside the 15-minute and 1-hour windows.
      logTime += 1;
      const events = actors.handle(
        command,
        { partition: 7, offset: String(offset++), logTime },
        SHOW,
      );
      const record = actors.takeChanges().get('show-1/A1');
      if (record !== undefined) {
        largest = Math.max(largest, Buffer.byteLength(record));
        recordsWritten++;
        lastRecord = record;
      }
      return events;
    };

    let hold = as(handle(holdRequest({ userId: 'ann' }))[0], 'seat.held');
    for (let i = 0; i < 2_000; i++) {
      // The holder asking again under a fresh commandId: each one is remembered.
      expect(handle(holdRequest({ userId: 'ann' }))[0]?.type).toBe('seat.decisionRepeated');
    }
    for (let i = 0; i < 1_000; i++) {
      // Hold and release in a loop: two remembered decisions and one ended hold per cycle.
      handle(release({ userId: 'ann', holdId: hold.holdId }));
      hold = as(handle(holdRequest({ userId: 'ann' }))[0], 'seat.held');
    }
    for (let i = 0; i < 2_000; i++) {
      // Refused buyers, and confirmations naming holds that are gone.
      handle(holdRequest({ userId: `buyer-${i}` }));
      handle(confirmation({ userId: 'ann', holdId: `gone-${i}` }));
    }

    // The bound below measured real records: every command that changed the seat's record
    // wrote one (refusals too: they enter its memory).
    expect(recordsWritten).toBeGreaterThan(4_000);
    expect(largest).toBeLessThanOrEqual(RECORD_BOUND_BYTES);
    const { memory } = actors.seat(SHOW.showId, 'A1');
    expect(memory.decisions.length).toBe(DEFAULT_SEAT_MEMORY_LIMITS.maxRememberedDecisions);
    expect(memory.refusals.length).toBe(DEFAULT_SEAT_MEMORY_LIMITS.maxRememberedRefusals);
    expect(memory.endedHolds.length).toBe(DEFAULT_SEAT_MEMORY_LIMITS.maxEndedHolds);
    // The snapshot says the same as the live seat: the bounds are in the record too.
    const record = decodeSeat(lastRecord);
    expect(record.memory.decisions.length).toBe(memory.decisions.length);
    expect(record.memory.refusals.length).toBe(memory.refusals.length);
  });
});
