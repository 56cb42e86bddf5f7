/**
 * The Docker path of DESIGN §6, through testcontainers. Loaded lazily: machines without an
 * engine (this project's CI) never pay for it beyond one quick probe.
 */
import { KAFKA_VERSION } from './kafka-jars.ts';
import { freePort, LOOPBACK } from './ports.ts';

export const KAFKA_IMAGE = `apache/kafka:${KAFKA_VERSION}`;
export const REDIS_IMAGE = 'redis:7.2-alpine';

/** True when testcontainers finds a container engine that answers. */
export async function dockerEngineAnswers(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
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
  const { GenericContainer, Wait } = await import('testcontainers');
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
  const { GenericContainer, Wait } = await import('testcontainers');
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
  const { getContainerRuntimeClient } = await import('testcontainers');
  const client = await getContainerRuntimeClient();
  const container = client.container.getById(containerId);
  await client.container.stop(container, { timeout: 20_000 });
  await client.container.remove(container, { removeVolumes: true });
}
