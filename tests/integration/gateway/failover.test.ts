/**
 * A gateway stops and its clients carry on through the other one; Redis loses the read
 * model and the gateways rebuild it from the log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JoinAck, SeatView } from '../../../src/client/index.ts';
import type { ShowDefinition } from '../../../src/contract/shows.ts';
import type { GatewayHandle } from '../../../src/gateway/gateway.ts';
import { waitFor } from '../../support/wait.ts';
import { GatewayTestbed } from './gateway-testbed.ts';

const PARTITIONS = 3;

describe('failover', () => {
  let tb: GatewayTestbed;
  let gw1: GatewayHandle;
  let show: ShowDefinition;

  beforeAll(async () => {
    tb = await GatewayTestbed.create(PARTITIONS);
    await tb.bed.startWorker();
    show = await tb.bed.createShow({ rows: 3, seatsPerRow: 8 });
    gw1 = await tb.startGateway();
  });
  afterAll(() => tb?.close());

  it('one gateway stops: its clients reconnect to the other, re-join, get the map and their holds', async () => {
    const gw2 = await tb.startGateway();
    await tb.settled([gw1, gw2], PARTITIONS);
    const balancer = await tb.proxy(gw2.port);
    const alice = await tb.client('alice', balancer.url);
    const bob = await tb.client('bob', gw1.url);
    expect((await alice.join(show.showId)).ok).toBe(true);
    expect((await bob.join(show.showId)).ok).toBe(true);
    const hold = await alice.hold(show.showId, 'A1');
    if (!hold.ok) throw new Error(`hold refused: ${hold.error.code}`);

    const rejoins: JoinAck[] = [];
    alice.onRejoin(({ ack }) => rejoins.push(ack));
    await tb.stopGateway(gw2);
    // While alice cannot reach a gateway, bob reserves a seat.
    const bobHold = await bob.hold(show.showId, 'B1');
    if (!bobHold.ok) throw new Error(`bob's hold refused: ${bobHold.error.code}`);
    expect((await bob.confirm(show.showId, 'B1', bobHold.holdId)).ok).toBe(true);
    balancer.retarget(gw1.port);

    await waitFor(() => rejoins.some((ack) => ack.ok), {
      what: 'alice re-joined through gateway 1',
    });
    const rejoined = rejoins.find((ack) => ack.ok);
    if (!rejoined?.ok) throw new Error('unreachable');
    expect(rejoined.mine).toEqual([{ ...hold.seat, holdId: hold.holdId }]);
    expect(rejoined.show.seats.find((s) => s.seatId === 'B1')).toMatchObject({
      status: 'reserved',
    });
    expect(alice.seat(show.showId, 'B1')?.status).toBe('reserved');
    expect(alice.mine(show.showId)).toEqual([{ ...hold.seat, holdId: hold.holdId }]);

    // The hold still works from its new gateway.
    expect(await alice.confirm(show.showId, 'A1', hold.holdId)).toMatchObject({
      ok: true,
      seat: { status: 'reserved' },
    });
    await waitFor(() => bob.seat(show.showId, 'A1')?.status === 'reserved', {
      what: 'bob sees A1 reserved',
    });
  });

  it('rebuilds the read model from the log after Redis loses it', async () => {
    await tb.settled([gw1], PARTITIONS);
    const carol = await tb.client('carol', gw1.url);
    expect((await carol.join(show.showId)).ok).toBe(true);
    const hold = await carol.hold(show.showId, 'C3');
    if (!hold.ok) throw new Error(`hold refused: ${hold.error.code}`);
    const mapOf = async (): Promise<{ status: number; seats?: SeatView[] }> => {
      const res = await fetch(`${gw1.url}/shows/${show.showId}/seats`);
      const body = (await res.json()) as { show?: { seats: SeatView[] } };
      return { status: res.status, seats: body.show?.seats };
    };
    const before = await mapOf();
    expect(before.status).toBe(200);
    expect(before.seats?.find((s) => s.seatId === 'C3')).toMatchObject({ status: 'held' });

    // Redis loses the read model (a restart without persistence).
    const keys = await tb.bed.redis.keys(`${tb.bed.redisPrefix}:rm:*`);
    expect(keys.length).toBeGreaterThan(0);
    await tb.bed.redis.del(...keys);

    await waitFor(async () => (await mapOf()).status === 200, {
      what: 'the seat map served again',
    });
    const after = await mapOf();
    expect(after.seats).toEqual(before.seats);
    const join = await carol.join(show.showId);
    expect(join).toMatchObject({ ok: true, mine: [{ seatId: 'C3', holdId: hold.holdId }] });
    // And the rebuilt model keeps following the log.
    expect((await carol.release(show.showId, 'C3', hold.holdId)).ok).toBe(true);
    await waitFor(
      async () => (await mapOf()).seats?.find((s) => s.seatId === 'C3')?.status === 'available',
      { what: 'C3 available in the rebuilt map' },
    );
  });
});
