import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { loadJwtSecret } from '../../config/gateway.ts';
import { ERROR_CODES, HoldfastError } from '../../contract/errors.ts';
import { UserIdSchema } from '../../contract/ids.ts';
import { secretKey, signToken } from '../../gateway/auth.ts';

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `90`, `90s`, `15m`, `12h`, `7d` → seconds. */
export function parseTtl(value: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(value.trim());
  const seconds = match ? Number(match[1]) * (UNITS[match[2] || 's'] ?? 1) : Number.NaN;
  if (!Number.isSafeInteger(seconds) || seconds < 1 || seconds > 366 * 86_400) {
    throw new InvalidArgumentError(
      `--ttl must be a duration like 90, 90s, 15m, 12h or 7d, at most 366d (got "${value}").`,
    );
  }
  return seconds;
}

export function registerTokenCommand(program: Command): void {
  program
    .command('token')
    .description(
      'Print a token for a user (HS256 JWT, sub = userId) signed with HOLDFAST_JWT_SECRET, ' +
        'for development and load tests.',
    )
    .argument('<userId>', 'the user id (the token subject)')
    .option('--ttl <duration>', 'lifetime: 90s, 15m, 12h, 7d', parseTtl, 3600)
    .action(async (userId: string, options: { ttl: number }) => {
      if (!UserIdSchema.safeParse(userId).success) {
        throw new HoldfastError(ERROR_CODES.USAGE, 'userId must be 1–128 characters.');
      }
      const secret = loadJwtSecret(process.env);
      const token = await signToken(userId, secretKey(secret), { ttlSeconds: options.ttl });
      process.stdout.write(`${token}\n`);
    });
}
