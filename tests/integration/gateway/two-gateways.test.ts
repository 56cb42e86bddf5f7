/**
 * Two gateways, a worker, real Kafka and Redis, SDK clients with tokens (issue 4, "Tests
 * that must exist"). One testbed for the file; every test uses its own seats.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HoldfastClient, SeatChanged } from '../../../src/client/index.ts';
import type { SeatsChanged } from '../../../src/contract/seat-views.ts';
import type { ShowDefinition } from '../../../src/contract/shows.ts';
import { secretKey, signToken } from '../../../src/gateway/auth.ts';
import type { GatewayHandle } from '../../../src/gateway/gateway.ts';
import { waitFor } from '../../support/wait.ts';
import { GatewayTestbed, JWT_SECRET, partitionOf } from './gateway-testbed.ts';

const PARTITIONS = 3;

describe('two gateways', () => {
  let tb: GatewayTestbed;
  let gw1: GatewayHandle;
  let gw2: GatewayHandle;
  let show: ShowDefinition;

  beforeAll(async () => {
    tb = await GatewayTestbed.create(PARTITIONS);
    await tb.bed.startWorker();
    show = await tb.bed.createShow({ rows: 5, seatsPerRow: 10 });
    gw1 = await tb.startGateway();
    gw2 = await tb.startGateway();
    await tb.settled([gw1, gw2], PARTITIONS);
  });
  afterAll(() => tb?.close());

  /** Waits for a client's local map to show a seat in a status. */
  const sees = (client: HoldfastClient, seatId: string, status: string) =>
    waitFor(() => client.seat(show.showId, seatId)?.status === status, {
      what: `${seatId} ${status} on a client`,
    });

  it('holds, broadcasts, refuses, confirms across gateways', async () => {
    const a = await tb.client('alice', gw1.url);
    const b = await tb.client('bob', gw2.url);
    expect(await a.join(show.showId)).toMatchObject({ ok: true, mine: [] });
    const joined = await b.join(show.showId);
    expect(joined.ok).toBe(true);
    if (joined.ok) {
      expect(joined.show.seats).toHaveLength(50);
      expect(joined.show.stats).toMatchObject({ showId: show.showId, available: 50 });
    }
    const changesOnB: SeatChanged[] = [];
    b.onSeatChanged((change) => changesOnB.push(change));

    const hold = await a.hold(show.showId, 'A1');
    expect(hold).toMatchObject({
      ok: true,
      seat: { showId: show.showId, seatId: 'A1', status: 'held' },
      holdId: expect.any(String),
      expiresAt: expect.any(Number),
    });
    if (!hold.ok) throw new Error('hold refused');
    expect(hold.seat.expiresAt).toBe(hold.expiresAt);

    await sees(b, 'A1', 'held');
    const change = changesOnB.find((c) => c.seatId === 'A1');
    expect(change).toMatchObject({
      status: 'held',
      version: hold.seat.version,
      eventId: expect.any(String),
    });
    // Who holds a seat is never broadcast.
    expect(JSON.stringify(change)).not.toContain('alice');
    expect(Object.keys(change ?? {}).sort()).toEqual(
      ['eventId', 'expiresAt', 'seatId', 'showId', 'status', 'version'].sort(),
    );

    expect(await b.hold(show.showId, 'A1')).toMatchObject({
      ok: false,
      error: { code: 'SEAT_TAKEN', message: expect.any(String) },
    });

    const confirm = await a.confirm(show.showId, 'A1', hold.holdId);
    expect(confirm).toMatchObject({ ok: true, seat: { seatId: 'A1', status: 'reserved' } });
    await sees(a, 'A1', 'reserved');
    await sees(b, 'A1', 'reserved');

    const bHold = await b.hold(show.showId, 'A2');
    if (!bHold.ok) throw new Error(`bob's hold refused: ${bHold.error.code}`);
    expect(await a.release(show.showId, 'A2', bHold.holdId)).toMatchObject({
      ok: false,
      error: { code: 'NOT_HOLDER' },
    });
    await sees(a, 'A2', 'held');
  });

  it('answers the originating client when the other gateway consumed the event', async () => {
    const a = await tb.client('carol', gw1.url);
    await a.join(show.showId);
    // A seat whose events land in a partition that gateway 2 consumes (after any rebalance
    // a slow machine caused since the suite started has settled).
    await tb.settled([gw1, gw2], PARTITIONS);
    const owned = new Set(gw2.assignedPartitions());
    const seatId = ['B1', 'B2', 'B3', 'B4', 'B5', 'B6', 'B7', 'B8', 'B9', 'B10'].find((id) =>
      owned.has(partitionOf(show.showId, id, PARTITIONS)),
    );
    if (!seatId) throw new Error('no seat of row B lands on gateway 2');
    expect(
      new Set(gw1.assignedPartitions()).has(partitionOf(show.showId, seatId, PARTITIONS)),
    ).toBe(false);
    const hold = await a.hold(show.showId, seatId);
    expect(hold).toMatchObject({ ok: true, seat: { seatId, status: 'held' } });
    const taken = await a.hold(show.showId, 'A1');
    expect(taken).toMatchObject({ ok: false, error: { code: 'SEAT_TAKEN' } });
  });

  it('answers a retried commandId with the original decision, also through the other gateway', async () => {
    const first = await tb.client('dave', gw1.url);
    const second = await tb.client('dave', gw2.url);
    const watcher = await tb.client('erin', gw2.url);
    await watcher.join(show.showId);
    const changes: SeatChanged[] = [];
    watcher.onSeatChanged((change) => {
      if (change.seatId === 'C1') changes.push(change);
    });

    const commandId = `retry-${Date.now()}`;
    const original = await first.hold(show.showId, 'C1', { commandId });
    expect(original.ok).toBe(true);
    const again = await first.hold(show.showId, 'C1', { commandId });
    const elsewhere = await second.hold(show.showId, 'C1', { commandId });
    expect(again).toEqual(original);
    expect(elsewhere).toEqual(original);

    // One state change in the log for that seat; the repeats are answers, not changes.
    const forSeat = () =>
      tb.bed.events.filter((e) => e.showId === show.showId && e.seatId === 'C1');
    await waitFor(() => forSeat().filter((e) => e.type === 'seat.decisionRepeated').length >= 2, {
      what: 'two repeat answers on seat-events',
    });
    expect(forSeat().filter((e) => e.type === 'seat.held')).toHaveLength(1);
    await sees(watcher, 'C1', 'held');
    const res = await fetch(`${gw2.url}/shows/${show.showId}/seats`);
    const body = (await res.json()) as { show: { seats: { seatId: string; version: number }[] } };
    expect(body.show.seats.find((s) => s.seatId === 'C1')?.version).toBe(
      original.ok ? original.seat.version : -1,
    );
    expect(changes.every((c) => c.status === 'held')).toBe(true);
  });

  it('refuses a handshake without a token, with a bad signature or expired', async () => {
    const refusal = async (auth: Record<string, unknown>) => {
      const socket = tb.rawSocket(gw1.url, auth);
      return new Promise<unknown>((resolve) => {
        socket.once('connect_error', (error: Error & { data?: unknown }) => resolve(error.data));
        socket.once('connect', () => resolve('connected'));
      });
    };
    const forged = await signToken('mallory', secretKey('another-secret-of-enough-length-000'));
    const expired = await signToken('alice', secretKey(JWT_SECRET), {
      issuedAtS: Math.floor(Date.now() / 1000) - 3600,
      ttlSeconds: 60,
    });
    for (const auth of [
      {},
      { token: '' },
      { token: 'garbage' },
      { token: forged },
      { token: expired },
    ]) {
      expect(await refusal(auth)).toMatchObject({
        code: 'UNAUTHENTICATED',
        message: expect.any(String),
      });
    }
    expect(await refusal({ token: await tb.token('alice') })).toBe('connected');
  });

  it('publishes show:stats to every gateway after changes', async () => {
    const watcher = await tb.client('frank', gw2.url);
    const actor = await tb.client('grace', gw1.url);
    expect((await watcher.join(show.showId)).ok).toBe(true);
    const seen: number[] = [];
    watcher.onStats((stats) => {
      if (stats.showId === show.showId) seen.push(stats.held + stats.reserved);
    });
    const before = watcher.stats(show.showId);
    const taken = (before?.held ?? 0) + (before?.reserved ?? 0);
    for (const seatId of ['E1', 'E2', 'E3']) {
      expect((await actor.hold(show.showId, seatId)).ok).toBe(true);
    }
    await waitFor(() => seen.some((n) => n >= taken + 3), { what: 'stats counting the 3 holds' });
    const stats = watcher.stats(show.showId);
    expect(stats).toMatchObject({ showId: show.showId });
    expect((stats?.available ?? 0) + (stats?.held ?? 0) + (stats?.reserved ?? 0)).toBe(50);
  });

  it('serves the seat map over HTTP and reports health, readiness and metrics', async () => {
    const seats = await fetch(`${gw1.url}/shows/${show.showId}/seats`);
    expect(seats.status).toBe(200);
    const body = (await seats.json()) as { ok: boolean; show: { seats: unknown[] } };
    expect(body.ok).toBe(true);
    expect(body.show.seats).toHaveLength(50);
    expect((await fetch(`${gw1.url}/shows/nope/seats`)).status).toBe(404);
    expect((await fetch(`${gw1.url}/shows/no%20pe/seats`)).status).toBe(400);
    expect((await fetch(`${gw1.url}/healthz`)).status).toBe(200);
    // Readiness and metrics on the private admin port only.
    expect((await fetch(`${gw2.adminUrl}/readyz`)).status).toBe(200);
    expect((await fetch(`${gw2.url}/readyz`)).status).toBe(404);
    const metrics = await (await fetch(`${gw1.adminUrl}/metrics`)).text();
    expect(metrics).toContain('holdfast_gateway_messages_total');
    expect((await fetch(`${gw1.url}/metrics`)).status).toBe(404);
    expect((await fetch(`${gw1.url}/`)).status).toBe(200);
  });

  it('sends a burst to batch sockets in fewer seats:changed frames, to others one by one', async () => {
    type Ack = { ok: boolean; holdId?: string; commandId?: string };
    const call = (
      socket: ReturnType<GatewayTestbed['rawSocket']>,
      event: string,
      payload: object,
    ) => socket.timeout(30_000).emitWithAck(event, payload) as Promise<Ack>;
    const batch = tb.rawSocket(gw2.url, { token: await tb.token('carol'), frames: 'batch' });
    const single = tb.rawSocket(gw1.url, { token: await tb.token('dave'), frames: 'bogus' });
    const actor = tb.rawSocket(gw1.url, { token: await tb.token('erin') });
    const frames: SeatsChanged[] = [];
    const singles: SeatChanged[] = [];
    batch.on('seats:changed', (frame: SeatsChanged) => frames.push(frame));
    const wrong: string[] = [];
    batch.on('seat:changed', () => wrong.push('a batch socket got seat:changed'));
    single.on('seat:changed', (change: SeatChanged) => singles.push(change));
    single.on('seats:changed', () => wrong.push('a default socket got seats:changed'));
    expect(await call(batch, 'show:join', { showId: show.showId })).toMatchObject({ ok: true });
    expect(await call(single, 'show:join', { showId: show.showId })).toMatchObject({ ok: true });

    const seats = ['D1', 'D2', 'D3', 'D4', 'D5', 'D6', 'D7', 'D8', 'D9', 'D10'];
    const holds = await Promise.all(
      seats.map((seatId) => call(actor, 'seat:hold', { showId: show.showId, seatId })),
    );
    // No commandId sent: each ack carries the one the gateway generated, all different.
    expect(holds.every((ack) => ack.ok && /^[A-Za-z0-9_-]{1,64}$/.test(ack.commandId ?? ''))).toBe(
      true,
    );
    expect(new Set(holds.map((ack) => ack.commandId)).size).toBe(seats.length);
    const releases = await Promise.all(
      seats.slice(0, 5).map((seatId, i) =>
        call(actor, 'seat:release', {
          showId: show.showId,
          seatId,
          holdId: holds[i]?.holdId,
          commandId: `release-${seatId}`,
        }),
      ),
    );
    expect(releases.map((ack) => [ack.ok, ack.commandId])).toEqual(
      seats.slice(0, 5).map((seatId) => [true, `release-${seatId}`]),
    );

    const expected = seats.length + 5;
    const batched = () => frames.flatMap((frame) => frame.changes);
    await waitFor(() => singles.length >= expected && batched().length >= expected, {
      what: `${expected} changes on both sockets`,
    });
    const key = (c: SeatChanged) => `${c.seatId}@${c.version}:${c.status}`;
    expect(batched().map(key).sort()).toEqual(singles.map(key).sort());
    expect(singles).toHaveLength(expected);
    expect(wrong).toEqual([]);
    expect(frames.every((frame) => frame.showId === show.showId)).toBe(true);
    // How many frames the changes took depends on how they spread over ticks (timing): the
    // coalescing itself is held by tests/unit/gateway/broadcaster.test.ts with fake timers.
    expect(frames.length).toBeLessThanOrEqual(expected);
    // Each seat's versions arrive in order.
    for (const seatId of seats) {
      const versions = batched()
        .filter((c) => c.seatId === seatId)
        .map((c) => c.version);
      expect(versions).toEqual([...versions].sort((a, b) => a - b));
      expect(versions).toHaveLength(seatId === 'D10' || Number(seatId.slice(1)) > 5 ? 1 : 2);
    }
  });
});
