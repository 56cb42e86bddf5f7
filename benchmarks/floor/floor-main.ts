/**
 * The `floor` baseline's processes: the least this architecture's path can cost. Role
 * `gateway` (HOLDFAST_FLOOR_ROLE): a Socket.IO server whose seat commands are acked after
 * two produce→consume hops — produced to `floor-commands` keyed by seat, relayed unchanged
 * to `floor-events` by role `relay` (a stand-in worker that decides nothing, snapshots
 * nothing), consumed back and matched by correlation id. `echo` is acked at once: Socket.IO
 * alone. No auth, validation, read model or broadcast. Configuration: KAFKA_BROKERS,
 * HOLDFAST_KAFKA_PREFIX, HOLDFAST_PARTITIONS, PORT.
 *
 * The floor is plain kafkajs with the best settings we found, never Holdfast's own producer
 * or consumer code, so that our own defaults can never make the floor slow:
 * - consumers without commits (`autoCommit: false`: kafkajs would otherwise commit after
 *   every batch, one OffsetCommit round trip before the next fetch) and short fetch waits;
 * - `acks: -1` like the worker (every in-sync replica), without the idempotent producer's
 *   one-request-in-flight limit;
 * - every record that arrives in the same tick goes out in one produce request.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Kafka, logLevel, type Message, Partitioners } from 'kafkajs';
import { Server } from 'socket.io';
import { z } from 'zod';
import { runUntilSignal } from '../../src/cli/signals.ts';
import { intVar, kafkaShape, parseEnv } from '../../src/config/env.ts';
import { seatKey } from '../../src/contract/ids.ts';
import type { SeatCommand } from '../../src/contract/kafka-records.ts';

const env = parseEnv(
  {
    ...kafkaShape,
    PORT: intVar(0, 65535),
    HOLDFAST_FLOOR_ROLE: z.enum(['gateway', 'relay']),
  },
  process.env,
);
const prefix = env.HOLDFAST_KAFKA_PREFIX;
const commandsTopic = `${prefix}floor-commands`;
const eventsTopic = `${prefix}floor-events`;
const kafka = new Kafka({
  clientId: `floor-${env.HOLDFAST_FLOOR_ROLE}`,
  brokers: [...env.KAFKA_BROKERS],
  logLevel: logLevel.WARN,
});
const FETCH = { maxWaitTimeInMs: 5, minBytes: 1 };

async function ensureFloorTopics(): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = [commandsTopic, eventsTopic].filter((topic) => !existing.has(topic));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({ topic, numPartitions: env.HOLDFAST_PARTITIONS })),
      });
    }
  } finally {
    await admin.disconnect();
  }
}

/** A plain producer that sends everything handed to it in one tick as one request. */
async function tickBatchingProducer(topic: string) {
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  let queued: { message: Message; done: (error?: unknown) => void }[] = [];
  const flush = () => {
    const batch = queued;
    queued = [];
    producer.send({ topic, acks: -1, messages: batch.map((entry) => entry.message) }).then(
      () => {
        for (const entry of batch) entry.done();
      },
      (error: unknown) => {
        for (const entry of batch) entry.done(error);
      },
    );
  };
  return {
    send: (message: Message) =>
      new Promise<void>((resolve, reject) => {
        if (queued.length === 0) setImmediate(flush);
        queued.push({ message, done: (error) => (error ? reject(error) : resolve()) });
      }),
    stop: () => producer.disconnect(),
  };
}

await ensureFloorTopics();

let ready = false;
const http = createServer((req, res) => {
  if (req.url?.startsWith('/socket.io/')) return;
  const ok = req.url === '/healthz' || (req.url === '/readyz' && ready);
  res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ ok }));
});
const stops: (() => Promise<void>)[] = [];

if (env.HOLDFAST_FLOOR_ROLE === 'relay') {
  const sender = await tickBatchingProducer(eventsTopic);
  const consumer = kafka.consumer({ groupId: `${prefix}floor-relay`, ...FETCH });
  consumer.on(consumer.events.GROUP_JOIN, () => {
    ready = true;
  });
  await consumer.connect();
  await consumer.subscribe({ topic: commandsTopic, fromBeginning: false });
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: Math.min(env.HOLDFAST_PARTITIONS, 16),
    eachBatch: async ({ batch }) => {
      await Promise.all(
        batch.messages.map((m) => sender.send({ key: m.key, value: m.value, headers: m.headers })),
      );
    },
  });
  stops.push(
    () => consumer.disconnect(),
    () => sender.stop(),
  );
} else {
  const waiting = new Map<string, (response: unknown) => void>();
  const producer = await tickBatchingProducer(commandsTopic);
  const consumer = kafka.consumer({ groupId: `${prefix}floor-gateway-${randomUUID()}`, ...FETCH });
  consumer.on(consumer.events.GROUP_JOIN, () => {
    ready = true;
  });
  await consumer.connect();
  await consumer.subscribe({ topic: eventsTopic, fromBeginning: false });
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: Math.min(env.HOLDFAST_PARTITIONS, 16),
    eachMessage: async ({ message }) => {
      const command = JSON.parse(message.value?.toString('utf8') ?? '{}') as Partial<SeatCommand>;
      const ack =
        command.correlationId === undefined ? undefined : waiting.get(command.correlationId);
      if (!ack || command.correlationId === undefined) return;
      waiting.delete(command.correlationId);
      ack({
        ok: true,
        seat: { showId: command.showId, seatId: command.seatId, status: 'held', version: 1 },
      });
    },
  });
  const io = new Server(http, { serveClient: false });
  io.on('connection', (socket) => {
    socket.on('echo', (_payload: unknown, ack: unknown) => {
      if (typeof ack === 'function') ack({ ok: true });
    });
    for (const event of ['seat:hold', 'seat:confirm', 'seat:release']) {
      socket.on(event, (payload: { showId?: string; seatId?: string }, ack: unknown) => {
        if (typeof ack !== 'function') return;
        const command: SeatCommand = {
          type: 'seat.holdRequest',
          commandId: randomUUID(),
          correlationId: randomUUID(),
          replyTo: 'floor',
          showId: String(payload?.showId ?? 'floor'),
          seatId: String(payload?.seatId ?? 'A1'),
          userId: 'floor',
          sentAt: Date.now(),
        };
        waiting.set(command.correlationId, ack as (response: unknown) => void);
        const message = {
          key: seatKey(command.showId, command.seatId),
          value: JSON.stringify(command),
          headers: { type: command.type },
        };
        producer.send(message).catch(() => {
          waiting.delete(command.correlationId);
          (ack as (response: unknown) => void)({ ok: false, error: { code: 'UNAVAILABLE' } });
        });
      });
    }
  });
  stops.push(
    async () => void (await io.close()),
    () => consumer.disconnect(),
    () => producer.stop(),
  );
}

await new Promise<void>((resolve) => http.listen(env.PORT, '127.0.0.1', () => resolve()));
process.stderr.write(
  `floor ${env.HOLDFAST_FLOOR_ROLE} on http://127.0.0.1:${(http.address() as AddressInfo).port}\n`,
);
await runUntilSignal(async () => {
  ready = false;
  for (const stop of stops) await stop().catch(() => undefined);
  http.close();
});
