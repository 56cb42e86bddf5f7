/** Loads the Lua scripts that live beside this file, one atomic operation each. */
import { readFileSync } from 'node:fs';

export function luaScript(name: string): string {
  return readFileSync(new URL(`./${name}.lua`, import.meta.url), 'utf8');
}
