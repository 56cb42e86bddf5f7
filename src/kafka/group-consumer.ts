/**
 * The kafkajs consumer behind a partition consumer: its group settings and the group events
 * it reports. A partition consumer replaces its kafkajs consumer when it rejoins, and kafkajs
 * can restart a replaced one on its own timer; so every event first asks whether its consumer
 * is still the current one, and one that is not is never restarted and never reported.
 */
import type { Consumer } from 'kafkajs';
import type { Logger } from '../observability/logger.ts';
import type { PartitionConsumerOptions } from './partition-handler.ts';

/** What the owner of the consumer is told, and asked. */
export interface GroupConsumerEvents {
  /** Whether `consumer` is the one in use (no side effects: asked by kafkajs's restarts). */
  isCurrent(consumer: Consumer): boolean;
  /** Whether `consumer` was replaced; the owner disconnects it again. */
  isStale(consumer: Consumer): boolean;
  /** This member's partitions of the topic in a new group generation. */
  assigned(consumer: Consumer, partitions: number[]): void;
  rebalancing(): void;
  /** kafkajs gave up on the consumer (it will not restart it). */
  gaveUp(error: Error): void;
}

type ConsumerSettings = Pick<
  PartitionConsumerOptions,
  'kafka' | 'groupId' | 'topic' | 'sessionTimeoutMs' | 'fetch' | 'group'
>;

export function createGroupConsumer(
  settings: ConsumerSettings,
  logger: Logger,
  on: GroupConsumerEvents,
): Consumer {
  const { kafka, groupId, topic, sessionTimeoutMs, fetch, group } = settings;
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: sessionTimeoutMs,
    heartbeatInterval: group?.heartbeatIntervalMs ?? 1000,
    rebalanceTimeout: Math.max(sessionTimeoutMs, group?.rebalanceTimeoutMs ?? 10_000),
    allowAutoTopicCreation: false,
    minBytes: fetch?.minBytes ?? 1,
    maxWaitTimeInMs: fetch?.maxWaitTimeInMs ?? 100,
    retry: {
      retries: group?.retries ?? 8,
      initialRetryTime: group?.retryInitialMs ?? 100,
      maxRetryTime: group?.retryMaxMs ?? 3000,
      // kafkajs restarts a crashed consumer by itself; one that has been replaced must
      // stay down, or it rejoins the group as a second member and rebalances it forever.
      restartOnFailure: async () => on.isCurrent(consumer),
    },
  });
  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    if (on.isStale(consumer)) return;
    on.assigned(consumer, event.payload.memberAssignment[topic] ?? []);
  });
  consumer.on(consumer.events.REBALANCING, () => {
    if (!on.isCurrent(consumer)) return;
    logger.info('group is rebalancing');
    on.rebalancing();
  });
  consumer.on(consumer.events.CRASH, (event) => {
    if (on.isStale(consumer)) return;
    logger.error(
      { err: event.payload.error, restart: event.payload.restart },
      event.payload.restart
        ? 'consumer crashed; kafkajs restarts it'
        : 'consumer crashed and kafkajs gives up on it; joining with a new one',
    );
    // kafkajs gives up on errors it deems final (a group coordinator not found while the
    // broker restarts): this member would be gone from the group for good.
    if (!event.payload.restart) on.gaveUp(event.payload.error);
  });
  return consumer;
}
