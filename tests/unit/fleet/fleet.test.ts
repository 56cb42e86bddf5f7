/**
 * A fleet member that exits before it is ready is reported with its last output, so that a
 * failed start (a port taken, a refused login, a bad setting) says why in the error itself.
 */
import { describe, expect, it } from 'vitest';
import { isHoldfastError } from '../../../src/contract/errors.ts';
import { spawnMember, waitReady } from '../../../src/fleet/fleet.ts';
import { freePort } from '../../../src/infra/ports.ts';

describe('waitReady', () => {
  it('names the reason a member exited at start, from its own output', async () => {
    const port = await freePort();
    // A gateway without KAFKA_BROKERS refuses its configuration and exits at once.
    const member = spawnMember({
      name: 'gateway-x',
      kind: 'gateway',
      port,
      adminPort: await freePort(),
      env: { PATH: process.env.PATH, HOLDFAST_JWT_SECRET: 'k3Jq9vXz2LmP8sT4wY6bN1cR5dF7gH0jQ' },
    });
    const error = await waitReady(member, 30_000).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(isHoldfastError(error, 'HF_INFRA_START_FAILED')).toBe(true);
    expect((error as Error).message).toContain('gateway-x exited before it was ready');
    expect((error as Error).message).toContain('KAFKA_BROKERS');
    expect(member.recentOutput().join('\n')).toContain('HF_CONFIG_INVALID');
  }, 40_000);
});
