/**
 * A commandId sent again for another operation, through a real gateway and worker: the
 * confirm that reuses its hold's id is answered INVALID_PAYLOAD (before, the hold's answer
 * was repeated, no ack matched it, and the client waited for TIMEOUT).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShowDefinition } from '../../../src/contract/shows.ts';
import type { GatewayHandle } from '../../../src/gateway/gateway.ts';
import { GatewayTestbed } from './gateway-testbed.ts';

describe('a commandId reused for another operation', () => {
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

  it('is refused INVALID_PAYLOAD, and the hold it first named still repeats', async () => {
    const client = await tb.client('ann', gateway.url);
    expect((await client.join(show.showId)).ok).toBe(true);
    const hold = await client.hold(show.showId, 'A1', { commandId: 'reused-1' });
    if (!hold.ok) throw new Error(`hold refused: ${hold.error.code}`);
    const confirm = await client.confirm(show.showId, 'A1', hold.holdId, {
      commandId: 'reused-1',
    });
    expect(confirm).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    expect(await client.hold(show.showId, 'A1', { commandId: 'reused-1' })).toMatchObject({
      ok: true,
      holdId: hold.holdId,
    });
    expect(await client.confirm(show.showId, 'A1', hold.holdId)).toMatchObject({
      ok: true,
      seat: { status: 'reserved' },
    });
  });
});
