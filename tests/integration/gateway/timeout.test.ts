/**
 * No worker, no decision: the ack says TIMEOUT (outcome unknown); once a worker runs, the
 * retry with the same commandId gets the decision the first attempt caused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShowDefinition } from '../../../src/contract/shows.ts';
import type { GatewayHandle } from '../../../src/gateway/gateway.ts';
import { GatewayTestbed } from './gateway-testbed.ts';

describe('ack deadline', () => {
  let tb: GatewayTestbed;
  let gw: GatewayHandle;
  let show: ShowDefinition;

  beforeAll(async () => {
    ({
      tb,
      gateway: gw,
      show,
    } = await GatewayTestbed.oneGateway({
      worker: false,
      layout: { rows: 1, seatsPerRow: 4 },
      env: { HOLDFAST_ACK_TIMEOUT_MS: '1500' },
    }));
  });
  afterAll(() => tb?.close());

  it('answers TIMEOUT without a worker, and the retry gets the original decision', async () => {
    const client = await tb.client('zoe', gw.url);
    expect((await client.join(show.showId)).ok).toBe(true);
    const commandId = 'only-once';
    expect(await client.hold(show.showId, 'A2', { commandId })).toMatchObject({
      ok: false,
      error: { code: 'TIMEOUT' },
    });
    await tb.bed.startWorker();
    let answer = await client.hold(show.showId, 'A2', { commandId });
    while (!answer.ok && answer.error.code === 'TIMEOUT') {
      answer = await client.hold(show.showId, 'A2', { commandId });
    }
    expect(answer).toMatchObject({ ok: true, seat: { seatId: 'A2', status: 'held' } });
    // One hold in the log: the first attempt's; the retries are answered as repeats.
    const held = tb.bed.events.filter((e) => e.seatId === 'A2' && e.type === 'seat.held');
    expect(held).toHaveLength(1);
    expect(held[0]?.commandId).toBe(commandId);
    expect(answer.ok && answer.holdId).toBe(held[0]?.type === 'seat.held' && held[0].holdId);
  });
});
