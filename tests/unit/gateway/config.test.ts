import { describe, expect, it } from 'vitest';
import { loadGatewayConfig } from '../../../src/config/gateway.ts';
import { isHoldfastError } from '../../../src/contract/errors.ts';

const base = {
  KAFKA_BROKERS: '127.0.0.1:9092',
  REDIS_URL: 'redis://127.0.0.1:6379',
  HOLDFAST_JWT_SECRET: 'k7Qx2-fLp9Zr4-Wm8Vt3-Hy6Bn1-Jc5Ds0',
};

describe('loadGatewayConfig', () => {
  it('applies the defaults', () => {
    const config = loadGatewayConfig(base);
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      ackTimeoutMs: 10_000,
      sessionTimeoutMs: 10_000,
      kafkaBrokers: ['127.0.0.1:9092'],
      gatewayId: expect.stringMatching(/^gw-/),
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(loadGatewayConfig(base).gatewayId).not.toBe(config.gatewayId);
  });

  it('reads PORT=0 and the named variables', () => {
    const config = loadGatewayConfig({
      ...base,
      PORT: '0',
      HOLDFAST_ACK_TIMEOUT_MS: '2500',
      HOLDFAST_SESSION_TIMEOUT_MS: '6000',
      HOLDFAST_GATEWAY_ID: 'gw-a',
    });
    expect(config).toMatchObject({
      port: 0,
      ackTimeoutMs: 2500,
      sessionTimeoutMs: 6000,
      gatewayId: 'gw-a',
    });
  });

  it('holds the tunables with their defaults, and reads them', () => {
    expect(loadGatewayConfig(base)).toMatchObject({
      rateLimit: { perSecond: 20, burst: 40 },
      statsPeriodMs: 300,
      statsTickMs: 100,
      readModelCheckMs: 1000,
      drainMs: 5000,
      consumerGroup: { heartbeatIntervalMs: 1000, rebalanceTimeoutMs: 10_000, retries: 8 },
    });
    expect(loadGatewayConfig({ ...base, HOLDFAST_ACK_TIMEOUT_MS: '2000' }).drainMs).toBe(2000);
    const config = loadGatewayConfig({
      ...base,
      HOLDFAST_RATE_LIMIT_PER_SECOND: '5',
      HOLDFAST_RATE_LIMIT_BURST: '7',
      HOLDFAST_STATS_PERIOD_MS: '1000',
      HOLDFAST_STATS_TICK_MS: '50',
      HOLDFAST_READ_MODEL_CHECK_MS: '200',
      HOLDFAST_DRAIN_MS: '0',
      HOLDFAST_HEARTBEAT_INTERVAL_MS: '300',
    });
    expect(config).toMatchObject({
      rateLimit: { perSecond: 5, burst: 7 },
      statsPeriodMs: 1000,
      statsTickMs: 50,
      readModelCheckMs: 200,
      drainMs: 0,
      consumerGroup: { heartbeatIntervalMs: 300 },
    });
    expect(Object.isFrozen(config.rateLimit)).toBe(true);
  });

  it('names a missing or short secret and every other problem at once', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadGatewayConfig(env);
      } catch (error) {
        if (isHoldfastError(error)) return error.message;
      }
      return 'no error';
    };
    expect(problems({ ...base, HOLDFAST_JWT_SECRET: '' })).toContain('HOLDFAST_JWT_SECRET');
    const message = problems({ ...base, HOLDFAST_JWT_SECRET: 'short', PORT: 'eighty' });
    expect(message).toContain('HOLDFAST_JWT_SECRET: must be at least 32 characters');
    expect(message).toContain('PORT');
    expect(message).not.toContain('short"'); // the secret's value is never echoed
  });

  it('holds the client limits, the admin port and the transports, with their defaults', () => {
    const config = loadGatewayConfig(base);
    expect(config).toMatchObject({
      clientLimits: {
        userMessages: { perSecond: 60, burst: 120 },
        addressMessages: { perSecond: 200, burst: 400 },
        seatMapRequests: { perSecond: 2, burst: 4 },
        maxConnectionsPerUser: 10,
        maxConnectionsPerAddress: 200,
        exempt: [
          { address: '127.0.0.0', prefix: 8, family: 'ipv4' },
          { address: '::1', prefix: 128, family: 'ipv6' },
        ],
      },
      trustedProxies: [],
      transports: ['websocket'],
      handshakeTimeoutMs: 5000,
      metricsPort: 9464,
      metricsHost: '127.0.0.1',
    });
    expect(Object.isFrozen(config.clientLimits)).toBe(true);
    const set = loadGatewayConfig({
      ...base,
      HOLDFAST_LIMIT_EXEMPT_CIDRS: 'none',
      HOLDFAST_TRUSTED_PROXIES: '10.0.0.0/8,fd00::/8',
      HOLDFAST_TRANSPORTS: 'websocket,polling',
      HOLDFAST_USER_RATE_LIMIT_PER_SECOND: '30',
    });
    expect(set.clientLimits.exempt).toEqual([]);
    expect(set.trustedProxies.map((c) => `${c.address}/${c.prefix}`)).toEqual([
      '10.0.0.0/8',
      'fd00::/8',
    ]);
    expect(set.transports).toEqual(['websocket', 'polling']);
    expect(set.clientLimits.userMessages).toEqual({ perSecond: 30, burst: 60 });
  });

  it('refuses a bad CIDR by name, and shared limits below the per-socket one', () => {
    expect(() => loadGatewayConfig({ ...base, HOLDFAST_TRUSTED_PROXIES: '10.0.0.0/99' })).toThrow(
      /HOLDFAST_TRUSTED_PROXIES: not an IP address or CIDR: "10.0.0.0\/99"/,
    );
    expect(() => loadGatewayConfig({ ...base, HOLDFAST_TRANSPORTS: 'polling' })).toThrow(
      /HOLDFAST_TRANSPORTS/,
    );
    expect(() => loadGatewayConfig({ ...base, HOLDFAST_USER_RATE_LIMIT_PER_SECOND: '10' })).toThrow(
      /HOLDFAST_USER_RATE_LIMIT_PER_SECOND: must be at least HOLDFAST_RATE_LIMIT_PER_SECOND \(20\)/,
    );
    expect(() =>
      loadGatewayConfig({
        ...base,
        HOLDFAST_RATE_LIMIT_PER_SECOND: '1',
        HOLDFAST_IP_RATE_LIMIT_PER_SECOND: '1',
        HOLDFAST_USER_RATE_LIMIT_PER_SECOND: '1',
      }),
    ).not.toThrow();
  });
});
