/**
 * testcontainers is an optional dependency, loaded only on the Docker path: an absent
 * optional package is a coded error that says what to install, not a module-resolution
 * crash; any other failure of the import is not disguised as "absent".
 */
import { describe, expect, it } from 'vitest';
import { isHoldfastError } from '../../../src/contract/errors.ts';
import { importOptional } from '../../../src/infra/docker.ts';

describe('optional packages of the Docker path', () => {
  it('fails with HF_INFRA_MISSING_TOOL naming the package when it is not installed', async () => {
    const error = await importOptional('holdfast-no-such-package', 'the Docker path').catch(
      (e: unknown) => e,
    );
    expect(isHoldfastError(error, 'HF_INFRA_MISSING_TOOL')).toBe(true);
    expect((error as Error).message).toContain('npm install holdfast-no-such-package');
  });

  it('loads an installed package', async () => {
    const module = await importOptional<typeof import('node:path')>('node:path', 'a test');
    expect(typeof module.join).toBe('function');
  });
});
