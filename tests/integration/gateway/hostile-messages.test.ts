/**
 * A hostile client's messages, with no address exempt from the limits: a flood of made-up
 * event names leaves the metrics flat, oversized and deeply nested payloads meet their
 * limits, and reconnecting never refills a user's bucket — while a normal buyer on the same
 * gateway (and the same address) keeps holding seats, and no hold is lost.
 */
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShowDefinition } from '../../../src/contract/shows.ts';
import { CLIENT_EVENTS, MAX_MESSAGE_BYTES } from '../../../src/contract/socket-events.ts';
import type { GatewayHandle } from '../../../src/gateway/gateway.ts';
import { GatewayTestbed } from './gateway-testbed.ts';
import { RawEngineSocket } from './raw-engine-socket.ts';

interface Answer {
  ok: boolean;
  error?: { code: string; message: string; retryAfterMs?: number };
}

function ask(socket: Socket, event: string, ...args: unknown[]): Promise<Answer> {
  return socket.timeout(60_000).emitWithAck(event, ...args) as Promise<Answer>;
}

/** The series of one metric in a Prometheus text body. */
function series(body: string, metric: string): string[] {
  return body.split('\n').filter((line) => line.startsWith(`${metric}{`));
}

describe('hostile messages', () => {
  let tb: GatewayTestbed;
  let gw: GatewayHandle;
  let show: ShowDefinition;

  beforeAll(async () => {
    ({
      tb,
      gateway: gw,
      show,
    } = await GatewayTestbed.oneGateway({
      layout: { rows: 4, seatsPerRow: 10 },
      env: { HOLDFAST_LIMIT_EXEMPT_CIDRS: 'none' },
    }));
  });
  afterAll(() => tb?.close());

  const connected = async (userId: string) => {
    const socket = tb.rawSocket(gw.url, { token: await tb.token(userId) });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return socket;
  };

  /** A buyer that holds a seat; every hold must come back ok and stay theirs. */
  const buyerHolds = async (userId: string, seatIds: string[]) => {
    const buyer = await tb.client(userId, gw.url);
    await buyer.join(show.showId);
    for (const seatId of seatIds) {
      expect({ seatId, ack: await buyer.hold(show.showId, seatId) }).toMatchObject({
        ack: { ok: true },
      });
    }
    const joined = await buyer.join(show.showId);
    expect(joined.ok).toBe(true);
    const mine = joined.ok ? joined.mine.map((seat) => seat.seatId) : [];
    expect(mine.sort()).toEqual([...seatIds].sort());
    buyer.close();
  };

  it('counts thousands of made-up event names as one `unknown` label: the series stay flat', async () => {
    const flooder = await connected('flooder');
    const flood = async (prefix: string) => {
      const names = Array.from({ length: 2000 }, (_, i) => `${prefix}${i}`);
      // A few near the size cap too: a name is never stored, whatever its length.
      for (let i = 0; i < 5; i++) names.push(`${prefix}-long-${i}-${'x'.repeat(16 * 1024)}`);
      const answers = await Promise.all(names.map((name) => ask(flooder, name, {})));
      const codes = new Set(answers.map((a) => a.error?.code));
      expect([...codes].sort()).toEqual(['INVALID_PAYLOAD', 'RATE_LIMITED']);
      const limited = answers.find((a) => a.error?.code === 'RATE_LIMITED');
      expect(limited?.error?.retryAfterMs).toBeGreaterThan(0);
    };
    const scrape = async () => (await fetch(`${gw.adminUrl}/metrics`)).text();

    await flood('x');
    const afterFirst = await scrape();
    await flood('y');
    const afterSecond = await scrape();

    const messages = series(afterSecond, 'holdfast_gateway_messages_total');
    const labels = new Set(messages.map((line) => /event="([^"]*)"/.exec(line)?.[1]));
    expect([...labels].every((l) => l === 'unknown' || CLIENT_EVENTS.includes(l as never))).toBe(
      true,
    );
    expect(labels.has('unknown')).toBe(true);
    expect(afterSecond).not.toMatch(/x1999|y1999|xxxxxxxx/);
    // 4,010 distinct names later, not one series more anywhere in the registry.
    const allSeries = (body: string) => body.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(allSeries(afterSecond).length).toBe(allSeries(afterFirst).length);
    expect(flooder.connected).toBe(true);
    await buyerHolds('buyer-1', ['A1', 'A2']);
  });

  it('acks a payload up to the size cap; a larger one closes only that socket', async () => {
    const socket = await connected('big-sender');
    const nearCap = { showId: 'x'.repeat(MAX_MESSAGE_BYTES - 100) };
    expect(await ask(socket, 'show:join', nearCap)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PAYLOAD' },
    });
    const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    socket.emit('show:join', { showId: 'x'.repeat(2 * MAX_MESSAGE_BYTES) });
    expect(await closed).toBe('transport close');
    await buyerHolds('buyer-2', ['B1']);
  });

  it('refuses deeply nested payloads with INVALID_PAYLOAD and stays up', async () => {
    const raw = await RawEngineSocket.open(gw.url);
    expect((await raw.connect({ token: await tb.token('nester') })).ok).toBe(true);
    const depth = 30_000; // as deep as fits in one 64 KiB message
    const deep = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const deepObject = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    for (const args of [deep, `{"showId":${deep}}`, `{"showId":"x","seatId":${deepObject}}`]) {
      expect(await raw.emitRaw('"seat:hold"', args)).toMatchObject({
        ok: false,
        error: { code: 'INVALID_PAYLOAD' },
      });
    }
    // A deep payload under a made-up (numeric) event name is answered too.
    expect(await raw.emitRaw('12345', deep)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PAYLOAD' },
    });
    raw.close();
    await buyerHolds('buyer-3', ['C1']);
  });

  it('never refills a user’s bucket on reconnect', async () => {
    // One message a second per socket with bursts of 40; the user's shared bucket refills
    // at the same rate but holds only two.
    const limited = await tb.startGateway({
      HOLDFAST_LIMIT_EXEMPT_CIDRS: 'none',
      HOLDFAST_RATE_LIMIT_PER_SECOND: '1',
      HOLDFAST_RATE_LIMIT_BURST: '40',
      HOLDFAST_USER_RATE_LIMIT_PER_SECOND: '1',
    });
    const burst = async () => {
      const socket = tb.rawSocket(limited.url, { token: await tb.token('refiller') });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      const answers = await Promise.all(
        Array.from({ length: 40 }, () => ask(socket, 'show:leave', { showId: show.showId })),
      );
      socket.close();
      return answers.filter((a) => a.ok).length;
    };
    const first = await burst();
    const afterReconnects = [await burst(), await burst(), await burst()];
    // A fresh socket bucket would serve all 40 each time; the user's bucket serves what
    // refilled since (one a second), far fewer.
    expect(first).toBeLessThan(40);
    for (const served of afterReconnects) expect(served).toBeLessThan(40);
    // Another user on the same gateway and address is not affected.
    const other = tb.rawSocket(limited.url, { token: await tb.token('bystander') });
    await new Promise<void>((resolve) => other.once('connect', () => resolve()));
    expect(await ask(other, 'show:leave', { showId: show.showId })).toEqual({ ok: true });
  });
});
