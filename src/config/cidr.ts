/**
 * CIDR lists in configuration (`10.0.0.0/8,::1`): parsed and checked with Node's own address
 * parser (`node:net`), so a typo fails the start instead of trusting or exempting nothing.
 */
import { isIP } from 'node:net';
import { z } from 'zod';

export interface Cidr {
  readonly address: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
}

/** One `address[/prefix]`; a bare address is a single host. */
export function parseCidr(entry: string): Cidr | undefined {
  const [address = '', prefixText, ...rest] = entry.trim().split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return undefined;
  const max = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefix > max) return undefined;
  return Object.freeze({ address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' });
}

/** The entries of a CIDR list that are not addresses or CIDRs. */
function badEntries(text: string): string[] {
  if (text === 'none') return [];
  return text.split(',').filter((entry) => parseCidr(entry) === undefined);
}

/** A comma-separated CIDR list; `none` is the empty list (an empty variable reads as unset). */
export const cidrListVar = z
  .string()
  .trim()
  .superRefine((text, ctx) => {
    for (const entry of badEntries(text)) {
      ctx.addIssue({ code: 'custom', message: `not an IP address or CIDR: "${entry.trim()}"` });
    }
  });

/** A list `cidrListVar` accepted, parsed. */
export function parseCidrList(text: string): readonly Cidr[] {
  if (text === 'none') return Object.freeze([]);
  return Object.freeze(text.split(',').map((entry) => parseCidr(entry) as Cidr));
}
