/**
 * Writes asyncapi.yaml from the code's schemas (`npm run contract:generate`), or with
 * `--check` only says whether the file is up to date (exit 1 when it is not).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ASYNCAPI_FILE, renderAsyncApi } from './asyncapi/render.ts';

const path = fileURLToPath(ASYNCAPI_FILE);
const wanted = renderAsyncApi();
let current: string | undefined;
try {
  current = readFileSync(path, 'utf8');
} catch {
  current = undefined;
}

if (process.argv.includes('--check')) {
  if (current === wanted) {
    process.stdout.write(`${path} is up to date\n`);
  } else {
    process.stderr.write(`${path} is out of date: run npm run contract:generate\n`);
    process.exitCode = 1;
  }
} else if (current === wanted) {
  process.stdout.write(`${path} unchanged\n`);
} else {
  writeFileSync(path, wanted);
  process.stdout.write(`wrote ${path}\n`);
}
