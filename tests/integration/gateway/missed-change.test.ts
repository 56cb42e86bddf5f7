/**
 * A change the read model has but no client was sent (a gateway that died between its
 * read-model write and its broadcast): the next `show:stats` carries a `versionSum` the
 * client's map does not reach, and the SDK joins the show again on the same socket.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeatEvent } from '../../../src/contract/kafka-records.ts';
import type { ShowDefinition } from '../../../src/contract/shows.ts';
import type { GatewayHandle } from '../../../src/gateway/gateway.ts';
import { RedisReadModel } from '../../../src/state/read-model-redis.ts';
import { waitFor } from '../../support/wait.ts';
import { GatewayTestbed } from './gateway-testbed.ts';

/** A partition no consumer reads: the lost change's offset never meets a real record. */
const UNREAD_PARTITION = 99;

describe('a lost broadcast', () => {
  let tb: GatewayTestbed;
  let gateway: GatewayHandle;
  let show: ShowDefinition;

  beforeAll(async () => {
    ({
      tb,
      gateway: gateway,
      show,
    } = await GatewayTestbed.oneGateway({ partitions: 3, layout: { rows: 2, seatsPerRow: 5 } }));
  });
  afterAll(() => tb?.close());

  it('is noticed from show:stats and healed by a join on the same socket', async () => {
    const watcher = await tb.client('walt', gateway.url, {
      resyncSettleMs: 200,
      resyncMinIntervalMs: 200,
    });
    const buyer = await tb.client('bea', gateway.url);
    expect((await watcher.join(show.showId)).ok).toBe(true);
    const socketId = watcher.socket.id;
    let connects = 0;
    watcher.socket.on('connect', () => {
      connects += 1;
    });
    const rejoins: boolean[] = [];
    watcher.onRejoin(({ ack }) => rejoins.push(ack.ok));

    // B3 held in the read model, never broadcast.
    const readModel = new RedisReadModel({
      redis: tb.bed.redis,
      prefix: tb.bed.redisPrefix,
      eventsTopic: tb.bed.topics.events,
    });
    await readModel.resetPartition(UNREAD_PARTITION, 'a log no consumer reads');
    const lost: SeatEvent = {
      type: 'seat.held',
      eventId: `${UNREAD_PARTITION}-0-0`,
      showId: show.showId,
      seatId: 'B3',
      version: 1,
      userId: 'someone',
      causationId: 'lost',
      commandId: 'lost',
      correlationId: 'lost',
      replyTo: 'gone',
      occurredAt: Date.now(),
      holdId: `${UNREAD_PARTITION}-0-0`,
      expiresAt: Date.now() + show.holdTtlMs,
    };
    expect(await readModel.apply(UNREAD_PARTITION, 0n, lost, 0n)).toEqual({
      kind: 'applied',
      changed: true,
    });
    expect(watcher.seat(show.showId, 'B3')?.status).toBe('available');

    // A real change afterwards: its stats count both, its broadcast only itself.
    expect((await buyer.hold(show.showId, 'A1')).ok).toBe(true);

    await waitFor(() => watcher.seat(show.showId, 'B3')?.status === 'held', {
      what: 'the watcher to learn of the change it was never sent',
    });
    expect(watcher.seat(show.showId, 'B3')).toMatchObject({ status: 'held', version: 1 });
    expect(watcher.seat(show.showId, 'A1')).toMatchObject({ status: 'held', version: 1 });
    expect(watcher.stats(show.showId)).toMatchObject({ held: 2, versionSum: 2 });
    expect(rejoins).toContain(true);
    // Healed without reconnecting.
    expect(connects).toBe(0);
    expect(watcher.socket.id).toBe(socketId);
  });
});
