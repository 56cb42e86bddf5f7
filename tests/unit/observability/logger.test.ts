/** Log lines never carry a Redis command's arguments: those of AUTH are the credentials. */
import { describe, expect, it } from 'vitest';
import { serializeError } from '../../../src/observability/logger.ts';

describe('serializeError', () => {
  it("hides a failed Redis command's arguments, here and in the cause", () => {
    const reply = Object.assign(new Error('WRONGPASS invalid username-password pair'), {
      command: { name: 'auth', args: ['holdfast', 'the-password'] },
    });
    const wrapped = new Error('Redis refused the login', { cause: reply });
    const logged = JSON.stringify([serializeError(reply), serializeError(wrapped)]);
    expect(logged).not.toContain('the-password');
    expect(serializeError(reply).command).toEqual({ name: 'auth', args: '(hidden)' });
    expect(logged).toContain('WRONGPASS');
  });
});
