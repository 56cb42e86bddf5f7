/**
 * Token configuration: weak and published secrets are refused at startup, public and private
 * keys are read from PEM text or a file, a gateway gets exactly one key, and the lifetime,
 * issuer and audience are read.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSignerPolicy, weakSecretReason } from '../../../src/config/auth.ts';
import { loadGatewayConfig } from '../../../src/config/gateway.ts';
import { ERROR_CODES, isHoldfastError } from '../../../src/contract/errors.ts';

const SECRET = 'k7Qx2-fLp9Zr4-Wm8Vt3-Hy6Bn1-Jc5Ds0';
const base = { KAFKA_BROKERS: '127.0.0.1:9092', REDIS_URL: 'redis://127.0.0.1:6379' };

const ed25519 = generateKeyPairSync('ed25519', {
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});

/** The message of the coded configuration error `load` throws, or 'no error'. */
function problem(load: () => unknown): string {
  try {
    load();
  } catch (error) {
    if (isHoldfastError(error, ERROR_CODES.CONFIG_INVALID)) return error.message;
    throw error;
  }
  return 'no error';
}

describe('HOLDFAST_JWT_SECRET', () => {
  it.each([
    ['the example once printed in docs/gateway.md', 'dev-secret-change-me-0123456789abcdef'],
    ['the same, in capitals', 'DEV-SECRET-CHANGE-ME-0123456789ABCDEF'],
    ['a placeholder', 'please-replace-me-with-a-real-secret-000'],
    ['one character repeated', 's'.repeat(32)],
    ['a short pattern repeated', 'abc123'.repeat(6)],
  ])('refuses %s at startup, with a coded error that names the variable', (_label, secret) => {
    const message = problem(() => loadGatewayConfig({ ...base, HOLDFAST_JWT_SECRET: secret }));
    expect(message).toMatch(/HOLDFAST_JWT_SECRET: refused: .*openssl rand -base64 32/);
    expect(message).not.toContain(secret); // never echoed
  });

  it('accepts a random secret', () => {
    expect(weakSecretReason(SECRET)).toBeUndefined();
    expect(loadGatewayConfig({ ...base, HOLDFAST_JWT_SECRET: SECRET }).tokens).toMatchObject({
      key: { algorithm: 'HS256' },
      maxLifetimeS: 86_400,
    });
  });
});

describe('the gateway key', () => {
  it('reads an Ed25519 public key from PEM text or from a file', () => {
    const fromText = loadGatewayConfig({ ...base, HOLDFAST_JWT_PUBLIC_KEY: ed25519.publicKey });
    expect(fromText.tokens.key.algorithm).toBe('EdDSA');
    const file = join(mkdtempSync(join(tmpdir(), 'holdfast-keys-')), 'public.pem');
    writeFileSync(file, ed25519.publicKey);
    const fromFile = loadGatewayConfig({ ...base, HOLDFAST_JWT_PUBLIC_KEY: file });
    expect(fromFile.tokens.key.algorithm).toBe('EdDSA');
  });

  it('reads an RSA public key as RS256, and refuses one under 2048 bits', () => {
    const rsa = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    expect(
      loadGatewayConfig({ ...base, HOLDFAST_JWT_PUBLIC_KEY: rsa.publicKey }).tokens.key.algorithm,
    ).toBe('RS256');
    const weak = generateKeyPairSync('rsa', {
      modulusLength: 1024,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    expect(
      problem(() => loadGatewayConfig({ ...base, HOLDFAST_JWT_PUBLIC_KEY: weak.publicKey })),
    ).toMatch(/HOLDFAST_JWT_PUBLIC_KEY: is an RSA key of 1024 bits is too short/);
  });

  it('refuses a private key where the public one belongs, and other key types', () => {
    expect(
      problem(() => loadGatewayConfig({ ...base, HOLDFAST_JWT_PUBLIC_KEY: ed25519.privateKey })),
    ).toMatch(/HOLDFAST_JWT_PUBLIC_KEY: is a private key/);
    const ec = generateKeyPairSync('ec', {
      namedCurve: 'P-256',
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    expect(
      problem(() => loadGatewayConfig({ ...base, HOLDFAST_JWT_PUBLIC_KEY: ec.publicKey })),
    ).toMatch(/is a ec key: use an Ed25519 or RSA key/);
    expect(
      problem(() => loadGatewayConfig({ ...base, HOLDFAST_JWT_PUBLIC_KEY: '/no/such/key.pem' })),
    ).toMatch(/HOLDFAST_JWT_PUBLIC_KEY: must be PEM text or the path of a readable PEM file/);
  });

  it('wants exactly one of the secret and the public key', () => {
    expect(problem(() => loadGatewayConfig(base))).toMatch(
      /HOLDFAST_JWT_SECRET \/ HOLDFAST_JWT_PUBLIC_KEY: required/,
    );
    expect(
      problem(() =>
        loadGatewayConfig({
          ...base,
          HOLDFAST_JWT_SECRET: SECRET,
          HOLDFAST_JWT_PUBLIC_KEY: ed25519.publicKey,
        }),
      ),
    ).toMatch(/both are set: use one/);
  });
});

describe('the claim rules', () => {
  it('reads the longest lifetime as a duration, from 60 s to 7 days', () => {
    const lifetime = (value: string) =>
      loadGatewayConfig({
        ...base,
        HOLDFAST_JWT_SECRET: SECRET,
        HOLDFAST_TOKEN_MAX_LIFETIME: value,
      }).tokens.maxLifetimeS;
    expect(lifetime('1h')).toBe(3600);
    expect(lifetime('90')).toBe(90);
    expect(lifetime('7d')).toBe(604_800);
    for (const bad of ['30s', '8d', 'forever']) {
      expect(problem(() => lifetime(bad))).toMatch(/HOLDFAST_TOKEN_MAX_LIFETIME: must be/);
    }
  });

  it('reads the issuer and audience', () => {
    const config = loadGatewayConfig({
      ...base,
      HOLDFAST_JWT_SECRET: SECRET,
      HOLDFAST_JWT_ISSUER: 'https://auth.example.org',
      HOLDFAST_JWT_AUDIENCE: 'holdfast',
    });
    expect(config.tokens).toMatchObject({
      issuer: 'https://auth.example.org',
      audience: 'holdfast',
    });
  });
});

describe('the signer (holdfast token)', () => {
  it('signs with a private key, and never echoes one it cannot read', () => {
    const policy = loadSignerPolicy({ HOLDFAST_JWT_PRIVATE_KEY: ed25519.privateKey });
    expect(policy.key.algorithm).toBe('EdDSA');
    const garbled = ed25519.privateKey.replace(/[A-Za-z]{8}/, 'AAAAAAAA');
    const message = problem(() => loadSignerPolicy({ HOLDFAST_JWT_PRIVATE_KEY: garbled }));
    expect(message).toMatch(
      /HOLDFAST_JWT_PRIVATE_KEY: is not a readable PEM private key \(got \(hidden\)\)/,
    );
    expect(message).not.toContain('BEGIN');
  });

  it('wants exactly one of the secret and the private key', () => {
    expect(problem(() => loadSignerPolicy({}))).toMatch(
      /HOLDFAST_JWT_SECRET \/ HOLDFAST_JWT_PRIVATE_KEY: required/,
    );
  });
});
