/**
 * The SDK's token keeper on a fake clock: a fresh token at every handshake, a renewal a
 * little before expiry (never later than halfway), retries after a failed one until the
 * token runs out, and nothing to renew with a fixed token.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TokenKeeper, tokenExpiresAt } from '../../../src/client/session.ts';
import type { RefreshAck } from '../../../src/contract/socket-events.ts';

/** An unsigned JWT-shaped token expiring at `expMs` (the keeper only reads `exp`). */
function tokenUntil(expMs: number): string {
  const part = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, '');
  return `${part({ alg: 'none' })}.${part({ sub: 'alice', exp: expMs / 1000 })}.sig`;
}

describe('TokenKeeper', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] }));
  afterEach(() => vi.useRealTimers());

  function keeper(options: { lifetimeMs: number; refresh?: (token: string) => RefreshAck }) {
    const fetched: string[] = [];
    const refreshed: string[] = [];
    const failures: string[] = [];
    const tokens = new TokenKeeper({
      source: async () => {
        const token = tokenUntil(Date.now() + options.lifetimeMs);
        fetched.push(token);
        return token;
      },
      refresh: async (token) => {
        refreshed.push(token);
        return options.refresh?.(token) ?? { ok: true, expiresAt: tokenExpiresAt(token) as number };
      },
      refreshBeforeMs: 60_000,
      retryMs: 5000,
      onRenewalFailed: (reason) => failures.push(reason),
    });
    return { tokens, fetched, refreshed, failures };
  }

  it('reads exp from a token, and nothing from garbage', () => {
    expect(tokenExpiresAt(tokenUntil(1_800_000_000_000))).toBe(1_800_000_000_000);
    expect(tokenExpiresAt('not-a-jwt')).toBeUndefined();
  });

  it('renews a minute before expiry, again and again, while connected', async () => {
    const { tokens, fetched, refreshed } = keeper({ lifetimeMs: 3_600_000 });
    await tokens.forHandshake();
    tokens.connected();
    await vi.advanceTimersByTimeAsync(3_600_000 - 60_001);
    expect(refreshed).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(refreshed).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(3_600_000 - 60_000);
    expect(refreshed).toHaveLength(2);
    expect(fetched).toHaveLength(3); // the handshake's, then one per renewal
    tokens.disconnected();
    await vi.advanceTimersByTimeAsync(10 * 3_600_000);
    expect(refreshed).toHaveLength(2);
  });

  it('renews a short token halfway through its life', async () => {
    const { tokens, refreshed } = keeper({ lifetimeMs: 10_000 });
    await tokens.forHandshake();
    tokens.connected();
    await vi.advanceTimersByTimeAsync(4_999);
    expect(refreshed).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(refreshed).toHaveLength(1);
  });

  it('tries a refused renewal again until the token runs out', async () => {
    const { tokens, refreshed, failures } = keeper({
      lifetimeMs: 120_000,
      refresh: () => ({ ok: false, error: { code: 'UNAUTHENTICATED', message: 'no' } }),
    });
    await tokens.forHandshake();
    tokens.connected();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(failures).toEqual(['UNAUTHENTICATED: no']);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(refreshed).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(120_000);
    // Every 5 s while there was time, then halfway down to the last second, then no more.
    const count = refreshed.length;
    expect(count).toBeGreaterThan(10);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(refreshed).toHaveLength(count);
  });

  it('renews nothing for a fixed token', async () => {
    const refreshed: string[] = [];
    const token = tokenUntil(Date.now() + 10_000);
    const tokens = new TokenKeeper({
      source: token,
      refresh: async (t) => {
        refreshed.push(t);
        return { ok: true, expiresAt: Date.now() };
      },
      refreshBeforeMs: 60_000,
      retryMs: 5000,
    });
    expect(await tokens.forHandshake()).toBe(token);
    expect(tokens.renewable).toBe(false);
    tokens.connected();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(refreshed).toEqual([]);
  });
});
