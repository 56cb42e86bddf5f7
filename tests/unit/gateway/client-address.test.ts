/** CIDR lists from the environment, and who a request is counted as coming from. */
import { describe, expect, it } from 'vitest';
import { cidrListVar, parseCidr, parseCidrList } from '../../../src/config/cidr.ts';
import { addressSet, clientAddress } from '../../../src/gateway/client-address.ts';

describe('CIDR lists', () => {
  it('parses addresses and subnets of both families; a bare address is one host', () => {
    expect(parseCidr('10.0.0.0/8')).toEqual({ address: '10.0.0.0', prefix: 8, family: 'ipv4' });
    expect(parseCidr(' ::1 ')).toEqual({ address: '::1', prefix: 128, family: 'ipv6' });
    expect(parseCidr('fd00::/8')).toMatchObject({ prefix: 8, family: 'ipv6' });
  });

  it('refuses what is not an address or a prefix in range, naming the entry', () => {
    for (const bad of [
      '10.0.0.0/33',
      '::/129',
      'example.com',
      '10.0.0/8',
      '1.2.3.4/x',
      '1.2.3.4/8/8',
    ]) {
      expect(parseCidr(bad), bad).toBeUndefined();
    }
    const parsed = cidrListVar.safeParse('10.0.0.0/8, nonsense');
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toContain('"nonsense"');
  });

  it('reads `none` as the empty list', () => {
    expect(cidrListVar.safeParse('none').success).toBe(true);
    expect(parseCidrList('none')).toEqual([]);
    expect(parseCidrList('127.0.0.0/8,::1')).toHaveLength(2);
  });

  it('matches IPv4-mapped IPv6 addresses against IPv4 subnets', () => {
    const loopback = addressSet(parseCidrList('127.0.0.0/8,::1'));
    for (const inside of ['127.0.0.1', '127.9.9.9', '::1', '::ffff:127.0.0.1']) {
      expect(loopback.has(inside), inside).toBe(true);
    }
    for (const outside of ['10.0.0.1', '::2', '::ffff:10.0.0.1', '', 'garbage']) {
      expect(loopback.has(outside), outside).toBe(false);
    }
  });
});

describe('clientAddress', () => {
  const proxies = addressSet(parseCidrList('10.0.0.0/8'));

  it('is the peer when the peer is not a trusted proxy, whatever X-Forwarded-For says', () => {
    expect(clientAddress('203.0.113.9', '198.51.100.1', proxies)).toBe('203.0.113.9');
    expect(clientAddress('::ffff:203.0.113.9', undefined, proxies)).toBe('203.0.113.9');
  });

  it('behind trusted proxies, is the first untrusted hop from the right', () => {
    expect(clientAddress('10.0.0.2', '198.51.100.7', proxies)).toBe('198.51.100.7');
    // Two proxies deep; the leftmost entry is the client's own claim and never believed.
    expect(clientAddress('10.0.0.2', '1.1.1.1, 198.51.100.7, 10.0.0.3', proxies)).toBe(
      '198.51.100.7',
    );
    expect(clientAddress('10.0.0.2', ['1.1.1.1', '198.51.100.7'], proxies)).toBe('198.51.100.7');
  });

  it('stops at a malformed hop: the last trusted proxy is counted, never a made-up address', () => {
    expect(clientAddress('10.0.0.2', 'not-an-ip', proxies)).toBe('10.0.0.2');
    expect(clientAddress('10.0.0.2', '', proxies)).toBe('10.0.0.2');
  });

  it('trusts nothing by default', () => {
    const none = addressSet(parseCidrList('none'));
    expect(clientAddress('10.0.0.2', '198.51.100.7', none)).toBe('10.0.0.2');
  });
});
