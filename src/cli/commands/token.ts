import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { loadSignerPolicy, parseDurationS } from '../../config/auth.ts';
import { ERROR_CODES, HoldfastError } from '../../contract/errors.ts';
import { UserIdSchema } from '../../contract/ids.ts';
import { signForPolicy } from '../../gateway/auth.ts';

/** `--ttl`: `90`, `90s`, `15m`, `12h`, `7d` → seconds. */
export function parseTtl(value: string): number {
  const seconds = parseDurationS(value);
  if (seconds === undefined || seconds < 1 || seconds > 366 * 86_400) {
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
      'Print a token for a user (a JWT, sub = userId) signed with HOLDFAST_JWT_SECRET (HS256) or ' +
        'HOLDFAST_JWT_PRIVATE_KEY (EdDSA or RS256), for development, load tests and token issuers.',
    )
    .argument('<userId>', 'the user id (the token subject)')
    .option('--ttl <duration>', 'lifetime: 90s, 15m, 12h, 7d (default 1h)', parseTtl, 3600)
    .addHelpText(
      'after',
      `
Configuration (environment), as the gateways have it:
  HOLDFAST_JWT_SECRET          HS256 secret shared with the gateways, ≥ 32 characters
  HOLDFAST_JWT_PRIVATE_KEY     or: Ed25519 / RSA private key (PEM text or file); the
                               gateways verify with its public key
  HOLDFAST_TOKEN_MAX_LIFETIME  the longest --ttl accepted, as the gateways' (default 86400 = 24h)
  HOLDFAST_JWT_ISSUER          written as iss (default: none)
  HOLDFAST_JWT_AUDIENCE        written as aud (default: none)`,
    )
    .action(async (userId: string, options: { ttl: number }) => {
      if (!UserIdSchema.safeParse(userId).success) {
        throw new HoldfastError(ERROR_CODES.USAGE, 'userId must be 1–128 characters.');
      }
      const policy = loadSignerPolicy(process.env);
      if (options.ttl > policy.maxLifetimeS) {
        throw new HoldfastError(
          ERROR_CODES.USAGE,
          `--ttl ${options.ttl}s is longer than HOLDFAST_TOKEN_MAX_LIFETIME (${policy.maxLifetimeS}s): gateways would refuse the token.`,
        );
      }
      process.stdout.write(`${await signForPolicy(userId, policy, options.ttl)}\n`);
    });
}
