/**
 * The files and arguments a local single-node broker is configured with: its
 * `server.properties` (PLAINTEXT, or SASL/SCRAM and TLS when asked), its log4j config, and
 * the SCRAM users its storage is formatted with. What a client needs to reach it follows
 * from the same settings.
 */
import { readFileSync } from 'node:fs';
import { type KafkaSecurity, type SaslMechanism, saslCredentials } from '../config/security.ts';
import { ERROR_CODES, HoldfastError } from '../contract/errors.ts';
import { LOOPBACK } from './ports.ts';

export interface LocalKafkaSasl {
  mechanism: SaslMechanism;
  /** The users clients may log in as; the first is the one a client's `security` carries. */
  users: readonly { username: string; password: string }[];
}

/** PEM files of the broker's certificate; clients are given `caFile`. */
export interface LocalKafkaTls {
  certFile: string;
  /** Unencrypted PKCS#8 key of `certFile`. */
  keyFile: string;
  caFile: string;
}

/** The client users, and the broker's own user for its inter-broker listener. */
export interface InstanceSasl extends LocalKafkaSasl {
  broker: { username: string; password: string };
}

export interface BrokerSettings {
  logDir: string;
  port: number;
  controllerPort: number;
  sasl?: InstanceSasl | undefined;
  tls?: LocalKafkaTls | undefined;
  /** The broker's key and certificate in one PEM file (Kafka's PEM key store), with `tls`. */
  keyStoreFile?: string;
}

/** The client listener's security protocol. */
function clientProtocol(settings: Pick<BrokerSettings, 'sasl' | 'tls'>): string {
  if (settings.sasl) return settings.tls ? 'SASL_SSL' : 'SASL_PLAINTEXT';
  return settings.tls ? 'SSL' : 'PLAINTEXT';
}

/**
 * The settings a single node needs (docs/adr/002-real-infrastructure-without-docker.md):
 * replication 1 everywhere. One client listener, which the broker uses for itself too: with
 * SASL nothing reaches the log without a login (the controller listener takes only the
 * KRaft quorum, on loopback).
 */
export function serverProperties(settings: BrokerSettings): string {
  const { port, controllerPort, sasl, tls } = settings;
  const client = clientProtocol(settings);
  const listeners = `${client}://${LOOPBACK}:${port},CONTROLLER://${LOOPBACK}:${controllerPort}`;
  const security: Record<string, string> = {};
  if (sasl) {
    const mechanism = sasl.mechanism.toUpperCase();
    security['sasl.enabled.mechanisms'] = mechanism;
    security['sasl.mechanism.inter.broker.protocol'] = mechanism;
    security[`listener.name.${client.toLowerCase()}.${sasl.mechanism}.sasl.jaas.config`] =
      `org.apache.kafka.common.security.scram.ScramLoginModule required username="${sasl.broker.username}" password="${sasl.broker.password}";`;
  }
  if (tls) {
    // PEM files as they are (KIP-651): no keytool, no JKS.
    security['ssl.keystore.type'] = 'PEM';
    security['ssl.keystore.location'] = settings.keyStoreFile ?? '';
    // The broker connects to its own listener: it trusts the CA that signed it.
    security['ssl.truststore.type'] = 'PEM';
    security['ssl.truststore.location'] = tls.caFile;
  }
  const all: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@${LOOPBACK}:${controllerPort}`,
    listeners,
    'advertised.listeners': listeners,
    'listener.security.protocol.map': `${client}:${client},CONTROLLER:PLAINTEXT`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': client,
    ...security,
    'log.dirs': settings.logDir,
    'num.partitions': 1,
    'default.replication.factor': 1,
    'min.insync.replicas': 1,
    'offsets.topic.replication.factor': 1,
    // Fewer than the default 50: the first group join on one node creates them all.
    'offsets.topic.num.partitions': 10,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    'group.initial.rebalance.delay.ms': 0,
    // A restarted node must wait out its own previous registration (DUPLICATE_BROKER_REGISTRATION)
    // after a crash; the default 9 s makes every "broker killed and restarted" test slow.
    'broker.session.timeout.ms': 4000,
    'broker.heartbeat.interval.ms': 1000,
    // Topics are created explicitly with their partition count: never by a typo.
    'auto.create.topics.enable': false,
  };
  return `${Object.entries(all)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')}\n`;
}

export function log4jProperties(serverLog: string): string {
  return `# Broker logs to one rolling file in its data dir.
status = warn
appender.file.type = RollingFile
appender.file.name = file
appender.file.fileName = ${serverLog}
appender.file.filePattern = ${serverLog}.%i
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
appender.file.policies.type = Policies
appender.file.policies.size.type = SizeBasedTriggeringPolicy
appender.file.policies.size.size = 50MB
appender.file.strategy.type = DefaultRolloverStrategy
appender.file.strategy.max = 2
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
`;
}

/** Names and passwords go into a JAAS line and a `--add-scram` argument: plain characters only. */
export function checkSaslUsers(sasl: LocalKafkaSasl | undefined): void {
  if (!sasl) return;
  const plain = /^[A-Za-z0-9._-]{1,128}$/;
  if (
    sasl.users.length === 0 ||
    !sasl.users.every((u) => plain.test(u.username) && plain.test(u.password))
  ) {
    throw new HoldfastError(
      ERROR_CODES.USAGE,
      'A local SASL broker needs at least one user, each name and password 1–128 of [A-Za-z0-9._-].',
    );
  }
}

/** KRaft keeps SCRAM credentials in its metadata log: they are written at format time. */
export function scramArguments(sasl: InstanceSasl | undefined): string[] {
  if (!sasl) return [];
  return [sasl.broker, ...sasl.users].flatMap(({ username, password }) => [
    '--add-scram',
    `${sasl.mechanism.toUpperCase()}=[name=${username},password=${password}]`,
  ]);
}

/** What a client of the broker needs: the first SASL user's login, the CA of its TLS. */
export function clientSecurity(settings: Pick<BrokerSettings, 'sasl' | 'tls'>): KafkaSecurity {
  const security: { sasl?: KafkaSecurity['sasl']; tls?: KafkaSecurity['tls'] } = {};
  const user = settings.sasl?.users[0];
  if (settings.sasl && user) {
    security.sasl = saslCredentials({ mechanism: settings.sasl.mechanism, ...user });
  }
  if (settings.tls) security.tls = { ca: readFileSync(settings.tls.caFile, 'utf8') };
  return security;
}
