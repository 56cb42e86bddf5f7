/**
 * The `floor` baseline's processes: the least this architecture's path can cost. Role
 * `gateway` (HOLDFAST_FLOOR_ROLE): a Socket.IO server whose seat events are acked after
 * two kafkajs produce→consume hops — produced to `floor-commands` keyed by seat with the
 * gateway's own command producer, relayed unchanged to `floor-events` by role `relay` (a
 * stand-in worker that decides nothing, snapshots nothing), consumed back and matched by
 * correlation id. `echo` is acked at once: Socket.IO alone. No auth, validation, read
 * model or broadcast. Configuration: KAFKA_BROKERS, HOLDFAST_KAFKA_PREFIX,
 * HOLDFAST_PARTITIONS, PORT.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { z } from 'zod';
import { runUntilSignal } from '../../src/cli/signals.ts';
import { intVar, kafkaShape, parseEnv } from '../../src/config/env.ts';
import type { SeatCommand } from '../../src/contract/kafka-records.ts';
import { CommandProducer } from '../../src/gateway/command-producer.ts';
import { ensureTopics } from '../../src/kafka/admin.ts';
import { BatchingProducer } from '../../src/kafka/batching-producer.ts';
import { createKafka } from '../../src/kafka/client.ts';
import { createLogger } from '../../src/observability/logger.ts';

const env = parseEnv(
  {
    ...kafkaShape,
    PORT: intVar(0, 65535),
    HOLDFAST_FLOOR_ROLE: z.enum(['gateway', 'relay']),
  },
  process.env,
);
const logger = createLogger({ level: env.HOLDFAST_LOG_LEVEL, destinationFd: 2 }).child({
  component: `floor-${env.HOLDFAST_FLOOR_ROLE}`,
});
const prefix = env.HOLDFAST_KAFKA_PREFIX;
const commandsTopic = `${prefix}floor-commands`;
const eventsTopic = `${prefix}floor-events`;
const kafka = createKafka({
  brokers: env.KAFKA_BROKERS,
  clientId: `floor-${env.HOLDFAST_FLOOR_ROLE}`,
  logger,
});
await ensureTopics(
  kafka,
  [commandsTopic, eventsTopic].map((topic) => ({
    topic,
    numPartitions: env.HOLDFAST_PARTITIONS,
    configs: {},
  })),
);

let ready = false;
const http = createServer((req, res) => {
  if (req.url?.startsWith('/socket.io/')) return;
  const ok = req.url === '/healthz' || (req.url === '/readyz' && ready);
  res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ ok }));
});
const stops: (() => Promise<void>)[] = [];

if (env.HOLDFAST_FLOOR_ROLE === 'relay') {
  // Worker-like consumer settings (src/worker/worker.ts), same producer as the worker's.
  // The worker's own producer: every partition's batch in the next single produce request.
  const sender = new BatchingProducer({ kafka, logger });
  await sender.connect();
  const consumer = kafka.consumer({ groupId: `${prefix}floor-relay`, maxWaitTimeInMs: 100 });
  consumer.on(consumer.events.GROUP_JOIN, () => {
    ready = true;
  });
  await consumer.connect();
  await consumer.subscribe({ topic: commandsTopic, fromBeginning: false });
  await consumer.run({
    partitionsConsumedConcurrently: Math.min(env.HOLDFAST_PARTITIONS, 16),
    eachBatch: async ({ batch }) => {
      await sender.send([
        {
          topic: eventsTopic,
          messages: batch.messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
        },
      ]);
    },
  });
  stops.push(
    () => consumer.disconnect(),
    () => sender.stop(),
  );
} else {
  const waiting = new Map<string, (response: unknown) => void>();
  const producer = new CommandProducer(kafka, commandsTopic, logger);
  await producer.connect();
  const consumer = kafka.consumer({
    groupId: `${prefix}floor-gateway-${randomUUID()}`,
    maxWaitTimeInMs: 500,
  });
  consumer.on(consumer.events.GROUP_JOIN, () => {
    ready = true;
  });
  await consumer.connect();
  await consumer.subscribe({ topic: eventsTopic, fromBeginning: false });
  await consumer.run({
    partitionsConsumedConcurrently: 4,
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
        producer.send(command).catch(() => {
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
