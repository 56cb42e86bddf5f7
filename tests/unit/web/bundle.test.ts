/**
 * The seat-map bundle is built ahead of time and checked, not rebuilt, by a gateway: a
 * gateway process refuses to start — before it contacts Kafka — on a missing bundle or one
 * built from other sources, with a coded error that says to run the build; the loader
 * accepts a bundle whose recorded hash matches the sources on disk.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHoldfastError } from '../../../src/contract/errors.ts';
import {
  BUNDLE_FILE,
  bundleHeader,
  loadWebAssets,
  PROJECT_ROOT,
  sourcesHash,
} from '../../../src/web/assets.ts';

const run = promisify(execFile);

/** A copy of the project (sources, CLI; dependencies linked) whose bundle a test may break. */
async function projectCopy(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'holdfast-bundle-'));
  await cp(join(PROJECT_ROOT, 'src'), join(root, 'src'), { recursive: true });
  await cp(join(PROJECT_ROOT, 'bin'), join(root, 'bin'), { recursive: true });
  await cp(join(PROJECT_ROOT, 'package.json'), join(root, 'package.json'));
  await symlink(join(PROJECT_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  return root;
}

/** Writes a bundle over `files` of `root`, recording their current hash. */
async function writeBundle(root: string, files: string[], body = 'export {};\n'): Promise<void> {
  await mkdir(join(root, 'dist/web'), { recursive: true });
  const header = bundleHeader(await sourcesHash(root, files), files);
  await writeFile(join(root, BUNDLE_FILE), header + body);
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return isHoldfastError(error) ? error.code : String(error);
  }
}

/** Runs `holdfast gateway` in `root` against a Kafka that is not there; returns its stderr. */
async function gatewayStderr(root: string): Promise<string> {
  const result = await run(process.execPath, [join(root, 'bin/holdfast.js'), 'gateway'], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TMPDIR: process.env.TMPDIR,
      KAFKA_BROKERS: '127.0.0.1:1',
      REDIS_URL: 'redis://127.0.0.1:1',
      HOLDFAST_JWT_SECRET: 'a-test-secret-of-at-least-32-characters!!',
      PORT: '0',
    },
    timeout: 60_000,
  }).then(
    () => ({ code: 0, stderr: '' }),
    (error: { code?: number; stderr?: string }) => ({
      code: error.code,
      stderr: error.stderr ?? '',
    }),
  );
  expect(result.code).not.toBe(0);
  return result.stderr;
}

describe('the seat-map bundle', () => {
  let root: string;
  const sources = ['src/web/app.ts', 'src/client/index.ts'];

  beforeAll(async () => {
    root = await projectCopy();
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('is refused when missing, with the code that says to build it', async () => {
    await rm(join(root, 'dist'), { recursive: true, force: true });
    expect(await codeOf(loadWebAssets(root))).toBe('HF_WEB_BUNDLE_MISSING');
    const stderr = await gatewayStderr(root);
    expect(stderr).toContain('[HF_WEB_BUNDLE_MISSING]');
    expect(stderr).toContain('npm run build');
  });

  it('is served as built when its recorded hash matches the sources', async () => {
    await writeBundle(root, sources, 'console.log("page");\n');
    const assets = await loadWebAssets(root);
    expect(assets.get('/app.js')?.body).toBe('console.log("page");\n');
    expect(assets.get('/')?.body).toBe(await readFile(join(root, 'src/web/index.html'), 'utf8'));
  });

  it('is refused once a source it was built from changes, by content not by time', async () => {
    await writeBundle(root, sources);
    const app = join(root, 'src/web/app.ts');
    await writeFile(app, `${await readFile(app, 'utf8')}\n// changed\n`);
    expect(await codeOf(loadWebAssets(root))).toBe('HF_WEB_BUNDLE_STALE');
    const stderr = await gatewayStderr(root);
    expect(stderr).toContain('[HF_WEB_BUNDLE_STALE]');
    expect(stderr).toContain('npm run build');
  });

  it('is refused when a source it names is gone, or it has no recorded hash', async () => {
    await writeFile(join(root, 'src/web/gone.ts'), 'export {};\n');
    await writeBundle(root, [...sources, 'src/web/gone.ts']);
    await rm(join(root, 'src/web/gone.ts'));
    expect(await codeOf(loadWebAssets(root))).toBe('HF_WEB_BUNDLE_STALE');
    await writeFile(join(root, BUNDLE_FILE), 'export {};\n');
    expect(await codeOf(loadWebAssets(root))).toBe('HF_WEB_BUNDLE_STALE');
  });

  it('as built by `npm run build` in this checkout, matches its sources', async () => {
    const assets = await loadWebAssets();
    expect(assets.get('/app.js')?.body.length).toBeGreaterThan(1000);
  });
});
