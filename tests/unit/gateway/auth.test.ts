import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { secretKey, type TokenKey, type TokenPolicy } from '../../../src/config/auth.ts';
import { createTokenVerifier, signForPolicy, signToken } from '../../../src/gateway/auth.ts';

const key = secretKey('a-test-secret-that-is-long-enough-000');
const otherKey = secretKey('another-secret-that-is-long-enough-111');
const policy: TokenPolicy = { key, maxLifetimeS: 86_400 };
const verify = createTokenVerifier(policy);
const nowS = () => Math.floor(Date.now() / 1000);

function keyPair(type: 'ed25519' | 'rsa'): { signing: TokenKey; verifying: TokenKey } {
  const pair =
    type === 'ed25519'
      ? generateKeyPairSync('ed25519')
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const algorithm = type === 'ed25519' ? 'EdDSA' : 'RS256';
  return {
    signing: { algorithm, key: pair.privateKey },
    verifying: { algorithm, key: pair.publicKey },
  };
}

describe('createTokenVerifier', () => {
  it('accepts a token signed with the secret: its subject and its exp in ms', async () => {
    const iat = nowS();
    const token = await signToken('alice', key, { issuedAtS: iat, ttlSeconds: 600 });
    const verified = await verify(token);
    expect(verified).toEqual({ ok: true, userId: 'alice', expiresAt: (iat + 600) * 1000 });
  });

  it('refuses a token without exp', async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('bob')
      .sign(key.key);
    expect(await verify(token)).toEqual({
      ok: false,
      message: 'token has no exp claim: tokens must expire',
    });
  });

  it('refuses a token whose exp is further ahead than the longest lifetime (with leeway)', async () => {
    const short = createTokenVerifier({ key, maxLifetimeS: 3600 });
    const atLimit = await signToken('alice', key, { ttlSeconds: 3600 + 4 });
    expect((await short(atLimit)).ok).toBe(true);
    const tooLong = await signToken('alice', key, { ttlSeconds: 3600 + 60 });
    expect(await short(tooLong)).toMatchObject({ ok: false, message: /lives too long/ });
    // Back-dating iat does not help: the limit is on exp from now.
    const backdated = await signToken('alice', key, { issuedAtS: nowS() - 3000, ttlSeconds: 7200 });
    expect((await short(backdated)).ok).toBe(false);
  });

  it.each([
    ['no token', undefined],
    ['an empty token', ''],
    ['a non-string token', 42],
    ['garbage', 'not.a.jwt'],
  ])('refuses %s', async (_label, token) => {
    expect((await verify(token)).ok).toBe(false);
  });

  it('refuses a bad signature', async () => {
    const token = await signToken('alice', otherKey);
    expect(await verify(token)).toEqual({ ok: false, message: 'token signature does not verify' });
  });

  it('refuses a token without sub', async () => {
    const token = await new SignJWT({ name: 'x' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1h')
      .sign(key.key);
    expect(await verify(token)).toMatchObject({ ok: false });
  });

  it('refuses another algorithm than the key’s', async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS512' })
      .setSubject('alice')
      .setExpirationTime('1h')
      .sign(key.key);
    expect(await verify(token)).toMatchObject({ ok: false, message: /accepts HS256 only/ });
  });

  it('allows at most 5 s of leeway on exp', async () => {
    const now = Date.now();
    const at = (ms: number) => createTokenVerifier(policy, () => now + ms);
    const token = await signToken('alice', key, {
      issuedAtS: Math.floor(now / 1000),
      ttlSeconds: 60,
    });
    const expMs = (Math.floor(now / 1000) + 60) * 1000;
    expect((await at(expMs - now + 4_000)(token)).ok).toBe(true);
    expect(await at(expMs - now + 6_000)(token)).toEqual({ ok: false, message: 'token expired' });
  });

  it('checks iss and aud when configured, and signForPolicy writes them', async () => {
    const strict: TokenPolicy = {
      key,
      maxLifetimeS: 86_400,
      issuer: 'https://auth.example.org',
      audience: 'holdfast',
    };
    const verifyStrict = createTokenVerifier(strict);
    expect(await verifyStrict(await signForPolicy('alice', strict, 600))).toMatchObject({
      ok: true,
      userId: 'alice',
    });
    expect(await verifyStrict(await signToken('alice', key))).toMatchObject({ ok: false });
    const wrongIssuer = await signToken('alice', key, {
      issuer: 'https://evil.example.org',
      audience: 'holdfast',
    });
    expect(await verifyStrict(wrongIssuer)).toMatchObject({ ok: false, message: /issuer/ });
    const wrongAudience = await signToken('alice', key, {
      issuer: 'https://auth.example.org',
      audience: 'another-service',
    });
    expect(await verifyStrict(wrongAudience)).toMatchObject({ ok: false, message: /audience/ });
    // Unconfigured, they are not required.
    expect((await verify(wrongIssuer)).ok).toBe(true);
  });

  it.each(['ed25519', 'rsa'] as const)(
    'verifies %s tokens with the public key alone, and nothing else',
    async (type) => {
      const { signing, verifying } = keyPair(type);
      const verifyPublic = createTokenVerifier({ key: verifying, maxLifetimeS: 86_400 });
      const token = await signToken('alice', signing, { ttlSeconds: 600 });
      expect(JSON.parse(atob(token.split('.')[0] ?? ''))).toMatchObject({
        alg: signing.algorithm,
      });
      expect(await verifyPublic(token)).toMatchObject({ ok: true, userId: 'alice' });
      // An HS256 token (even one keyed with a secret) is refused by a public-key gateway…
      expect(await verifyPublic(await signToken('alice', key))).toMatchObject({
        ok: false,
        message: new RegExp(`accepts ${signing.algorithm} only`),
      });
      // …and so is a token of another key pair.
      const stranger = keyPair(type).signing;
      expect(await verifyPublic(await signToken('alice', stranger))).toMatchObject({
        ok: false,
        message: 'token signature does not verify',
      });
    },
  );
});
