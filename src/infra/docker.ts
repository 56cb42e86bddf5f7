/**
 * The Docker path of `holdfast infra`, through testcontainers: an optional dependency,
 * imported only here and only when Docker is probed or used, so a deployment (and an
 * install without optional dependencies) never loads it. Without it, the probe answers
 * "no engine" and an explicit Docker request fails with a coded error.
 */
import { ERROR_CODES, HoldfastError } from '../contract/errors.ts';
import { KAFKA_VERSION } from './kafka-jars.ts';
import { freePort, LOOPBACK } from './ports.ts';

export const KAFKA_IMAGE = `apache/kafka:${KAFKA_VERSION}`;
export const REDIS_IMAGE = 'redis:7.2-alpine';

type Testcontainers = typeof import('testcontainers');

/**
 * Imports an optional package, or fails with a coded error that says how to add it.
 * `specifier` is a parameter so the absent case can be tested.
 */
export async function importOptional<T>(specifier: string, purpose: string): Promise<T> {
  try {
    return (await import(specifier)) as T;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw error;
    throw new HoldfastError(
      ERROR_CODES.INFRA_MISSING_TOOL,
      `${purpose} needs the optional package "${specifier}", which is not installed: ` +
        `install it (\`npm install ${specifier}\`), or run Kafka and Redis as local processes`,
      { cause: error, context: { package: specifier } },
    );
  }
}

const testcontainers = () => importOptional<Testcontainers>('testcontainers', 'the Docker path');

/** True when testcontainers finds a container engine that answers. */
export async function dockerEngineAnswers(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await testcontainers();
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

export interface DockerService {
  readonly containerId: string;
  /** `127.0.0.1:<port>` for Kafka, `redis://127.0.0.1:<port>` for Redis. */
  readonly address: string;
  stop(): Promise<void>;
}

/**
 * A single-node KRaft broker in a container. The host port equals the container port so
 * the advertised listener is right for clients on this host.
 */
export async function startDockerKafka(): Promise<DockerService> {
  const { GenericContainer, Wait } = await testcontainers();
  const port = await freePort();
  const container = await new GenericContainer(KAFKA_IMAGE)
    .withExposedPorts({ container: port, host: port })
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: `PLAINTEXT://:${port},CONTROLLER://:9093`,
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${LOOPBACK}:${port}`,
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
      KAFKA_HEAP_OPTS: '-Xmx768m -Xms256m',
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .start();
  return {
    containerId: container.getId(),
    address: `${LOOPBACK}:${port}`,
    stop: async () => {
      await container.stop();
    },
  };
}

export async function startDockerRedis(): Promise<DockerService> {
  const { GenericContainer, Wait } = await testcontainers();
  const container = await new GenericContainer(REDIS_IMAGE)
    .withExposedPorts(6379)
    .withCommand(['redis-server', '--save', '', '--appendonly', 'no'])
    .withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/))
    .start();
  return {
    containerId: container.getId(),
    address: `redis://${LOOPBACK}:${container.getMappedPort(6379)}`,
    stop: async () => {
      await container.stop();
    },
  };
}

/** Stops and removes a container started earlier, possibly by another process. */
export async function stopDockerContainer(containerId: string): Promise<void> {
  const { getContainerRuntimeClient } = await testcontainers();
  const client = await getContainerRuntimeClient();
  const container = client.container.getById(containerId);
  await client.container.stop(container, { timeout: 20_000 });
  await client.container.remove(container, { removeVolumes: true });
}
