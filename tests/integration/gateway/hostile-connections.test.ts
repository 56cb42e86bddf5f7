/**
 * A hostile client's connections and scraping, with no address exempt from the limits:
 * connection caps per user and per address answer a coded handshake error, a connection that
 * never completes its handshake (or its request headers) is dropped, HTTP long-polling is refused unless configured,
 * and scraping the seat map meets a coded 429 — while a normal buyer keeps holding seats.
 */
import { connect } from 'node:net';
import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ShowDefinition } from '../../../src/contract/shows.ts';
import type { GatewayHandle } from '../../../src/gateway/gateway.ts';
import { waitFor } from '../../support/wait.ts';
import { GatewayTestbed } from './gateway-testbed.ts';
import { RawEngineSocket } from './raw-engine-socket.ts';

type Outcome = { connected: true } | { connected: false; data: unknown };

describe('hostile connections', () => {
  let tb: GatewayTestbed;
  let gw: GatewayHandle;
  let show: ShowDefinition;
  const sockets: Socket[] = [];

  const closeAll = () => {
    for (const socket of sockets) socket.close();
  };

  const metrics = async () => (await fetch(`${gw.adminUrl}/metrics`)).text();
  const connectedSockets = async () =>
    Number(/^holdfast_gateway_sockets\{[^}]*\} (\d+)/m.exec(await metrics())?.[1]);
  /**
   * Waits until the gateway counts `count` connected sockets. A client's close reaches the
   * gateway later; the count drops in the same `disconnect` that gives the slots back.
   */
  const gatewayCounts = (count: number) =>
    waitFor(async () => (await connectedSockets()) === count, {
      what: `the gateway to count ${count} connected sockets`,
    });

  beforeAll(async () => {
    ({
      tb,
      gateway: gw,
      show,
    } = await GatewayTestbed.oneGateway({
      layout: { rows: 2, seatsPerRow: 10 },
      env: {
        HOLDFAST_LIMIT_EXEMPT_CIDRS: 'none',
        HOLDFAST_MAX_CONNECTIONS_PER_USER: '3',
        HOLDFAST_MAX_CONNECTIONS_PER_IP: '8',
        HOLDFAST_SEAT_MAP_RATE_LIMIT_PER_SECOND: '1',
        // Short enough to wait for, long enough for a busy two-core machine's honest clients.
        HOLDFAST_HANDSHAKE_TIMEOUT_MS: '3000',
      },
    }));
  });
  // Every connection here comes from 127.0.0.1: a test starts with none of an earlier one's
  // open, so a failure leaves no slots taken to fail the next tests with a misleading cap.
  afterEach(async () => {
    closeAll();
    await gatewayCounts(0);
  });
  afterAll(async () => {
    closeAll();
    await tb?.close();
  });

  const attempt = async (userId: string, url = gw.url): Promise<[Socket, Outcome]> => {
    const socket = tb.rawSocket(url, { token: await tb.token(userId) });
    sockets.push(socket);
    const outcome = await new Promise<Outcome>((resolve) => {
      socket.once('connect', () => resolve({ connected: true }));
      socket.once('connect_error', (error: Error & { data?: unknown }) =>
        resolve({ connected: false, data: error.data }),
      );
      // Dropped before either (say, past the handshake deadline): a failure to report, not a
      // hang. The socket's own `disconnect`, not its manager's `close`: a refused handshake
      // closes the manager ('forced close') before `connect_error` carries the refusal's code.
      socket.once('disconnect', (reason) =>
        resolve({ connected: false, data: { closed: reason } }),
      );
    });
    return [socket, outcome];
  };

  const buyerHolds = async (userId: string, seatId: string) => {
    const buyer = await tb.client(userId, gw.url);
    try {
      await buyer.join(show.showId);
      expect(await buyer.hold(show.showId, seatId)).toMatchObject({ ok: true });
    } finally {
      buyer.close();
    }
  };

  it('caps one user’s connections with RATE_LIMITED and frees a slot when one closes', async () => {
    const open: Socket[] = [];
    for (let i = 0; i < 3; i++) {
      const [socket, outcome] = await attempt('many-tabs');
      expect(outcome).toEqual({ connected: true });
      open.push(socket);
    }
    const [, refused] = await attempt('many-tabs');
    expect(refused).toMatchObject({
      connected: false,
      data: { code: 'RATE_LIMITED', retryAfterMs: expect.any(Number) },
    });
    // Still refused a moment later: the cap counts open connections, not attempts.
    expect((await attempt('many-tabs'))[1]).toMatchObject({
      connected: false,
      data: { code: 'RATE_LIMITED' },
    });
    open[0]?.close();
    await gatewayCounts(2);
    expect((await attempt('many-tabs'))[1]).toEqual({ connected: true });
    await buyerHolds('buyer-1', 'A1');
  });

  it('caps one address’s connections across users, then lets others in as they close', async () => {
    const open: Socket[] = [];
    for (let i = 0; i < 8; i++) {
      const [socket, outcome] = await attempt(`crowd-${i}`);
      expect(outcome).toEqual({ connected: true });
      open.push(socket);
    }
    // A ninth user, from the same address: each user is far below its own cap.
    expect((await attempt('crowd-8'))[1]).toMatchObject({
      connected: false,
      data: { code: 'RATE_LIMITED', retryAfterMs: expect.any(Number) },
    });
    open[0]?.close();
    await gatewayCounts(7);
    expect((await attempt('crowd-9'))[1]).toEqual({ connected: true });
    // The buyer comes from the same address too: it waits until these are gone.
    closeAll();
    await gatewayCounts(0);
    await buyerHolds('buyer-2', 'A2');
  });

  it('drops a connection that never completes its handshake', async () => {
    const silent = await RawEngineSocket.open(gw.url);
    // No Socket.IO connect packet: the gateway closes it after HOLDFAST_HANDSHAKE_TIMEOUT_MS.
    await silent.closed;
    await buyerHolds('buyer-3', 'A3');
  });

  it('drops a connection that trickles its request headers', async () => {
    const port = Number(new URL(gw.url).port);
    const slow = connect(port, '127.0.0.1');
    const closed = new Promise<void>((resolve) => slow.once('close', () => resolve()));
    slow.on('error', () => undefined);
    slow.resume(); // read the server's answer (a 408), or its close never surfaces
    slow.write('GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\n');
    // Never the blank line that ends the headers: closed after the handshake deadline.
    await closed;
    await buyerHolds('buyer-5', 'A4');
  });

  it('refuses HTTP long-polling unless configured', async () => {
    const polling = (url: string) => fetch(`${url}/socket.io/?EIO=4&transport=polling`);
    const refused = await polling(gw.url);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ message: 'Transport unknown' });
    const allowing = await tb.startGateway({ HOLDFAST_TRANSPORTS: 'websocket,polling' });
    expect((await polling(allowing.url)).status).toBe(200);
    const pollingClient = io(allowing.url, {
      transports: ['polling'],
      auth: { token: await tb.token('old-browser') },
      reconnection: false,
    });
    sockets.push(pollingClient);
    await new Promise<void>((resolve, reject) => {
      pollingClient.once('connect', () => resolve());
      pollingClient.once('connect_error', reject);
    });
  });

  it('answers seat-map scraping with a coded 429 and Retry-After, and builds the map once', async () => {
    const url = `${gw.url}/shows/${show.showId}/seats`;
    const builds = (body: string) =>
      Number(/^holdfast_gateway_seat_map_builds_total\{[^}]*\} (\d+)/m.exec(body)?.[1] ?? 0);
    const buildsBefore = builds(await metrics());
    // A forged X-Forwarded-For from an untrusted peer changes nothing.
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        fetch(url, { headers: { 'x-forwarded-for': `198.51.100.${i}` } }),
      ),
    );
    const ok = answers.filter((r) => r.status === 200);
    const limited = answers.filter((r) => r.status === 429);
    expect(
      answers.map((r) => r.status).filter((status) => status !== 200 && status !== 429),
    ).toEqual([]);
    expect(ok.length).toBeLessThan(30);
    expect(limited[0]?.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await limited[0]?.json()).toMatchObject({
      ok: false,
      error: { code: 'RATE_LIMITED', retryAfterMs: expect.any(Number) },
    });
    // Nothing changed in the show: every 200 was served from one build (or none new).
    expect(builds(await metrics()) - buildsBefore).toBeLessThanOrEqual(1);
    const bodies = await Promise.all(ok.map((r) => r.text()));
    expect(new Set(bodies).size).toBe(1);
    // A socket client is not limited by scraping, and its hold changes the map served.
    await buyerHolds('buyer-4', 'B1');
  });

  it('counts each client behind a trusted proxy by its forwarded address', async () => {
    const behindProxy = await tb.startGateway({
      HOLDFAST_LIMIT_EXEMPT_CIDRS: 'none',
      HOLDFAST_SEAT_MAP_RATE_LIMIT_PER_SECOND: '1',
      HOLDFAST_TRUSTED_PROXIES: '127.0.0.1/32,::1',
    });
    const get = (client: string) =>
      fetch(`${behindProxy.url}/shows/${show.showId}/seats`, {
        headers: { 'x-forwarded-for': client },
      });
    const statuses = async (client: string) => {
      const answers = await Promise.all(Array.from({ length: 6 }, () => get(client)));
      return answers.map((r) => r.status);
    };
    // One client scraping is limited; another, behind the same proxy, is not.
    expect(await statuses('198.51.100.1')).toContain(429);
    expect((await get('198.51.100.2')).status).not.toBe(429);
  });
});
