/**
 * `npm run bench -- worker`: the reservation worker against real Kafka and Redis.
 *
 * 1. Throughput: N hold commands on distinct seats are produced ahead; a `holdfast worker`
 *    process decides them, producing events, snapshotting and committing. The floor is
 *    plain kafkajs consume → produce of the same records in the same run (no actors, no
 *    snapshots, no commits), with the best settings we found (see `runFloor`). Both are
 *    timed the same way: by a consumer counting their output records, first to last.
 * 2. Latency: commands at a fixed moderate rate; command produce → event consumed.
 */
import { randomUUID } from 'node:crypto';
import { build } from 'hdr-histogram-js';
import { type Consumer, type Kafka, type Message, Partitioners } from 'kafkajs';
import type { SeatCommand } from '../src/contract/kafka-records.ts';
import { seatIdsOf } from '../src/contract/seat-layout.ts';
import type { ShowDefinition } from '../src/contract/shows.ts';
import { Deployment } from '../src/fleet/deployment.ts';
import { cpuSeconds } from '../src/fleet/fleet.ts';
import { type EphemeralStack, startEphemeralStack } from '../src/infra/ephemeral.ts';
import { freePort } from '../src/infra/ports.ts';
import { ensureTopics } from '../src/kafka/admin.ts';
import { encodeCommand } from '../src/kafka/codec.ts';
import { createProducer } from '../src/kafka/producer.ts';
import type { topicNames } from '../src/kafka/topics.ts';
import { latencyMs } from './support/report.ts';
import type { Scenario, ScenarioOptions, ScenarioReport } from './support/scenario.ts';

const PARTITIONS = 12;
const SHOWS = 20;
const ROWS = 100;
const SEATS_PER_ROW = 100;
const DEFAULT_RECORDS = 100_000;
const DEFAULT_RATE = 2000;
const DEFAULT_LATENCY_S = 10;
/** The floor's fetch wait: the shortest that still batches (as in the `floor` baseline). */
const FLOOR_FETCH_WAIT_MS = 5;
/** Records per produce request of the floor: ~300 B commands, well under 1 MiB. */
const FLOOR_SEND_RECORDS = 2000;

interface Counter {
  count: number;
  firstAt: number | undefined;
  lastAt: number | undefined;
}

export const workerScenario: Scenario = {
  name: 'worker',
  description: 'worker throughput vs plain kafkajs consume→produce, and command→event latency',
  async run(options: ScenarioOptions): Promise<ScenarioReport> {
    const { progress } = options;
    const records = DEFAULT_RECORDS;
    const rate = options.rate ?? DEFAULT_RATE;
    const latencySeconds = options.durationS ?? DEFAULT_LATENCY_S;
    const stack = await startEphemeralStack(options.env, progress);
    const prefix = `bench-${randomUUID().slice(0, 8)}-`;
    const deployment = await startDeployment(stack, prefix, options);
    const { kafka, topics } = deployment;
    const consumers: Consumer[] = [];
    const producer = createProducer(kafka);
    try {
      await ensureTopics(kafka, [
        { topic: `${prefix}floor-out`, numPartitions: PARTITIONS, configs: {} },
      ]);
      await producer.connect();
      const shows = benchShows();
      await deployment.publishShows(shows);
      const seats = shows.flatMap((show) =>
        seatIdsOf(show).map((seatId) => ({ showId: show.showId, seatId })),
      );

      progress(`producing ${records} hold commands ahead`);
      const commands = seats
        .slice(0, records)
        .map(({ showId, seatId }) => holdCommand(showId, seatId));
      for (let i = 0; i < commands.length; i += 2000) {
        await producer.send({
          topic: topics.commands,
          acks: -1,
          messages: commands.slice(i, i + 2000).map(encodeCommand),
        });
      }

      progress('floor: plain kafkajs consume → produce of the same records');
      const floorOut = await countRecords(kafka, `${prefix}floor-out`, consumers);
      const floor = await runFloor(
        kafka,
        topics.commands,
        `${prefix}floor-out`,
        `${prefix}floor`,
        consumers,
      );
      await waitCount(floorOut, records, progress, 'floor');
      await floor.disconnect();
      const floorPerSecond = perSecond(floorOut);

      progress('worker: deciding the same records');
      const events = await countRecords(kafka, topics.events, consumers);
      const worker = deployment.spawn('worker', 'worker', { port: await freePort() });
      const cpuBefore = await cpuSeconds(worker.pid);
      await deployment.waitReady([worker]);
      await waitCount(events, records, progress, 'worker');
      const cpuAfter = await cpuSeconds(worker.pid);
      const workerPerSecond = perSecond(events);

      progress(`latency: ${rate} commands/s for ${latencySeconds} s`);
      const latency = await measureLatency(
        kafka,
        producer,
        topics,
        seats.slice(records),
        rate,
        latencySeconds,
        consumers,
        progress,
      );
      await deployment.stop();

      const ratio = workerPerSecond / floorPerSecond;
      const figures = {
        records,
        commandsPerSecond: Math.round(workerPerSecond),
        floorCommandsPerSecond: Math.round(floorPerSecond),
        ratioToFloor: Math.round(ratio * 1000) / 1000,
        workerCpuSeconds:
          cpuBefore !== undefined && cpuAfter !== undefined
            ? Math.round((cpuAfter - cpuBefore) * 100) / 100
            : null,
        latencyRate: rate,
        ...latency,
      };
      return {
        figures,
        table: [
          ['measure', 'value'],
          ['records decided', String(records)],
          ['worker commands/s', String(figures.commandsPerSecond)],
          ['floor (kafkajs consume→produce) records/s', String(figures.floorCommandsPerSecond)],
          ['worker / floor', String(figures.ratioToFloor)],
          [
            `command→event p50 / p99 / max at ${rate}/s (ms)`,
            `${latency.p50Ms} / ${latency.p99Ms} / ${latency.maxMs}`,
          ],
        ],
        notes: [
          'Both pipelines use an idempotent producer with maxInFlightRequests 1 and acks=all, 12 partitions, one process each.',
          'The worker additionally decodes and validates every command, decides, and writes a fenced snapshot increment to Redis per batch.',
        ],
      };
    } finally {
      await Promise.allSettled(consumers.map((c) => c.disconnect()));
      await producer.disconnect().catch(() => undefined);
      await deployment.stop();
      await stack.stop();
    }
  },
};

/** The deployment under test: the worker's environment as `bench` ran it before, quiet logs. */
async function startDeployment(
  stack: EphemeralStack,
  prefix: string,
  options: ScenarioOptions,
): Promise<Deployment> {
  try {
    return await Deployment.start({
      kafkaBrokers: stack.kafkaBrokers,
      redisUrl: stack.redisUrl,
      partitions: PARTITIONS,
      kafkaPrefix: prefix,
      redisPrefix: `bench:${prefix}`,
      baseEnv: options.env,
      settings: { HOLDFAST_LOG_LEVEL: 'warn' },
      clientId: 'bench',
      logger: options.logger,
    });
  } catch (error) {
    await stack.stop();
    throw error;
  }
}

function benchShows(): ShowDefinition[] {
  return Array.from({ length: SHOWS }, (_, i) => ({
    showId: `bench-show-${i}`,
    rows: ROWS,
    seatsPerRow: SEATS_PER_ROW,
    holdTtlMs: 600_000,
    createdAt: Date.now(),
  }));
}

function holdCommand(showId: string, seatId: string): SeatCommand {
  return {
    type: 'seat.holdRequest',
    commandId: randomUUID(),
    correlationId: randomUUID(),
    replyTo: 'bench',
    showId,
    seatId,
    userId: `user-${seatId}`,
    sentAt: Date.now(),
  };
}

async function countRecords(kafka: Kafka, topic: string, consumers: Consumer[]): Promise<Counter> {
  const counter: Counter = { count: 0, firstAt: undefined, lastAt: undefined };
  const consumer = kafka.consumer({
    groupId: `${topic}-counter-${randomUUID()}`,
    maxWaitTimeInMs: 50,
  });
  consumers.push(consumer);
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    partitionsConsumedConcurrently: PARTITIONS,
    eachBatch: async ({ batch }) => {
      const now = performance.now();
      counter.firstAt ??= now;
      counter.count += batch.messages.length;
      counter.lastAt = now;
    },
  });
  return counter;
}

/**
 * The floor: the same records consumed and produced again by plain kafkajs with the best
 * settings we found, never Holdfast's own producer or consumer code, so that our defaults can
 * never make the floor slow — no offset commits (kafkajs would commit after every batch),
 * short fetch waits, and a plain producer (`acks: -1` like the worker, without the
 * idempotent producer's one-request-in-flight limit).
 */
async function runFloor(
  kafka: Kafka,
  from: string,
  to: string,
  groupId: string,
  consumers: Consumer[],
): Promise<Consumer> {
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: FLOOR_FETCH_WAIT_MS });
  consumers.push(consumer);
  await consumer.connect();
  await consumer.subscribe({ topic: from, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: PARTITIONS,
    eachBatch: async ({ batch }) => {
      const messages: Message[] = batch.messages.map((m) => ({
        key: m.key,
        value: m.value,
        headers: m.headers,
      }));
      // Parts well under the broker's 1 MiB record-batch limit, in order.
      for (let i = 0; i < messages.length; i += FLOOR_SEND_RECORDS) {
        await producer.send({
          topic: to,
          acks: -1,
          messages: messages.slice(i, i + FLOOR_SEND_RECORDS),
        });
      }
    },
  });
  consumer.on(consumer.events.STOP, () => void producer.disconnect());
  return consumer;
}

async function waitCount(
  counter: Counter,
  target: number,
  progress: (line: string) => void,
  label: string,
): Promise<void> {
  const deadline = Date.now() + 300_000;
  let lastReport = 0;
  while (counter.count < target) {
    if (Date.now() > deadline)
      throw new Error(`${label}: only ${counter.count} of ${target} records within 300 s`);
    if (Date.now() - lastReport > 2000) {
      progress(`${label}: ${counter.count}/${target} records`);
      lastReport = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function perSecond(counter: Counter): number {
  const seconds = ((counter.lastAt ?? 0) - (counter.firstAt ?? 0)) / 1000;
  return seconds > 0 ? counter.count / seconds : Number.NaN;
}

async function measureLatency(
  kafka: Kafka,
  producer: ReturnType<Kafka['producer']>,
  topics: ReturnType<typeof topicNames>,
  seats: { showId: string; seatId: string }[],
  rate: number,
  seconds: number,
  consumers: Consumer[],
  progress: (line: string) => void,
) {
  const sentAt = new Map<string, number>();
  const histogram = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  });
  const consumer = kafka.consumer({
    groupId: `${topics.events}-latency-${randomUUID()}`,
    maxWaitTimeInMs: 10,
  });
  consumers.push(consumer);
  await consumer.connect();
  await consumer.subscribe({ topic: topics.events, fromBeginning: false });
  let received = 0;
  await consumer.run({
    partitionsConsumedConcurrently: PARTITIONS,
    eachMessage: async ({ message }) => {
      const body = JSON.parse(message.value?.toString() ?? '{}') as { correlationId?: string };
      const start = body.correlationId === undefined ? undefined : sentAt.get(body.correlationId);
      if (start === undefined) return;
      histogram.recordValue(Math.max(1, Math.round((performance.now() - start) * 1000)));
      received++;
    },
  });
  // Let the latency consumer's group settle so it does not miss the first commands.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const total = Math.min(seats.length, Math.round(rate * seconds));
  const tickMs = 10;
  const perTick = rate / (1000 / tickMs);
  const began = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - began) / tickMs + 1) * perTick));
    const batch: SeatCommand[] = [];
    for (; sent < due; sent++) {
      const seat = seats[sent] as { showId: string; seatId: string };
      batch.push(holdCommand(seat.showId, seat.seatId));
    }
    const now = performance.now();
    for (const command of batch) sentAt.set(command.correlationId, now);
    if (batch.length > 0) {
      producer
        .send({ topic: topics.commands, acks: -1, messages: batch.map(encodeCommand) })
        .catch((error: unknown) => progress(`latency: a send failed: ${String(error)}`));
    }
    await new Promise((resolve) => setTimeout(resolve, tickMs));
  }
  const deadline = Date.now() + 30_000;
  while (received < total && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 50));
  progress(`latency: ${received}/${total} events received`);
  return { ...latencyMs(histogram), latencyLost: total - received };
}
