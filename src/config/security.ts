/**
 * How a process proves who it is to Kafka and Redis, and encrypts the way there, from the
 * environment: Kafka SASL/SCRAM and TLS, Redis credentials in `REDIS_URL` and TLS through
 * `rediss://`. Checked at startup, every problem at once and each naming the variable to
 * fix; secrets never appear in a message or a log line.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ERROR_CODES, HoldfastError } from '../contract/errors.ts';

export const SASL_MECHANISMS = ['scram-sha-256', 'scram-sha-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

const booleanVar = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(['true', 'false'], { error: 'must be true or false' }))
  .transform((value) => value === 'true');

const pathVar = z.string().trim().min(1);

/** Read by every command that talks to Kafka. */
export const kafkaSecurityShape = {
  HOLDFAST_KAFKA_SASL_MECHANISM: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(SASL_MECHANISMS, { error: `must be ${SASL_MECHANISMS.join(' or ')}` }))
    .optional(),
  HOLDFAST_KAFKA_SASL_USERNAME: z.string().min(1).max(256).optional(),
  HOLDFAST_KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  /** The password in a file (a mounted Secret), instead of the variable. */
  HOLDFAST_KAFKA_SASL_PASSWORD_FILE: pathVar.optional(),
  HOLDFAST_KAFKA_TLS: booleanVar.default(false),
  /** PEM CA bundle that replaces the system trust store for the brokers' certificates. */
  HOLDFAST_KAFKA_TLS_CA_FILE: pathVar.optional(),
} as const;

/** Read by every command that talks to Redis (credentials and `rediss://` are in `REDIS_URL`). */
export const redisSecurityShape = {
  /** PEM CA bundle that replaces the system trust store for Redis's certificate. */
  HOLDFAST_REDIS_TLS_CA_FILE: pathVar.optional(),
} as const;

export type KafkaSecurityVars = z.output<z.ZodObject<typeof kafkaSecurityShape>>;
export type RedisSecurityVars = z.output<z.ZodObject<typeof redisSecurityShape>>;

export interface SaslCredentials {
  readonly mechanism: SaslMechanism;
  readonly username: string;
  readonly password: string;
}

/** How a Kafka client authenticates and encrypts; nothing set means PLAINTEXT. */
export interface KafkaSecurity {
  readonly sasl?: SaslCredentials;
  /** TLS to every broker; `ca` (PEM) replaces the system trust store when given. */
  readonly tls?: { readonly ca?: string };
}

/** TLS options of a Redis connection beyond what `rediss://` says. */
export interface RedisTls {
  /** PEM CA bundle; absent means the system trust store. */
  readonly ca?: string;
}

/**
 * Credentials as a log line would serialise them: a config object that reaches a logger
 * shows the user, never the password.
 */
export function saslCredentials(credentials: SaslCredentials): SaslCredentials {
  return Object.freeze(
    Object.defineProperty({ ...credentials }, 'toJSON', {
      value: () => ({ ...credentials, password: '(hidden)' }),
      enumerable: false,
    }),
  );
}

/** The file's text, or a problem naming the variable that points at it. */
function readSecretFile(
  variable: string,
  path: string,
  problems: string[],
  read: (path: string) => string,
): string | undefined {
  try {
    return read(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    problems.push(`${variable}: cannot read ${path} (${reason})`);
    return undefined;
  }
}

function readCaFile(
  variable: string,
  path: string,
  problems: string[],
  read: (path: string) => string,
): string | undefined {
  const pem = readSecretFile(variable, path, problems, read);
  if (pem !== undefined && !pem.includes('-----BEGIN CERTIFICATE-----')) {
    problems.push(`${variable}: ${path} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
    return undefined;
  }
  return pem;
}

function fail(problems: string[]): never {
  throw new HoldfastError(
    ERROR_CODES.CONFIG_INVALID,
    `Invalid configuration:\n  ${problems.join('\n  ')}`,
    { context: { variables: problems.map((p) => p.split(':')[0]) } },
  );
}

const readText = (path: string) => readFileSync(path, 'utf8');

/**
 * The Kafka security the variables describe, with files read. A mechanism needs a user and
 * exactly one of password or password file; a user or password needs a mechanism; a CA
 * file needs TLS on — half a configuration is refused, not guessed.
 */
export function kafkaSecurityConfig(
  vars: KafkaSecurityVars,
  read: (path: string) => string = readText,
): KafkaSecurity {
  const problems: string[] = [];
  const mechanism = vars.HOLDFAST_KAFKA_SASL_MECHANISM;
  const username = vars.HOLDFAST_KAFKA_SASL_USERNAME;
  const passwordFile = vars.HOLDFAST_KAFKA_SASL_PASSWORD_FILE;
  let password = vars.HOLDFAST_KAFKA_SASL_PASSWORD;
  if (password !== undefined && passwordFile !== undefined) {
    problems.push(
      'HOLDFAST_KAFKA_SASL_PASSWORD_FILE: set either it or HOLDFAST_KAFKA_SASL_PASSWORD, not both',
    );
  } else if (passwordFile !== undefined) {
    // A Secret written with `echo` ends in a newline that is no part of the password.
    password = readSecretFile(
      'HOLDFAST_KAFKA_SASL_PASSWORD_FILE',
      passwordFile,
      problems,
      read,
    )?.replace(/\r?\n$/, '');
    if (password === '')
      problems.push(`HOLDFAST_KAFKA_SASL_PASSWORD_FILE: ${passwordFile} is empty`);
  }
  if (mechanism === undefined) {
    if (username !== undefined || password !== undefined) {
      problems.push(
        `HOLDFAST_KAFKA_SASL_MECHANISM: required when a SASL user or password is set (${SASL_MECHANISMS.join(' or ')})`,
      );
    }
  } else {
    if (username === undefined) {
      problems.push(`HOLDFAST_KAFKA_SASL_USERNAME: required with HOLDFAST_KAFKA_SASL_MECHANISM`);
    }
    if (password === undefined && passwordFile === undefined) {
      problems.push(
        'HOLDFAST_KAFKA_SASL_PASSWORD: required with HOLDFAST_KAFKA_SASL_MECHANISM (or HOLDFAST_KAFKA_SASL_PASSWORD_FILE)',
      );
    }
  }
  let ca: string | undefined;
  if (vars.HOLDFAST_KAFKA_TLS_CA_FILE !== undefined) {
    if (!vars.HOLDFAST_KAFKA_TLS) {
      problems.push('HOLDFAST_KAFKA_TLS_CA_FILE: set, but HOLDFAST_KAFKA_TLS is not true');
    }
    ca = readCaFile('HOLDFAST_KAFKA_TLS_CA_FILE', vars.HOLDFAST_KAFKA_TLS_CA_FILE, problems, read);
  }
  if (problems.length > 0) fail(problems);
  const security: { sasl?: SaslCredentials; tls?: { ca?: string } } = {};
  if (mechanism !== undefined && username !== undefined && password !== undefined) {
    security.sasl = saslCredentials({ mechanism, username, password });
  }
  if (vars.HOLDFAST_KAFKA_TLS) security.tls = Object.freeze(ca === undefined ? {} : { ca });
  return Object.freeze(security);
}

/** Redis's TLS options: a CA file only makes sense with `rediss://`. */
export function redisTlsConfig(
  redisUrl: string | undefined,
  vars: RedisSecurityVars,
  read: (path: string) => string = readText,
): RedisTls | undefined {
  const caFile = vars.HOLDFAST_REDIS_TLS_CA_FILE;
  if (caFile === undefined) return undefined;
  const problems: string[] = [];
  if (redisUrl !== undefined && !redisUrl.startsWith('rediss://')) {
    problems.push(
      'HOLDFAST_REDIS_TLS_CA_FILE: set, but REDIS_URL is not rediss:// (TLS): use rediss://host:port',
    );
  }
  const ca = readCaFile('HOLDFAST_REDIS_TLS_CA_FILE', caFile, problems, read);
  if (problems.length > 0) fail(problems);
  return Object.freeze({ ca });
}

/**
 * `REDIS_URL` fit for a log line or a terminal: any password replaced (up to the last `@`
 * of the authority, as URL parsers read an unencoded `@` in a password).
 */
export function redactRedisUrl(url: string): string {
  return url.replace(/^(rediss?:\/\/[^:@/]*:)[^/]*@/, '$1***@');
}
