import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../src/gateway/rate-limiter.ts';

function fakeClock(start = 1_000_000) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('RateLimiter', () => {
  it('never limits a socket sending 20 messages a second, even in bursts', () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({}, clock.now);
    // 60 seconds: each second's 20 messages all at its very end, then all at its start.
    for (let second = 0; second < 60; second++) {
      const atEnd = second % 2 === 0;
      if (atEnd) clock.advance(999);
      for (let i = 0; i < 20; i++) expect(limiter.tryTake()).toBe(true);
      clock.advance(atEnd ? 1 : 1000);
    }
  });

  it('never limits 20 messages a second spread evenly', () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({}, clock.now);
    for (let i = 0; i < 2000; i++) {
      expect(limiter.tryTake()).toBe(true);
      clock.advance(50);
    }
  });

  it('limits a flood and serves the socket again once a token refills', () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({}, clock.now);
    let served = 0;
    for (let i = 0; i < 1000; i++) if (limiter.tryTake()) served++;
    expect(served).toBe(40);
    expect(limiter.tryTake()).toBe(false);
    clock.advance(50);
    expect(limiter.tryTake()).toBe(true);
    expect(limiter.tryTake()).toBe(false);
  });

  it('refused messages take no token: after a long flood the socket recovers within 5 s', () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({}, clock.now);
    for (let i = 0; i < 10_000; i++) {
      limiter.tryTake();
      clock.advance(1);
    }
    clock.advance(5000);
    for (let i = 0; i < 40; i++) expect(limiter.tryTake()).toBe(true);
  });

  it('ignores a clock that goes backwards', () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ perSecond: 1, burst: 1 }, clock.now);
    expect(limiter.tryTake()).toBe(true);
    clock.advance(-10_000);
    expect(limiter.tryTake()).toBe(false);
    clock.advance(1000);
    expect(limiter.tryTake()).toBe(true);
  });
});
