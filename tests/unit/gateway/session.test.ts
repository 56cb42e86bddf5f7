/**
 * A socket's session on a fake clock: it ends (session:expired, then disconnect) when its
 * token does plus the leeway, a fresh token of the same user moves the end, and a refused
 * one leaves it where it was.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Verified } from '../../../src/gateway/auth.ts';
import { type SessionSocket, SocketSession } from '../../../src/gateway/session.ts';

const LEEWAY_MS = 5000;

function fakeSocket() {
  const seen: string[] = [];
  let onDisconnect: (() => void) | undefined;
  const socket: SessionSocket & { connected: boolean } = {
    connected: true,
    emit: (event, message) => seen.push(`${event} ${JSON.stringify(message)}`),
    disconnect: () => {
      seen.push('disconnect');
      socket.connected = false;
    },
    once: (_event, listener) => {
      onDisconnect = listener;
    },
  };
  return { socket, seen, dropped: () => onDisconnect?.() };
}

/** A verifier that reads `user:expiresAt` tokens, or refuses `bad`. */
async function verify(token: unknown): Promise<Verified> {
  const [userId, expiresAt] = String(token).split(':');
  if (!userId || userId === 'bad') return { ok: false, message: 'token expired' };
  return { ok: true, userId, expiresAt: Number(expiresAt) };
}

describe('SocketSession', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] }));
  afterEach(() => vi.useRealTimers());

  it('tells the socket session:expired, then disconnects it, once the token and leeway run out', () => {
    const { socket, seen } = fakeSocket();
    const expiresAt = Date.now() + 10_000;
    new SocketSession({ socket, userId: 'alice', expiresAt, verify });
    vi.advanceTimersByTime(10_000 + LEEWAY_MS - 1);
    expect(seen).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(seen).toEqual([`session:expired {"expiredAt":${expiresAt}}`, 'disconnect']);
  });

  it('moves the end of the session to a fresh token’s exp', async () => {
    const { socket, seen } = fakeSocket();
    const session = new SocketSession({
      socket,
      userId: 'alice',
      expiresAt: Date.now() + 10_000,
      verify,
    });
    const later = Date.now() + 60_000;
    expect(await session.refresh({ token: `alice:${later}` })).toEqual({
      ok: true,
      expiresAt: later,
    });
    expect(session.expiresAt).toBe(later);
    vi.advanceTimersByTime(60_000 + LEEWAY_MS - 1);
    expect(seen).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(seen[0]).toBe(`session:expired {"expiredAt":${later}}`);
  });

  it("refuses another user's token, a refused token and a malformed payload, keeping the session", async () => {
    const { socket, seen } = fakeSocket();
    const expiresAt = Date.now() + 10_000;
    const session = new SocketSession({ socket, userId: 'alice', expiresAt, verify });
    const later = Date.now() + 60_000;
    expect(await session.refresh({ token: `mallory:${later}` })).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED', message: expect.stringMatching(/another user/) },
    });
    expect(await session.refresh({ token: 'bad' })).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED', message: 'token expired' },
    });
    for (const payload of [undefined, 'alice', { token: '' }, { token: 'a', extra: 1 }]) {
      expect(await session.refresh(payload)).toMatchObject({
        ok: false,
        error: { code: 'INVALID_PAYLOAD' },
      });
    }
    expect(session.expiresAt).toBe(expiresAt);
    vi.advanceTimersByTime(10_000 + LEEWAY_MS);
    expect(seen).toContain('disconnect');
  });

  it('stops its timer when the socket goes', () => {
    const { socket, seen, dropped } = fakeSocket();
    new SocketSession({ socket, userId: 'alice', expiresAt: Date.now() + 1000, verify });
    dropped();
    vi.advanceTimersByTime(60_000);
    expect(seen).toEqual([]);
  });
});
