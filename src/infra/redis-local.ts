/**
 * A real `redis-server` on a loopback port with its own data dir. A long-lived one (what
 * `holdfast infra up` runs) keeps its data in an append-only file there and comes back
 * with it after a restart, as the broker beside it does: otherwise every restart of the
 * stack would cost a full replay. A throw-away one (tests, chaos) keeps nothing on disk: a
 * restart comes back empty, which is what "Redis restarted empty" fault tests need.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { RedisTls } from '../config/security.ts';
import { ERROR_CODES, HoldfastError } from '../contract/errors.ts';
import { LOOPBACK, reusablePort } from './ports.ts';
import { isOurProcess, type ProcessControl, processControl, spawnDetached } from './processes.ts';
import { redisAnswers, waitUntilReady } from './readiness.ts';

export interface LocalRedisOptions {
  /** Holds the pid file, the log and Redis's working dir; created if missing. */
  dataDir: string;
  /** @defaultValue `'redis-server'` (resolved on the child's PATH) */
  redisServerPath?: string;
  /** @defaultValue a free port (the previous one when `dataDir` was used before) */
  port?: number;
  /** @defaultValue 30_000 */
  readyTimeoutMs?: number;
  /** Keep the data across restarts (append-only file in `dataDir`). @defaultValue true */
  persist?: boolean;
  /**
   * Require a login: with a `username`, an ACL user with every right (and the `default` user
   * off); without, `requirepass`. @defaultValue none (anyone on loopback may connect)
   */
  auth?: LocalRedisAuth;
  /** Serve TLS only (on `port`), with this certificate; clients trust `caFile`. */
  tls?: LocalRedisTls;
  onProgress?: (message: string) => void;
}

export interface LocalRedisAuth {
  username?: string;
  password: string;
}

export interface LocalRedisTls {
  certFile: string;
  keyFile: string;
  /** The CA that signed `certFile` (PEM), which clients are given. */
  caFile: string;
}

/** A running (or stopped) local Redis. Methods resolve once the change has happened. */
export interface LocalRedis extends ProcessControl {
  /** `redis://127.0.0.1:<port>`, `rediss://` with TLS, with the credentials when it has any. */
  readonly url: string;
  /** The CA a client needs, with TLS. */
  readonly tls: RedisTls | undefined;
  readonly port: number;
  readonly dataDir: string;
  readonly logFile: string;
}

interface RedisInstance {
  port: number;
  redisServerPath: string;
  readyTimeoutMs: number;
  /** Absent in instance files written before persistence existed: those did not persist. */
  persist?: boolean;
  auth?: LocalRedisAuth;
  tls?: LocalRedisTls;
}

const files = (dataDir: string) => ({
  instance: join(dataDir, 'instance.json'),
  log: join(dataDir, 'redis.log'),
  pid: join(dataDir, 'redis.pid'),
  /** Credentials and TLS, kept off the command line (`ps` shows it to every user). */
  conf: join(dataDir, 'redis.conf'),
});

/** Redis's config-file syntax: each argument double-quoted (names and passwords may hold spaces). */
const quoted = (...words: string[]) => words.map((w) => JSON.stringify(w)).join(' ');

function secureConf(instance: RedisInstance): string {
  const lines: string[] = [];
  const { auth, tls } = instance;
  if (auth?.username !== undefined) {
    lines.push(`user ${quoted(auth.username, 'on', `>${auth.password}`, '~*', '&*', '+@all')}`);
    lines.push('user default off');
  } else if (auth) {
    lines.push(`requirepass ${quoted(auth.password)}`);
  }
  if (tls) {
    lines.push(`tls-cert-file ${quoted(tls.certFile)}`, `tls-key-file ${quoted(tls.keyFile)}`);
    lines.push(`tls-ca-cert-file ${quoted(tls.caFile)}`, 'tls-auth-clients no');
  }
  return `${lines.join('\n')}\n`;
}

function clientUrl(instance: RedisInstance): string {
  const { auth, tls } = instance;
  const credentials = auth
    ? `${encodeURIComponent(auth.username ?? '')}:${encodeURIComponent(auth.password)}@`
    : '';
  return `${tls ? 'rediss' : 'redis'}://${credentials}${LOOPBACK}:${instance.port}`;
}

async function clientTls(instance: RedisInstance): Promise<RedisTls | undefined> {
  return instance.tls ? { ca: await readFile(instance.tls.caFile, 'utf8') } : undefined;
}

/**
 * How our Redis is recognised: by its `--dir` argument while it starts, then by the
 * process title it rewrites itself to (`redis-server 127.0.0.1:<port>`).
 */
const processMarkers = (dataDir: string, port: number) => [dataDir, `${LOOPBACK}:${port}`];

async function launch(dataDir: string, instance: RedisInstance, onProgress?: (m: string) => void) {
  const f = files(dataDir);
  onProgress?.(`starting Redis on ${LOOPBACK}:${instance.port} (log: ${f.log})`);
  await writeFile(f.conf, secureConf(instance), { mode: 0o600 });
  const tls = await clientTls(instance);
  const pid = await spawnDetached({
    command: instance.redisServerPath,
    args: [
      f.conf,
      '--bind',
      LOOPBACK,
      // With TLS, the only port speaks TLS.
      ...(instance.tls ? ['--port', '0', '--tls-port'] : ['--port']),
      String(instance.port),
      '--dir',
      dataDir,
      '--save',
      '',
      '--appendonly',
      instance.persist ? 'yes' : 'no',
      '--appendfsync',
      'everysec',
      '--daemonize',
      'no',
    ],
    cwd: dataDir,
    logFile: f.log,
    pidFile: f.pid,
  });
  await waitUntilReady({
    what: `Redis at ${LOOPBACK}:${instance.port}`,
    check: () => redisAnswers(clientUrl(instance), tls),
    timeoutMs: instance.readyTimeoutMs,
    isProcessAlive: () => isOurProcess(pid, ...processMarkers(dataDir, instance.port)),
    logFiles: [f.log],
    onProgress,
  });
}

function handle(
  dataDir: string,
  instance: RedisInstance,
  tls: RedisTls | undefined,
  onProgress?: (m: string) => void,
): LocalRedis {
  const f = files(dataDir);
  return {
    url: clientUrl(instance),
    tls,
    port: instance.port,
    dataDir,
    logFile: f.log,
    ...processControl(f.pid, processMarkers(dataDir, instance.port), () =>
      launch(dataDir, instance, onProgress),
    ),
  };
}

async function readInstance(dataDir: string): Promise<RedisInstance | undefined> {
  try {
    return JSON.parse(await readFile(files(dataDir).instance, 'utf8')) as RedisInstance;
  } catch {
    return undefined;
  }
}

/** Starts Redis in `dataDir` and resolves once it answers PING. */
export async function startLocalRedis(options: LocalRedisOptions): Promise<LocalRedis> {
  const dataDir = resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });
  const previous = await readInstance(dataDir);
  const running =
    previous === undefined ? undefined : await handle(dataDir, previous, undefined).pid();
  if (running !== undefined) {
    throw new HoldfastError(
      ERROR_CODES.INFRA_START_FAILED,
      `A Redis already runs from ${dataDir} (pid ${running}): attach to it or stop it first.`,
    );
  }
  const instance: RedisInstance = {
    port: options.port ?? (await reusablePort(previous?.port)),
    redisServerPath: options.redisServerPath ?? 'redis-server',
    readyTimeoutMs: options.readyTimeoutMs ?? 30_000,
    persist: options.persist ?? true,
    ...(options.auth && { auth: options.auth }),
    ...(options.tls && { tls: options.tls }),
  };
  await writeFile(files(dataDir).instance, `${JSON.stringify(instance, null, 2)}\n`, {
    mode: 0o600,
  });
  await launch(dataDir, instance, options.onProgress);
  return handle(dataDir, instance, await clientTls(instance), options.onProgress);
}

/** The Redis that `startLocalRedis` started in `dataDir`, running or not; undefined if none was. */
export async function attachLocalRedis(
  dataDir: string,
  onProgress?: (message: string) => void,
): Promise<LocalRedis | undefined> {
  const instance = await readInstance(resolve(dataDir));
  if (instance === undefined) return undefined;
  return handle(resolve(dataDir), instance, await clientTls(instance), onProgress);
}
