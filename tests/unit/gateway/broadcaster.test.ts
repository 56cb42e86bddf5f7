/**
 * The broadcaster's rooms and frames, with fake timers: default sockets get one
 * `seat:changed` per change at once; batch sockets get each show's changes of a tick in one
 * `seats:changed` frame, in order; stats reach both rooms.
 */
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SeatChanged } from '../../../src/contract/seat-views.ts';
import { Broadcaster, batchRoom, showRoom } from '../../../src/gateway/broadcaster.ts';

function change(showId: string, seatId: string, version: number): SeatChanged {
  return { showId, seatId, status: 'held', version, eventId: `0-${version}-0` };
}

describe('Broadcaster', () => {
  let emitted: { rooms: string[]; event: string; message: unknown }[];
  let broadcaster: Broadcaster;

  beforeEach(() => {
    vi.useFakeTimers();
    emitted = [];
    broadcaster = new Broadcaster({
      rooms: {
        to: (room) => ({
          emit: (event, message) => {
            emitted.push({ rooms: [room].flat(), event, message });
            return true;
          },
        }),
      },
      tryStatsLock: async () => true,
      readStats: async (showId) => ({ showId, available: 1, held: 2, reserved: 0, versionSum: 2 }),
      logger: pino({ level: 'silent' }),
      batchTickMs: 15,
    });
  });
  afterEach(() => {
    broadcaster.stop();
    vi.useRealTimers();
  });

  it('coalesces a tick of changes per show into one seats:changed frame, in order', () => {
    broadcaster.seatChanged(change('gala', 'A1', 1));
    broadcaster.seatChanged(change('gala', 'A2', 1));
    broadcaster.seatChanged(change('other', 'B1', 4));
    broadcaster.seatChanged(change('gala', 'A1', 2));
    // The default room has every change at once, one frame each.
    expect(emitted.map((e) => [e.rooms, e.event])).toEqual([
      [[showRoom('gala')], 'seat:changed'],
      [[showRoom('gala')], 'seat:changed'],
      [[showRoom('other')], 'seat:changed'],
      [[showRoom('gala')], 'seat:changed'],
    ]);
    emitted = [];
    vi.advanceTimersByTime(14);
    expect(emitted).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(emitted).toEqual([
      {
        rooms: [batchRoom('gala')],
        event: 'seats:changed',
        message: {
          showId: 'gala',
          changes: [change('gala', 'A1', 1), change('gala', 'A2', 1), change('gala', 'A1', 2)],
        },
      },
      {
        rooms: [batchRoom('other')],
        event: 'seats:changed',
        message: { showId: 'other', changes: [change('other', 'B1', 4)] },
      },
    ]);
    // Nothing is sent twice, and a quiet tick sends nothing.
    emitted = [];
    vi.advanceTimersByTime(100);
    expect(emitted).toEqual([]);
    broadcaster.seatChanged(change('gala', 'A3', 1));
    emitted = [];
    vi.advanceTimersByTime(15);
    expect(emitted.map((e) => e.event)).toEqual(['seats:changed']);
  });

  it('joins a socket to the room of the frames it asked for', async () => {
    const rooms = new Set<string>();
    const socket = {
      join: (room: string) => rooms.add(room),
      leave: (room: string) => rooms.delete(room),
    };
    await broadcaster.join(socket, 'gala', 'batch');
    await broadcaster.join(socket, 'other', 'single');
    expect([...rooms]).toEqual([batchRoom('gala'), showRoom('other')]);
    await broadcaster.leave(socket, 'gala', 'batch');
    expect([...rooms]).toEqual([showRoom('other')]);
  });

  it('publishes stats to both rooms of a show', async () => {
    broadcaster.statsChanged('gala');
    await vi.advanceTimersByTimeAsync(100);
    expect(emitted).toContainEqual({
      rooms: [showRoom('gala'), batchRoom('gala')],
      event: 'show:stats',
      message: { showId: 'gala', available: 1, held: 2, reserved: 0, versionSum: 2 },
    });
  });

  it('sends the changes waiting for the tick when stopped', () => {
    broadcaster.seatChanged(change('gala', 'A1', 1));
    emitted = [];
    broadcaster.stop();
    expect(emitted.map((e) => e.event)).toEqual(['seats:changed']);
  });
});
