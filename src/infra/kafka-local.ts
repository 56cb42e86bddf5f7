/**
 * A real single-node KRaft broker (broker and controller in one JVM) run with `java` from
 * the cached Kafka jars, on loopback ports, with its data in `dataDir`. Everything needed
 * to find, stop or restart it later lives in `dataDir` too: a later `holdfast infra down`
 * or a chaos test in another process attaches to it from there.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { KafkaSecurity } from '../config/security.ts';
import { ERROR_CODES, HoldfastError } from '../contract/errors.ts';
import {
  checkSaslUsers,
  clientSecurity,
  type InstanceSasl,
  type LocalKafkaSasl,
  type LocalKafkaTls,
  log4jProperties,
  scramArguments,
  serverProperties,
} from './kafka-server-config.ts';
import { freePort, LOOPBACK, reusablePort } from './ports.ts';
import { isOurProcess, type ProcessControl, processControl, spawnDetached } from './processes.ts';
import { kafkaAnswers, waitUntilReady } from './readiness.ts';

export interface LocalKafkaOptions {
  /** Holds the broker's config, logs, pid file and log segments; created if missing. */
  dataDir: string;
  /** The broker's jars (see `ensureKafkaJars`). */
  libsDir: string;
  /** @defaultValue `'java'` (resolved on the child's PATH) */
  javaPath?: string;
  /** Client port. @defaultValue a free port */
  port?: number;
  /** Controller (KRaft quorum) port. @defaultValue a free port */
  controllerPort?: number;
  /** @defaultValue 768 */
  heapMb?: number;
  /** @defaultValue 120_000 */
  readyTimeoutMs?: number;
  /**
   * Serve clients on a SASL_PLAINTEXT listener that knows only these SCRAM users (written
   * into the storage when it is formatted: a data dir formatted without them stays open).
   * @defaultValue a PLAINTEXT listener
   */
  sasl?: LocalKafkaSasl;
  /** Serve clients over TLS (`SSL`, or `SASL_SSL` with `sasl`) with this certificate. */
  tls?: LocalKafkaTls;
  onProgress?: (message: string) => void;
}

/** A running (or stopped) local broker. Methods resolve once the change has happened. */
export interface LocalKafka extends ProcessControl {
  /** `['127.0.0.1:<port>']`, as kafkajs takes it. */
  readonly brokers: readonly string[];
  readonly port: number;
  readonly controllerPort: number;
  readonly dataDir: string;
  /** The broker's own log (log4j). */
  readonly logFile: string;
  /** What a client needs to log in (the first SASL user), `{}` on a PLAINTEXT listener. */
  readonly security: KafkaSecurity;
}

/** What `dataDir/instance.json` records, so another process can attach. */
interface KafkaInstance {
  port: number;
  controllerPort: number;
  libsDir: string;
  javaPath: string;
  heapMb: number;
  readyTimeoutMs: number;
  sasl?: InstanceSasl;
  tls?: LocalKafkaTls;
}

const INSTANCE_FILE = 'instance.json';
const execFileAsync = promisify(execFile);

const files = (dataDir: string) => ({
  instance: join(dataDir, INSTANCE_FILE),
  serverProperties: join(dataDir, 'server.properties'),
  log4j: join(dataDir, 'log4j2.properties'),
  logDir: join(dataDir, 'kraft-logs'),
  serverLog: join(dataDir, 'server.log'),
  /** JVM output that precedes logging (a bad classpath, a JVM crash). */
  stdoutLog: join(dataDir, 'jvm.out'),
  pid: join(dataDir, 'kafka.pid'),
  /** The broker's key and certificate in one PEM file, with TLS. */
  keyStore: join(dataDir, 'keystore.pem'),
});

/** A KRaft cluster id: 16 random bytes, base64url; Kafka avoids a leading '-' (read as a flag). */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function formatStorageOnce(dataDir: string, instance: KafkaInstance): Promise<void> {
  const f = files(dataDir);
  // A formatted log dir keeps its cluster id: re-formatting on restart would lose the data.
  if (await exists(join(f.logDir, 'meta.properties'))) return;
  try {
    await execFileAsync(
      instance.javaPath,
      [
        `-Dlog4j2.configurationFile=${f.log4j}`,
        '-cp',
        join(instance.libsDir, '*'),
        'kafka.tools.StorageTool',
        'format',
        '-t',
        clusterId(),
        '-c',
        f.serverProperties,
        '--ignore-formatted',
        // KRaft keeps SCRAM credentials in its metadata log: they are written at format time.
        ...scramArguments(instance.sasl),
      ],
      { cwd: dataDir },
    );
  } catch (error) {
    const output = error as { stdout?: string; stderr?: string };
    throw new HoldfastError(
      ERROR_CODES.INFRA_START_FAILED,
      `Kafka storage format failed in ${f.logDir}:\n${`${output.stdout ?? ''}${output.stderr ?? ''}`.trim()}`,
      { cause: error },
    );
  }
}

async function launch(dataDir: string, instance: KafkaInstance, onProgress?: (m: string) => void) {
  const f = files(dataDir);
  await formatStorageOnce(dataDir, instance);
  onProgress?.(`starting Kafka on ${LOOPBACK}:${instance.port} (log: ${f.serverLog})`);
  const pid = await spawnDetached({
    command: instance.javaPath,
    args: [
      `-Xmx${instance.heapMb}m`,
      `-Xms${Math.min(256, instance.heapMb)}m`,
      // The distribution's start script passes these; without them GC pauses show in tails.
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-XX:InitiatingHeapOccupancyPercent=35',
      '-XX:+ExplicitGCInvokesConcurrent',
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${f.log4j}`,
      '-cp',
      join(instance.libsDir, '*'),
      'kafka.Kafka',
      f.serverProperties,
    ],
    cwd: dataDir,
    logFile: f.stdoutLog,
    pidFile: f.pid,
  });
  const brokers = [`${LOOPBACK}:${instance.port}`];
  await waitUntilReady({
    what: `Kafka at ${brokers[0]}`,
    check: () => kafkaAnswers(brokers, clientSecurity(instance)),
    timeoutMs: instance.readyTimeoutMs,
    isProcessAlive: () => isOurProcess(pid, f.serverProperties),
    logFiles: [f.stdoutLog, f.serverLog],
    onProgress,
  });
}

function handle(
  dataDir: string,
  instance: KafkaInstance,
  onProgress?: (m: string) => void,
): LocalKafka {
  const f = files(dataDir);
  return {
    brokers: Object.freeze([`${LOOPBACK}:${instance.port}`]),
    port: instance.port,
    controllerPort: instance.controllerPort,
    dataDir,
    logFile: f.serverLog,
    security: clientSecurity(instance),
    ...processControl(f.pid, [f.serverProperties], () => launch(dataDir, instance, onProgress)),
  };
}

/**
 * Starts a broker in `dataDir` and resolves once it can create a topic with a leader. A data
 * dir used before keeps its topics and offsets (storage is formatted only the first time);
 * its previous ports are reused unless others are given.
 */
export async function startLocalKafka(options: LocalKafkaOptions): Promise<LocalKafka> {
  checkSaslUsers(options.sasl);
  const dataDir = resolve(options.dataDir);
  const f = files(dataDir);
  await mkdir(f.logDir, { recursive: true });
  const previous = await readInstance(dataDir);
  const running = previous === undefined ? undefined : await handle(dataDir, previous).pid();
  if (running !== undefined) {
    throw new HoldfastError(
      ERROR_CODES.INFRA_START_FAILED,
      `A Kafka broker already runs from ${dataDir} (pid ${running}): attach to it or stop it first.`,
    );
  }
  const port = options.port ?? (await reusablePort(previous?.port));
  let controllerPort = options.controllerPort ?? (await reusablePort(previous?.controllerPort));
  while (controllerPort === port) controllerPort = await freePort();
  const instance: KafkaInstance = {
    port,
    controllerPort,
    libsDir: resolve(options.libsDir),
    javaPath: options.javaPath ?? 'java',
    heapMb: options.heapMb ?? 768,
    readyTimeoutMs: options.readyTimeoutMs ?? 120_000,
    ...(options.sasl && {
      sasl: {
        ...options.sasl,
        broker: previous?.sasl?.broker ?? {
          username: 'holdfast-broker',
          password: randomBytes(18).toString('base64url'),
        },
      },
    }),
    ...(options.tls && { tls: options.tls }),
  };
  // Both hold the SASL passwords of a secured broker: for this user only.
  await writeFile(
    f.serverProperties,
    serverProperties({
      logDir: f.logDir,
      port,
      controllerPort,
      sasl: instance.sasl,
      tls: instance.tls,
      keyStoreFile: f.keyStore,
    }),
    { mode: 0o600 },
  );
  if (instance.tls) {
    const [key, cert] = await Promise.all(
      [instance.tls.keyFile, instance.tls.certFile].map((file) => readFile(file, 'utf8')),
    );
    await writeFile(f.keyStore, `${key}${cert}`, { mode: 0o600 });
  }
  await writeFile(f.log4j, log4jProperties(f.serverLog));
  await writeFile(f.instance, `${JSON.stringify(instance, null, 2)}\n`, { mode: 0o600 });
  await launch(dataDir, instance, options.onProgress);
  return handle(dataDir, instance, options.onProgress);
}

async function readInstance(dataDir: string): Promise<KafkaInstance | undefined> {
  try {
    return JSON.parse(await readFile(files(dataDir).instance, 'utf8')) as KafkaInstance;
  } catch {
    return undefined;
  }
}

/** The broker that `startLocalKafka` started in `dataDir`, running or not; undefined if none was. */
export async function attachLocalKafka(
  dataDir: string,
  onProgress?: (message: string) => void,
): Promise<LocalKafka | undefined> {
  const instance = await readInstance(resolve(dataDir));
  return instance === undefined ? undefined : handle(resolve(dataDir), instance, onProgress);
}
