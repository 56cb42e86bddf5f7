import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { secretKey, signToken, verifyToken } from '../../../src/gateway/auth.ts';

const key = secretKey('a-test-secret-that-is-long-enough-000');
const otherKey = secretKey('another-secret-that-is-long-enough-111');
const nowS = () => Math.floor(Date.now() / 1000);

describe('verifyToken', () => {
  it('accepts a token signed with the secret and returns its subject', async () => {
    const token = await signToken('alice', key);
    expect(await verifyToken(token, key)).toEqual({ ok: true, userId: 'alice' });
  });

  it('accepts a token with only sub (no exp)', async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('bob')
      .sign(key);
    expect(await verifyToken(token, key)).toEqual({ ok: true, userId: 'bob' });
  });

  it.each([
    ['no token', undefined],
    ['an empty token', ''],
    ['a non-string token', 42],
    ['garbage', 'not.a.jwt'],
  ])('refuses %s', async (_label, token) => {
    expect((await verifyToken(token, key)).ok).toBe(false);
  });

  it('refuses a bad signature', async () => {
    const token = await signToken('alice', otherKey);
    expect((await verifyToken(token, key)).ok).toBe(false);
  });

  it('refuses a token without sub', async () => {
    const token = await new SignJWT({ name: 'x' }).setProtectedHeader({ alg: 'HS256' }).sign(key);
    expect(await verifyToken(token, key)).toMatchObject({ ok: false });
  });

  it('refuses another algorithm', async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS512' })
      .setSubject('alice')
      .sign(key);
    expect((await verifyToken(token, key)).ok).toBe(false);
  });

  it('allows at most 5 s of leeway on exp', async () => {
    const justExpired = await signToken('alice', key, { issuedAtS: nowS() - 62, ttlSeconds: 60 });
    expect((await verifyToken(justExpired, key)).ok).toBe(true);
    const expired = await signToken('alice', key, { issuedAtS: nowS() - 80, ttlSeconds: 60 });
    expect(await verifyToken(expired, key)).toEqual({ ok: false, message: 'token expired' });
  });
});
