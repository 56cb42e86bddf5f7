/**
 * The seat-map page's files, served by every gateway: the HTML and CSS as they are, and the
 * script bundled ahead of time (`npm run build`, run by `npm ci` through `prepare`) from
 * `app.ts` and, through it, the client SDK and socket.io-client. A running gateway never
 * bundles: it loads the bundle once at start and refuses to start without one, or with one
 * built from other sources than those on disk (a page that silently disagrees with its
 * gateway is worse than a gateway that says to rebuild).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES, HoldfastError } from '../contract/errors.ts';

export interface WebAsset {
  contentType: string;
  body: string;
}

export type WebAssets = ReadonlyMap<string, WebAsset>;

/**
 * Headers on every HTTP answer of a gateway. The page needs only its own script, stylesheet
 * and Socket.IO connection (same origin; it sets styles through the DOM, never inline), so
 * everything else is refused: no inline or foreign script, no framing (clickjacking), no
 * form posts, no `<base>`; no MIME sniffing; and no Referer, so nothing of the page's
 * address leaves with a request.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy': [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "connect-src 'self'",
    "img-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
});

/** The repository (or image) root: sources and the bundle are named relative to it. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Where `npm run build` writes the page's script, relative to the root (gitignored). */
export const BUNDLE_FILE = 'dist/web/app.js';
/** The bundle's first line: the hash of its sources, then the sources, root-relative. */
const HEADER = /^\/\* holdfast-web-sources sha256=([0-9a-f]{64}) files=(\S+) \*\/\n/;

/**
 * A content hash (not mtimes: a checkout resets them) of the bundle's own sources, each
 * named by its root-relative path so a moved file changes the hash too.
 */
export async function sourcesHash(root: string, files: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const file of [...files].sort()) {
    hash.update(`${file}\0`);
    hash.update(await readFile(join(root, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** The line `npm run build` writes first in the bundle. */
export function bundleHeader(hash: string, files: readonly string[]): string {
  return `/* holdfast-web-sources sha256=${hash} files=${[...files].sort().join(',')} */\n`;
}

const rebuild = 'run `npm run build` (npm ci runs it) to bundle the seat-map page';

async function loadBundle(root: string): Promise<string> {
  const text = await readFile(join(root, BUNDLE_FILE), 'utf8').catch(() => undefined);
  if (text === undefined) {
    throw new HoldfastError(ERROR_CODES.WEB_BUNDLE_MISSING, `no ${BUNDLE_FILE}: ${rebuild}`, {
      context: { bundle: BUNDLE_FILE },
    });
  }
  const header = HEADER.exec(text);
  const files = header?.[2]?.split(',') ?? [];
  const actual = header ? await sourcesHash(root, files).catch(() => undefined) : undefined;
  if (!header || actual !== header[1]) {
    throw new HoldfastError(
      ERROR_CODES.WEB_BUNDLE_STALE,
      `${BUNDLE_FILE} was built from other sources than those here: ${rebuild}`,
      { context: { bundle: BUNDLE_FILE, sources: files.length } },
    );
  }
  return text.slice(header[0].length);
}

/** The page's files by URL path; fails with a coded error on a missing or stale bundle. */
export async function loadWebAssets(root = PROJECT_ROOT): Promise<WebAssets> {
  const here = (name: string) => join(root, 'src/web', name);
  const [html, css, js] = await Promise.all([
    readFile(here('index.html'), 'utf8'),
    readFile(here('app.css'), 'utf8'),
    loadBundle(root),
  ]);
  return new Map([
    ['/', { contentType: 'text/html; charset=utf-8', body: html }],
    ['/index.html', { contentType: 'text/html; charset=utf-8', body: html }],
    ['/app.css', { contentType: 'text/css; charset=utf-8', body: css }],
    ['/app.js', { contentType: 'text/javascript; charset=utf-8', body: js }],
  ]);
}
