/**
 * The seat-map page's files, served by every gateway: the HTML and CSS as they are, and the
 * script bundled once per process from `app.ts` (and through it the client SDK and
 * socket.io-client) by esbuild, so the page needs no build step and no framework.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export interface WebAsset {
  contentType: string;
  body: string;
}

const here = (name: string) => fileURLToPath(new URL(`./${name}`, import.meta.url));

async function bundleApp(): Promise<string> {
  const result = await build({
    entryPoints: [here('app.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error('esbuild produced no output for the seat-map page');
  return output.text;
}

let assets: Promise<ReadonlyMap<string, WebAsset>> | undefined;

/** The page's files by URL path, built on first use and kept for the process's life. */
export function webAssets(): Promise<ReadonlyMap<string, WebAsset>> {
  assets ??= (async () => {
    const [html, css, js] = await Promise.all([
      readFile(here('index.html'), 'utf8'),
      readFile(here('app.css'), 'utf8'),
      bundleApp(),
    ]);
    return new Map([
      ['/', { contentType: 'text/html; charset=utf-8', body: html }],
      ['/index.html', { contentType: 'text/html; charset=utf-8', body: html }],
      ['/app.css', { contentType: 'text/css; charset=utf-8', body: css }],
      ['/app.js', { contentType: 'text/javascript; charset=utf-8', body: js }],
    ]);
  })();
  return assets;
}
