/**
 * The programs the local path needs, found on `PATH` (passed in: only composition roots
 * read the environment). When the local path lacks them, one message names them all.
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { ERROR_CODES, HoldfastError } from '../contract/errors.ts';

export type LocalTool = 'java' | 'mvn' | 'redis-server';

/** Debian package names, for the message that says what to install. */
const PACKAGE_OF: Record<LocalTool, string> = {
  java: 'openjdk-17-jre-headless',
  mvn: 'maven',
  'redis-server': 'redis-server',
};

export async function findOnPath(
  name: string,
  pathVar: string | undefined,
): Promise<string | undefined> {
  for (const dir of (pathVar ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** Absolute paths of `needed`, or one HF_INFRA_MISSING_TOOL error naming every missing one. */
export async function requireTools(
  needed: readonly LocalTool[],
  pathVar: string | undefined,
): Promise<Record<LocalTool, string | undefined>> {
  const found: Record<LocalTool, string | undefined> = {
    java: undefined,
    mvn: undefined,
    'redis-server': undefined,
  };
  for (const tool of needed) found[tool] = await findOnPath(tool, pathVar);
  const missing = needed.filter((tool) => found[tool] === undefined);
  if (missing.length > 0) {
    const packages = missing.map((tool) => PACKAGE_OF[tool]).join(' ');
    throw new HoldfastError(
      ERROR_CODES.INFRA_MISSING_TOOL,
      `Holdfast needs a real Kafka and Redis, and found no way to get them: KAFKA_BROKERS / REDIS_URL are not set, no Docker engine answers, and ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not on PATH. Either install them (Debian/Ubuntu: apt-get install ${packages}; Java must be 17 or newer), start a Docker engine, or set KAFKA_BROKERS and REDIS_URL to running services.`,
      { context: { missing } },
    );
  }
  return found;
}
