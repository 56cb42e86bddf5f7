/**
 * Client tokens from the environment: the key gateways verify with (an HS256 secret, or an
 * Ed25519 / RSA public key so that a gateway cannot mint tokens), the key `holdfast token`
 * signs with, and the claim rules (longest lifetime, issuer, audience). Keys are read and
 * checked here, so that a gateway with a weak secret or an unusable key never starts.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ERROR_CODES, HoldfastError } from '../contract/errors.ts';
import { type Env, parseEnv } from './env.ts';

/** Shortest accepted JWT secret: HS256 wants at least 256 bits of key. */
export const MIN_JWT_SECRET_LENGTH = 32;
/** The longest lifetime an operator may allow: a week. */
export const MAX_TOKEN_LIFETIME_CAP_S = 7 * 86_400;

/**
 * Secrets printed in this project's documentation or commonly copied from examples: long
 * enough, but public. Compared without case.
 */
const PUBLISHED_SECRETS: ReadonlySet<string> = new Set([
  'dev-secret-change-me-0123456789abcdef',
  'a-string-secret-at-least-256-bits-long',
  'your-256-bit-secret-your-256-bit-secret',
  'supersecretkeythatshouldnotbecommitted',
]);
/** Words only a placeholder contains. */
const PLACEHOLDER = /change[-_ ]?me|replace[-_ ]?me|placeholder|example|your[-_ ]?secret/i;
/** Fewer different characters than this is a pattern, not a secret (`xxxx…`, `abab…`). */
const MIN_DISTINCT_CHARACTERS = 10;

/** Why a secret must not be used, or undefined when nothing is known against it. */
export function weakSecretReason(secret: string): string | undefined {
  if (PUBLISHED_SECRETS.has(secret.toLowerCase())) return 'it is a published example';
  if (PLACEHOLDER.test(secret)) return 'it is a placeholder';
  if (new Set(secret).size < MIN_DISTINCT_CHARACTERS) {
    return `it has fewer than ${MIN_DISTINCT_CHARACTERS} different characters`;
  }
  return undefined;
}

export const jwtSecretVar = z
  .string()
  .min(
    MIN_JWT_SECRET_LENGTH,
    `must be at least ${MIN_JWT_SECRET_LENGTH} characters (HS256 signing secret shared by gateways and token issuers)`,
  )
  .superRefine((secret, ctx) => {
    const reason = weakSecretReason(secret);
    if (reason) {
      ctx.addIssue({
        code: 'custom',
        message: `refused: ${reason}; generate one with \`openssl rand -base64 32\``,
      });
    }
  });

const UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `90`, `90s`, `15m`, `12h`, `7d` → seconds; undefined when it is not such a duration. */
export function parseDurationS(value: string): number | undefined {
  const match = /^(\d+)([smhd]?)$/.exec(value.trim());
  const seconds = match ? Number(match[1]) * (UNITS[match[2] || 's'] ?? 1) : Number.NaN;
  return Number.isSafeInteger(seconds) ? seconds : undefined;
}

const lifetimeVar = z
  .string()
  .transform((value, ctx) => {
    const seconds = parseDurationS(value);
    if (seconds === undefined || seconds < 60 || seconds > MAX_TOKEN_LIFETIME_CAP_S) {
      ctx.addIssue({ code: 'custom', message: 'must be a duration from 60s to 7d, like 24h' });
      return z.NEVER;
    }
    return seconds;
  })
  .prefault('24h');

const claimVar = z.string().trim().min(1).max(256);

export type TokenAlgorithm = 'HS256' | 'EdDSA' | 'RS256';

/** A key and the one algorithm it is used with (a token naming another is refused). */
export interface TokenKey {
  readonly algorithm: TokenAlgorithm;
  readonly key: KeyObject | Uint8Array;
}

export function secretKey(secret: string): TokenKey {
  return Object.freeze({ algorithm: 'HS256', key: new TextEncoder().encode(secret) });
}

/** The algorithm of an asymmetric key, or why it cannot sign tokens. */
function algorithmOf(key: KeyObject): TokenAlgorithm | string {
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  if (key.asymmetricKeyType === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    return bits >= 2048 ? 'RS256' : `an RSA key of ${bits} bits is too short (at least 2048)`;
  }
  return `a ${key.asymmetricKeyType ?? 'unknown'} key: use an Ed25519 or RSA key`;
}

/** PEM text as given, or the contents of the file it names. */
function pemOf(value: string): string | undefined {
  if (value.includes('-----BEGIN ')) return value;
  try {
    return readFileSync(value.trim(), 'utf8');
  } catch {
    return undefined;
  }
}

function keyVar(kind: 'public' | 'private') {
  return z.string().transform((value, ctx): TokenKey => {
    const fail = (message: string) => {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    };
    const pem = pemOf(value);
    if (pem === undefined) return fail('must be PEM text or the path of a readable PEM file');
    if (kind === 'public' && pem.includes('PRIVATE KEY-----')) {
      return fail(
        'is a private key: give gateways the public key only (`openssl pkey -in private.pem -pubout`)',
      );
    }
    let key: KeyObject;
    try {
      key = kind === 'public' ? createPublicKey(pem) : createPrivateKey(pem);
    } catch {
      return fail(`is not a readable PEM ${kind} key`);
    }
    const algorithm = algorithmOf(key);
    if (algorithm !== 'EdDSA' && algorithm !== 'RS256') return fail(`is ${algorithm}`);
    return Object.freeze({ algorithm, key });
  });
}

/** The claim rules every verifier and signer shares. */
export const claimsShape = {
  /** The furthest ahead a token's `exp` may be. */
  HOLDFAST_TOKEN_MAX_LIFETIME: lifetimeVar,
  HOLDFAST_JWT_ISSUER: claimVar.optional(),
  HOLDFAST_JWT_AUDIENCE: claimVar.optional(),
} as const;

/** What a gateway reads to verify tokens: exactly one of the secret and the public key. */
export const verifierShape = {
  HOLDFAST_JWT_SECRET: jwtSecretVar.optional(),
  HOLDFAST_JWT_PUBLIC_KEY: keyVar('public').optional(),
  ...claimsShape,
} as const;

/** What `holdfast token` reads to sign: exactly one of the secret and the private key. */
export const signerShape = {
  HOLDFAST_JWT_SECRET: jwtSecretVar.optional(),
  HOLDFAST_JWT_PRIVATE_KEY: keyVar('private').optional(),
  ...claimsShape,
} as const;

/** How tokens are checked (and, for a signer, what it writes into them). */
export interface TokenPolicy {
  readonly key: TokenKey;
  /** The furthest ahead `exp` may be, in seconds. @defaultValue 86400 (24 h) */
  readonly maxLifetimeS: number;
  /** When set, `iss` must equal it. */
  readonly issuer?: string;
  /** When set, `aud` must be (or contain) it. */
  readonly audience?: string;
}

type Parsed<S extends z.ZodRawShape> = z.output<z.ZodObject<S>>;

function onlyOne(names: readonly [string, string], keys: readonly (TokenKey | undefined)[]) {
  const given = keys.filter((key) => key !== undefined);
  if (given.length === 1 && given[0]) return given[0];
  const problem =
    given.length === 0
      ? `required: set ${names[0]} (a shared HS256 secret, at least ${MIN_JWT_SECRET_LENGTH} characters) or ${names[1]} (PEM text or a file)`
      : 'both are set: use one (a gateway given the secret could mint tokens)';
  throw new HoldfastError(
    ERROR_CODES.CONFIG_INVALID,
    `Invalid configuration:\n  ${names.join(' / ')}: ${problem}`,
    { context: { variables: [...names] } },
  );
}

export function tokenPolicy(key: TokenKey, parsed: Parsed<typeof claimsShape>): TokenPolicy {
  return Object.freeze({
    key,
    maxLifetimeS: parsed.HOLDFAST_TOKEN_MAX_LIFETIME,
    ...(parsed.HOLDFAST_JWT_ISSUER ? { issuer: parsed.HOLDFAST_JWT_ISSUER } : {}),
    ...(parsed.HOLDFAST_JWT_AUDIENCE ? { audience: parsed.HOLDFAST_JWT_AUDIENCE } : {}),
  });
}

/** A gateway's token policy from its parsed variables; throws when no key or two are given. */
export function verifierPolicy(parsed: Parsed<typeof verifierShape>): TokenPolicy {
  const secret = parsed.HOLDFAST_JWT_SECRET;
  const key = onlyOne(
    ['HOLDFAST_JWT_SECRET', 'HOLDFAST_JWT_PUBLIC_KEY'],
    [secret === undefined ? undefined : secretKey(secret), parsed.HOLDFAST_JWT_PUBLIC_KEY],
  );
  return tokenPolicy(key, parsed);
}

/** `holdfast token`'s signing policy from its parsed variables. */
export function signerPolicy(parsed: Parsed<typeof signerShape>): TokenPolicy {
  const secret = parsed.HOLDFAST_JWT_SECRET;
  const key = onlyOne(
    ['HOLDFAST_JWT_SECRET', 'HOLDFAST_JWT_PRIVATE_KEY'],
    [secret === undefined ? undefined : secretKey(secret), parsed.HOLDFAST_JWT_PRIVATE_KEY],
  );
  return tokenPolicy(key, parsed);
}

/** `holdfast token`'s signing policy, read from the environment. */
export function loadSignerPolicy(env: Env): TokenPolicy {
  return signerPolicy(parseEnv(signerShape, env));
}
