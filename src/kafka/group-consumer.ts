/**
 * The kafkajs consumer behind a partition consumer: its group settings and the group events
 * it reports. A partition consumer replaces its kafkajs consumer when it rejoins, and kafkajs
 * can restart a replaced one on its own timer; so every event first asks whether its consumer
 * is still the current one, and one that is not is never restarted and never reported.
 */
import type { Consumer } from 'kafkajs';
import { ERROR_CODES, HoldfastError } from '../contract/errors.ts';
import type { Logger } from '../observability/logger.ts';
import type { PartitionConsumerOptions } from './partition-handler.ts';

/** The patch that makes kafkajs report the group generation with a join (docs/adr/010). */
export const KAFKAJS_PATCH = 'patches/kafkajs+2.2.4.patch';

/**
 * The group generation a GROUP_JOIN event carries: kafkajs keeps it in its internal
 * ConsumerGroup, and only `KAFKAJS_PATCH` adds it to the event (kafkajs's types do not
 * declare it). Undefined when the event has none (the patch was not applied): a
 * successful join always has a generation of 1 or more.
 */
export function joinedGeneration(payload: object): number | undefined {
  const generation = (payload as { generationId?: unknown }).generationId;
  return typeof generation === 'number' && Number.isInteger(generation) && generation > 0
    ? generation
    : undefined;
}

/**
 * The generation of an assignment, for code that must not go on without it (the worker's
 * claims): throws HF_KAFKAJS_UNPATCHED, telling the operator to run `npm ci`.
 */
export function requireGroupGeneration(generation: number | undefined): number {
  if (generation !== undefined) return generation;
  throw new HoldfastError(
    ERROR_CODES.KAFKAJS_UNPATCHED,
    `kafkajs reported no consumer-group generation with the join: the installed kafkajs lacks ${KAFKAJS_PATCH}. Run \`npm ci\` (its postinstall applies the patch); partitions are not claimed without it`,
    { context: { patch: KAFKAJS_PATCH } },
  );
}

/** What the owner of the consumer is told, and asked. */
export interface GroupConsumerEvents {
  /** Whether `consumer` is the one in use (no side effects: asked by kafkajs's restarts). */
  isCurrent(consumer: Consumer): boolean;
  /** Whether `consumer` was replaced; the owner disconnects it again. */
  isStale(consumer: Consumer): boolean;
  /**
   * This member's partitions of the topic in a new group generation, and that generation
   * (undefined when kafkajs did not report it: see `joinedGeneration`).
   */
  assigned(consumer: Consumer, partitions: number[], generation: number | undefined): void;
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
    on.assigned(
      consumer,
      event.payload.memberAssignment[topic] ?? [],
      joinedGeneration(event.payload),
    );
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
