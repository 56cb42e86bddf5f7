/**
 * Tokens as an operator sets them up, through the real commands: `holdfast token` signs
 * with an Ed25519 private key file, a `holdfast gateway` given only the public key file
 * verifies it (and refuses an HS256 token, which it could not tell from a forgery); a
 * gateway given a published example secret, or two keys, refuses to start with a coded
 * error; `holdfast token` refuses a --ttl longer than the gateways accept.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHoldfast, type HoldfastClient } from '../../src/client/index.ts';
import { secretKey } from '../../src/config/auth.ts';
import { signToken } from '../../src/gateway/auth.ts';
import { testAddresses } from '../support/fixtures.ts';
import { WorkerTestbed } from '../support/worker-testbed.ts';

const CLI = fileURLToPath(new URL('../../bin/holdfast.js', import.meta.url));
const run = promisify(execFile);

/** Runs `holdfast …` to its end: exit code and output, whether it failed or not. */
async function holdfast(args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
      env: { ...process.env, HOLDFAST_JWT_SECRET: '', ...env },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('token keys', () => {
  let bed: WorkerTestbed;
  const keys = mkdtempSync(join(tmpdir(), 'holdfast-token-keys-'));
  const privateFile = join(keys, 'jwt.key');
  const publicFile = join(keys, 'jwt.pub');
  const children: ChildProcess[] = [];
  const clients: HoldfastClient[] = [];

  beforeAll(async () => {
    const pair = generateKeyPairSync('ed25519', {
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    writeFileSync(privateFile, pair.privateKey, { mode: 0o600 });
    writeFileSync(publicFile, pair.publicKey);
    const { kafkaBrokers, redisUrl } = testAddresses();
    bed = await WorkerTestbed.create({ kafkaBrokers, redisUrl, partitions: 2 });
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await bed?.close();
  });

  it('signs with the private key; a gateway with only the public key verifies it', async () => {
    const minted = await holdfast(['token', 'alice', '--ttl', '10m'], {
      HOLDFAST_JWT_PRIVATE_KEY: privateFile,
    });
    expect(minted.code).toBe(0);
    const token = minted.stdout.trim();
    expect(JSON.parse(atob(token.split('.')[0] ?? ''))).toMatchObject({ alg: 'EdDSA' });

    const child = spawn(process.execPath, [CLI, 'gateway'], {
      env: {
        ...process.env,
        ...bed.env,
        PORT: '0',
        HOLDFAST_JWT_SECRET: '',
        HOLDFAST_JWT_PUBLIC_KEY: publicFile,
        HOLDFAST_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(child);
    const url = await new Promise<string>((resolve, reject) => {
      let stderr = '';
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (chunk: string) => {
        stderr += chunk;
        const match = /gateway \S+ listening on (http:\/\/\S+)/.exec(stderr);
        if (match?.[1]) resolve(match[1]);
      });
      child.once('exit', (code) => reject(new Error(`gateway exited (${code}): ${stderr}`)));
    });

    const alice = connectHoldfast({ url, token });
    clients.push(alice);
    await alice.ready();
    const hs256 = await signToken('alice', secretKey('k7Qx2-fLp9Zr4-Wm8Vt3-Hy6Bn1-Jc5Ds0'));
    const forged = connectHoldfast({ url, token: hs256 });
    clients.push(forged);
    await expect(forged.ready()).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
      message: expect.stringMatching(/accepts EdDSA only/),
    });
  });

  it('refuses to start a gateway with a published example secret, or with two keys', async () => {
    const example = await holdfast(['gateway'], {
      ...bed.env,
      HOLDFAST_JWT_SECRET: 'dev-secret-change-me-0123456789abcdef',
    });
    expect(example.code).toBe(1);
    expect(example.stderr).toMatch(/HOLDFAST_JWT_SECRET: refused: .*\[HF_CONFIG_INVALID\]/s);
    expect(example.stderr).not.toContain('dev-secret-change-me');
    const both = await holdfast(['gateway'], {
      ...bed.env,
      HOLDFAST_JWT_SECRET: 'k7Qx2-fLp9Zr4-Wm8Vt3-Hy6Bn1-Jc5Ds0',
      HOLDFAST_JWT_PUBLIC_KEY: publicFile,
    });
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/both are set: use one.*\[HF_CONFIG_INVALID\]/s);
  });

  it('refuses to mint a token longer-lived than the gateways accept', async () => {
    const tooLong = await holdfast(['token', 'alice', '--ttl', '2d'], {
      HOLDFAST_JWT_PRIVATE_KEY: privateFile,
    });
    expect(tooLong.code).toBe(1);
    expect(tooLong.stderr).toMatch(/longer than HOLDFAST_TOKEN_MAX_LIFETIME.*\[HF_USAGE\]/s);
    const allowed = await holdfast(['token', 'alice', '--ttl', '2d'], {
      HOLDFAST_JWT_PRIVATE_KEY: privateFile,
      HOLDFAST_TOKEN_MAX_LIFETIME: '7d',
    });
    expect(allowed.code).toBe(0);
  });
});
