/**
 * Who a request comes from, for the per-address limits. The peer's address is the client's
 * unless the peer is a trusted proxy: then `X-Forwarded-For` is read from its right end
 * (the hop the proxy itself added) leftwards, past every trusted proxy, and the first
 * address that is not one is the client. Entries left of it are whatever the client wrote
 * and are never believed, so a client cannot pick the address it is counted under.
 */
import { BlockList, isIP } from 'node:net';
import type { Cidr } from '../config/cidr.ts';

export interface AddressSet {
  has(address: string): boolean;
}

export function addressSet(cidrs: readonly Cidr[]): AddressSet {
  const list = new BlockList();
  for (const cidr of cidrs) list.addSubnet(cidr.address, cidr.prefix, cidr.family);
  return {
    has(address: string): boolean {
      const version = isIP(address);
      // BlockList also matches IPv4-mapped IPv6 (`::ffff:127.0.0.1`) against IPv4 subnets.
      return version !== 0 && list.check(address, version === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

/** IPv4-mapped IPv6 (`::ffff:10.0.0.1`, how a dual-stack server sees IPv4) as plain IPv4. */
function canonical(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped?.[1] ?? address;
}

/**
 * The client's address. `forwardedFor` is the raw header (several headers arrive joined by
 * commas, or as an array).
 */
export function clientAddress(
  peer: string | undefined,
  forwardedFor: string | string[] | undefined,
  trustedProxies: AddressSet,
): string {
  let client = canonical(peer ?? '');
  if (!trustedProxies.has(client) || forwardedFor === undefined) return client;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
    .split(',')
    .map((hop) => canonical(hop.trim()));
  while (trustedProxies.has(client)) {
    const next = hops.pop();
    if (next === undefined || isIP(next) === 0) break;
    client = next;
  }
  return client;
}
