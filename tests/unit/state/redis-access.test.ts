/** How a Redis refusal reads to an operator: which part of REDIS_URL (or the CA file) to fix. */
import { describe, expect, it } from 'vitest';
import { redisAccessError } from '../../../src/state/redis.ts';

const url = 'redis://holdfast:s3cret@redis:6379';

describe('redisAccessError', () => {
  it('NOAUTH asks for a login in REDIS_URL', () => {
    const error = redisAccessError(new Error('NOAUTH Authentication required.'), url);
    expect(error?.code).toBe('HF_INFRA_AUTH_FAILED');
    expect(error?.message).toContain('redis://user:password@host:port');
  });

  it('WRONGPASS says the credentials in REDIS_URL are wrong, with the password redacted', () => {
    const error = redisAccessError(
      new Error('WRONGPASS invalid username-password pair or user is disabled.'),
      url,
    );
    expect(error?.message).toContain('refused the user and password in REDIS_URL');
    expect(error?.message).toContain('redis://holdfast:***@redis:6379');
    expect(error?.message).not.toContain('s3cret');
  });

  it('a certificate failure names HOLDFAST_REDIS_TLS_CA_FILE', () => {
    const error = redisAccessError(new Error('unable to verify the first certificate'), url);
    expect(error?.message).toContain('HOLDFAST_REDIS_TLS_CA_FILE');
  });

  it('a refused connection is not an access error (Redis may still be starting)', () => {
    expect(redisAccessError(new Error('connect ECONNREFUSED 127.0.0.1:6379'), url)).toBeUndefined();
  });
});
