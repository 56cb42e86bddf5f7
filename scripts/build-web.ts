/**
 * `npm run build` (run by `npm ci` through `prepare`): bundles the seat-map page's script
 * from `src/web/app.ts` into `dist/web/app.js`, headed by the hash of the project sources it
 * was built from, which a gateway checks before it starts.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { build } from 'esbuild';
import { BUNDLE_FILE, bundleHeader, PROJECT_ROOT, sourcesHash } from '../src/web/assets.ts';

const result = await build({
  entryPoints: [join(PROJECT_ROOT, 'src/web/app.ts')],
  absWorkingDir: PROJECT_ROOT,
  bundle: true,
  write: false,
  metafile: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});
const output = result.outputFiles[0];
if (!output) throw new Error('esbuild produced no output for the seat-map page');
// The project's own sources; dependencies change only with the lock file and a fresh `npm ci`.
const sources = Object.keys(result.metafile.inputs)
  .map((input) => relative(PROJECT_ROOT, join(PROJECT_ROOT, input)))
  .filter((file) => !file.startsWith('node_modules/'));
const target = join(PROJECT_ROOT, BUNDLE_FILE);
await mkdir(dirname(target), { recursive: true });
await writeFile(
  target,
  bundleHeader(await sourcesHash(PROJECT_ROOT, sources), sources) + output.text,
);
process.stdout.write(`built ${BUNDLE_FILE} from ${sources.length} sources\n`);
