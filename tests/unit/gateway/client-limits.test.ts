/** Connection caps and shared message buckets per user and per address, with a fake clock. */
import { describe, expect, it } from 'vitest';
import { parseCidrList } from '../../../src/config/cidr.ts';
import { addressSet } from '../../../src/gateway/client-address.ts';
import { type ClientLimitSettings, ClientLimits } from '../../../src/gateway/client-limits.ts';
import { RateLimiter, takeFromAll } from '../../../src/gateway/rate-limiter.ts';

function fakeClock(start = 1_000_000) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const settings: ClientLimitSettings = {
  maxConnectionsPerUser: 2,
  maxConnectionsPerAddress: 3,
  userMessages: { perSecond: 60, burst: 120 },
  addressMessages: { perSecond: 200, burst: 400 },
  seatMapRequests: { perSecond: 2, burst: 4 },
  exempt: addressSet(parseCidrList('127.0.0.0/8')),
};

describe('ClientLimits', () => {
  it('caps connections per user and per address, and frees a slot when one closes', () => {
    const limits = new ClientLimits(settings);
    const first = limits.admitConnection('203.0.113.1', 'alice');
    const second = limits.admitConnection('203.0.113.2', 'alice');
    expect(first.ok && second.ok).toBe(true);
    const third = limits.admitConnection('203.0.113.3', 'alice');
    expect(third).toMatchObject({ ok: false, reason: 'user_connections' });
    expect(third.ok ? 0 : third.retryAfterMs).toBeGreaterThan(0);
    if (first.ok) {
      first.release();
      first.release(); // twice is once
    }
    expect(limits.admitConnection('203.0.113.3', 'alice').ok).toBe(true);
    expect(limits.admitConnection('203.0.113.3', 'alice')).toMatchObject({ ok: false });

    for (const user of ['u1', 'u2', 'u3']) {
      expect(limits.admitConnection('198.51.100.9', user).ok).toBe(true);
    }
    expect(limits.admitConnection('198.51.100.9', 'u4')).toMatchObject({
      ok: false,
      reason: 'address_connections',
    });
  });

  it('exempts configured addresses from every shared limit', () => {
    const limits = new ClientLimits(settings);
    for (let i = 0; i < 100; i++) {
      const admitted = limits.admitConnection('127.0.0.1', 'bench-user');
      expect(admitted).toMatchObject({ ok: true, buckets: [] });
    }
    for (let i = 0; i < 100; i++) expect(limits.takeSeatMapRequest('127.0.0.1').ok).toBe(true);
    expect(limits.tracked).toEqual({ users: 0, addresses: 0, seatMaps: 0 });
  });

  it('shares one message bucket among all of a user’s sockets, across reconnects', () => {
    const clock = fakeClock();
    const limits = new ClientLimits(settings, clock.now);
    const take = (buckets: readonly RateLimiter[]) =>
      takeFromAll([new RateLimiter({}, clock.now), ...buckets]);
    let served = 0;
    // Each reconnect brings a fresh socket bucket, never a fresh user bucket.
    for (let reconnect = 0; reconnect < 10; reconnect++) {
      const admitted = limits.admitConnection('203.0.113.1', 'alice');
      if (!admitted.ok) throw new Error('refused');
      for (let i = 0; i < 40; i++) if (take(admitted.buckets).ok) served++;
      admitted.release();
      limits.sweep(); // the tally is not full: it survives the sweep
    }
    expect(served).toBe(settings.userMessages.burst);
  });

  it('forgets a tally only once it holds nothing a fresh one would not', () => {
    const clock = fakeClock();
    const limits = new ClientLimits(settings, clock.now);
    const admitted = limits.admitConnection('203.0.113.1', 'alice');
    if (!admitted.ok) throw new Error('refused');
    takeFromAll(admitted.buckets);
    limits.sweep();
    expect(limits.tracked).toMatchObject({ users: 1, addresses: 1 }); // still connected
    admitted.release();
    limits.sweep();
    expect(limits.tracked).toMatchObject({ users: 1, addresses: 1 }); // bucket not refilled
    clock.advance(1000);
    limits.sweep();
    expect(limits.tracked).toMatchObject({ users: 0, addresses: 0 });
  });

  it('limits seat-map requests per address and says when to come back', () => {
    const clock = fakeClock();
    const limits = new ClientLimits(settings, clock.now);
    for (let i = 0; i < 4; i++) expect(limits.takeSeatMapRequest('203.0.113.1').ok).toBe(true);
    expect(limits.takeSeatMapRequest('203.0.113.1')).toEqual({ ok: false, retryAfterMs: 500 });
    expect(limits.takeSeatMapRequest('203.0.113.2').ok).toBe(true); // another address
    clock.advance(500);
    expect(limits.takeSeatMapRequest('203.0.113.1').ok).toBe(true);
  });
});

describe('takeFromAll', () => {
  it('charges every bucket or none: a refused message costs no bucket anything', () => {
    const clock = fakeClock();
    const socket = new RateLimiter({ perSecond: 1, burst: 1 }, clock.now);
    const user = new RateLimiter({ perSecond: 10, burst: 5 }, clock.now);
    expect(takeFromAll([socket, user]).ok).toBe(true);
    // The socket's own bucket refuses: the user's keeps its 4 tokens.
    expect(takeFromAll([socket, user])).toEqual({ ok: false, retryAfterMs: 1000 });
    for (let i = 0; i < 4; i++) expect(user.tryTake()).toBe(true);
    expect(user.tryTake()).toBe(false);
    // Now a shared bucket refuses: the socket's refilled token stays.
    clock.advance(1000);
    const drained = new RateLimiter({ perSecond: 1, burst: 1 }, clock.now);
    drained.tryTake();
    expect(takeFromAll([socket, drained])).toEqual({ ok: false, retryAfterMs: 1000 });
    expect(socket.tryTake()).toBe(true);
  });
});
