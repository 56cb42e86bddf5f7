/**
 * Sessions through a real gateway (real Kafka and Redis): a socket's session lasts as long as
 * its token; `auth:refresh` with a fresh token of the same user moves its end; otherwise the
 * socket is told `session:expired` and disconnected. The SDK renews by itself, or reconnects
 * with a fresh token, or — with a fixed token — reports the end with a typed error. Tokens
 * here live a second or a few: the tests wait for the events, never for a time.
 */
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HoldfastSessionExpiredError } from '../../../src/client/index.ts';
import { secretKey } from '../../../src/config/auth.ts';
import type { ShowDefinition } from '../../../src/contract/shows.ts';
import { signToken } from '../../../src/gateway/auth.ts';
import type { GatewayHandle } from '../../../src/gateway/gateway.ts';
import { waitFor } from '../../support/wait.ts';
import { GatewayTestbed, JWT_SECRET } from './gateway-testbed.ts';

interface Answer {
  ok: boolean;
  expiresAt?: number;
  error?: { code: string; message: string };
}

const mint = (userId: string, ttlSeconds: number) =>
  signToken(userId, secretKey(JWT_SECRET), { ttlSeconds });

/** The `exp` of a token, in epoch ms. */
const expOf = (token: string) =>
  (
    JSON.parse(atob((token.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/'))) as {
      exp: number;
    }
  ).exp * 1000;

const ask = (socket: Socket, event: string, payload: unknown) =>
  socket.timeout(30_000).emitWithAck(event, payload) as Promise<Answer>;

describe('sessions', () => {
  let tb: GatewayTestbed;
  let gw: GatewayHandle;
  let show: ShowDefinition;

  beforeAll(async () => {
    ({
      tb,
      gateway: gw,
      show,
    } = await GatewayTestbed.oneGateway({ worker: false, layout: { rows: 1, seatsPerRow: 4 } }));
  });
  afterAll(() => tb?.close());

  /** A raw socket connected with `token`, recording what ends its session. */
  const connect = async (token: string) => {
    const socket = tb.rawSocket(gw.url, { token });
    const ended: string[] = [];
    socket.on('session:expired', (message: unknown) =>
      ended.push(`session:expired ${JSON.stringify(message)}`),
    );
    socket.on('disconnect', (reason) => ended.push(`disconnect ${reason}`));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return { socket, ended };
  };

  it('renews a live socket with auth:refresh, acked with the new exp', async () => {
    const { socket } = await connect(await mint('alice', 60));
    const fresh = await mint('alice', 600);
    expect(await ask(socket, 'auth:refresh', { token: fresh })).toEqual({
      ok: true,
      expiresAt: expOf(fresh),
    });
  });

  it("refuses another user's token, a bad one and one living too long; the socket keeps working", async () => {
    const { socket, ended } = await connect(await mint('alice', 60));
    for (const token of [
      await mint('mallory', 600),
      await signToken('alice', secretKey('another-secret-of-enough-length-000')),
      await mint('alice', 2 * 86_400),
      'garbage',
    ]) {
      expect(await ask(socket, 'auth:refresh', { token })).toMatchObject({
        ok: false,
        error: { code: 'UNAUTHENTICATED', message: expect.any(String) },
      });
    }
    expect(await ask(socket, 'auth:refresh', { jwt: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PAYLOAD' },
    });
    expect(await ask(socket, 'show:join', { showId: show.showId })).toMatchObject({ ok: true });
    expect(ended).toEqual([]);
  });

  it('tells a socket session:expired when its token runs out, then disconnects it', async () => {
    const token = await mint('alice', 1);
    const { socket, ended } = await connect(token);
    await waitFor(() => ended.length === 2, { what: 'the session to end', timeoutMs: 30_000 });
    expect(ended).toEqual([
      `session:expired ${JSON.stringify({ expiredAt: expOf(token) })}`,
      'disconnect io server disconnect',
    ]);
    expect(socket.connected).toBe(false);
  });

  it("ends a refreshed socket's session at the new token's exp", async () => {
    const { socket, ended } = await connect(await mint('alice', 1));
    const fresh = await mint('alice', 3);
    expect(await ask(socket, 'auth:refresh', { token: fresh })).toMatchObject({ ok: true });
    await waitFor(() => ended.length === 2, { what: 'the session to end', timeoutMs: 30_000 });
    expect(ended[0]).toBe(`session:expired ${JSON.stringify({ expiredAt: expOf(fresh) })}`);
  });

  it('refuses a handshake token without exp, or one living longer than allowed', async () => {
    const { SignJWT } = await import('jose');
    const noExp = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .sign(secretKey(JWT_SECRET).key);
    for (const token of [noExp, await mint('alice', 2 * 86_400)]) {
      await expect(connect(token)).rejects.toMatchObject({
        data: { code: 'UNAUTHENTICATED', message: expect.any(String) },
      });
    }
  });

  describe('the SDK', () => {
    it('renews its session by itself, on the same socket, past the first token’s end', async () => {
      const issued: string[] = [];
      const getToken = async () => {
        issued.push(await mint('alice', 3));
        return issued[issued.length - 1] as string;
      };
      const client = await tb.client('alice', gw.url, { getToken });
      const socketId = client.socket.id;
      let disconnects = 0;
      client.socket.on('disconnect', () => disconnects++);
      const expired: unknown[] = [];
      client.onSessionExpired((error) => expired.push(error));
      const firstEnd = expOf(issued[0] as string) + 5000;
      await waitFor(() => Date.now() > firstEnd + 1000, {
        what: "the first token's session end to pass",
        timeoutMs: 30_000,
      });
      expect(issued.length).toBeGreaterThanOrEqual(3);
      expect({ disconnects, expired, socketId: client.socket.id }).toEqual({
        disconnects: 0,
        expired: [],
        socketId,
      });
      expect(await client.join(show.showId)).toMatchObject({ ok: true });
    });

    it('reconnects with a fresh token when its session expired', async () => {
      let issued = 0;
      const getToken = () => {
        issued++;
        return mint('alice', 1);
      };
      // refreshBeforeMs 0: no renewal in place, so the gateway ends the session.
      const client = await tb.client('alice', gw.url, { getToken, refreshBeforeMs: 0 });
      const first = client.socket.id;
      const expired: HoldfastSessionExpiredError[] = [];
      client.onSessionExpired((error) => expired.push(error));
      await waitFor(() => expired.length > 0 && client.socket.connected, {
        what: 'the session to expire and the client to reconnect',
        timeoutMs: 30_000,
      });
      expect(expired[0]).toBeInstanceOf(HoldfastSessionExpiredError);
      expect(client.socket.id).not.toBe(first);
      expect(issued).toBeGreaterThanOrEqual(2);
      expect(await client.join(show.showId)).toMatchObject({ ok: true });
    });

    it('with a fixed token, ends the session with a typed error and answers UNAUTHENTICATED', async () => {
      const client = await tb.client('alice', gw.url, { token: await mint('alice', 1) });
      const expired: HoldfastSessionExpiredError[] = [];
      client.onSessionExpired((error) => expired.push(error));
      await waitFor(() => expired.length > 0, { what: 'the session to end', timeoutMs: 30_000 });
      expect(expired[0]).toMatchObject({ code: 'SESSION_EXPIRED' });
      await waitFor(() => !client.socket.connected, { what: 'the disconnect' });
      expect(await client.join(show.showId)).toMatchObject({
        ok: false,
        error: { code: 'UNAUTHENTICATED' },
      });
      await expect(client.ready()).rejects.toBeInstanceOf(HoldfastSessionExpiredError);
    });
  });
});
