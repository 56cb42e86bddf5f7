/**
 * The recovery probe: every `intervalMs` it produces a hold of one probe seat per partition
 * straight to `seat-commands` (as user `probe`, nobody waiting on the reply) and watches
 * `seat-events` for the decisions. A partition is "decided again" after a fault once a
 * probe sent after the fault is decided; the recovery time of a fault is the slowest
 * partition's. Probe seats belong to their own show, which the checker checks too.
 */
import { randomUUID } from 'node:crypto';
import { type Consumer, Partitioners, type Producer } from 'kafkajs';
import { seatKey } from '../src/contract/ids.ts';
import { seatIdsOf } from '../src/contract/seat-layout.ts';
import type { ShowDefinition } from '../src/contract/shows.ts';
import { decodeEvent, encodeCommand } from '../src/kafka/codec.ts';
import { partitionOfKey } from '../src/kafka/partitioning.ts';
import type { ChaosCluster } from './cluster.ts';

interface Probe {
  readonly partition: number;
  readonly sentAt: number;
  decidedAt?: number;
}

/** One seat of `show` per partition (the show must have enough seats to cover them all). */
export function probeSeats(show: ShowDefinition, partitions: number): Map<number, string> {
  const seats = new Map<number, string>();
  for (const seatId of seatIdsOf(show)) {
    const partition = partitionOfKey(seatKey(show.showId, seatId), partitions);
    if (!seats.has(partition)) seats.set(partition, seatId);
    if (seats.size === partitions) return seats;
  }
  throw new Error(`probe show ${show.showId} has no seat on some of ${partitions} partitions`);
}

/** A probe decided later than this after it was sent met a stalled partition. */
export const STALL_MS = 2000;
/** Rounds still being sent at most (a dead broker holds each for its retries). */
const MAX_SENDS_IN_FLIGHT = 40;

export class RecoveryProbe {
  readonly #cluster: ChaosCluster;
  readonly #show: ShowDefinition;
  readonly #seats: Map<number, string>;
  readonly #intervalMs: number;
  readonly #probes = new Map<string, Probe>();
  readonly #byPartition = new Map<number, Probe[]>();
  readonly #producer: Producer;
  readonly #inFlight = new Set<Promise<void>>();
  #consumer: Consumer | undefined;
  #running = false;
  #loop: Promise<void> | undefined;
  #seq = 0;
  sendFailures = 0;

  constructor(cluster: ChaosCluster, show: ShowDefinition, intervalMs: number) {
    this.#cluster = cluster;
    this.#show = show;
    this.#seats = probeSeats(show, cluster.partitions);
    this.#intervalMs = intervalMs;
    this.#producer = this.#newProducer();
  }

  #newProducer(): Producer {
    // Not idempotent: after a broker restart an idempotent producer can fail for good, and a
    // duplicated probe is harmless (same commandId: answered as a repeat).
    return this.#cluster.kafka.producer({
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  async start(): Promise<void> {
    const consumer = this.#cluster.kafka.consumer({
      groupId: `${this.#cluster.kafkaPrefix}chaos-probe-${randomUUID().slice(0, 8)}`,
      maxWaitTimeInMs: 100,
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
    });
    this.#consumer = consumer;
    await consumer.connect();
    // From the beginning: after a broker restart the consumer may rejoin with no committed
    // offset, and "latest" would skip the very decisions the probe waits for.
    await consumer.subscribe({ topic: this.#cluster.topics.events, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const decoded = decodeEvent(message);
        if (!decoded.ok) return;
        const probe = this.#probes.get(decoded.value.commandId);
        if (probe && probe.decidedAt === undefined) probe.decidedAt = Date.now();
      },
    });
    await this.#producer.connect();
    this.#running = true;
    this.#loop = this.#run();
  }

  /**
   * A round every `intervalMs` whether or not earlier sends are done: while the broker is
   * down a send can take many seconds, and a window without probes could not be judged.
   */
  async #run(): Promise<void> {
    while (this.#running) {
      if (this.#inFlight.size < MAX_SENDS_IN_FLIGHT) {
        const send = this.#sendRound(Date.now());
        this.#inFlight.add(send);
        void send.finally(() => this.#inFlight.delete(send));
      }
      await new Promise((resolve) => setTimeout(resolve, this.#intervalMs));
    }
    await Promise.all(this.#inFlight);
  }

  async #sendRound(sentAt: number): Promise<void> {
    const round = new Set<Probe>();
    const commands = [...this.#seats].map(([partition, seatId]) => {
      const commandId = `probe-${++this.#seq}`;
      const probe: Probe = { partition, sentAt };
      round.add(probe);
      this.#probes.set(commandId, probe);
      const list = this.#byPartition.get(partition) ?? [];
      list.push(probe);
      this.#byPartition.set(partition, list);
      return encodeCommand({
        type: 'seat.holdRequest',
        commandId,
        correlationId: commandId,
        replyTo: '',
        showId: this.#show.showId,
        seatId,
        userId: 'probe',
        sentAt,
      });
    });
    try {
      await this.#producer.send({
        topic: this.#cluster.topics.commands,
        acks: -1,
        messages: commands,
      });
    } catch {
      // Not sent: these probes never get a decision, and later rounds judge the window.
      this.sendFailures++;
      for (const [partition, list] of this.#byPartition) {
        this.#byPartition.set(
          partition,
          list.filter((probe) => !round.has(probe)),
        );
      }
    }
  }

  /**
   * Milliseconds from `since` until every partition was deciding again, judged on the probes
   * sent in [since, until]: the last decision of a stalled probe (one that took over
   * `STALL_MS`), or else the first decision after `since`. Undefined while a probe of that
   * window is undecided (or a partition has none yet).
   */
  recoveryMs(since: number, until: number): number | undefined {
    let slowest = 0;
    for (let partition = 0; partition < this.#cluster.partitions; partition++) {
      const probes = (this.#byPartition.get(partition) ?? []).filter(
        (probe) => probe.sentAt >= since && probe.sentAt <= until,
      );
      if (probes.length === 0) return undefined;
      let firstDecided = Number.POSITIVE_INFINITY;
      let lastStalled: number | undefined;
      for (const probe of probes) {
        if (probe.decidedAt === undefined) return undefined;
        firstDecided = Math.min(firstDecided, probe.decidedAt);
        if (probe.decidedAt - probe.sentAt > STALL_MS) {
          lastStalled = Math.max(lastStalled ?? 0, probe.decidedAt);
        }
      }
      slowest = Math.max(slowest, (lastStalled ?? firstDecided) - since);
    }
    return slowest;
  }

  /**
   * What the probe saw of the window [since, until], per partition: probes sent and still
   * undecided, and the newest decision of any probe — so a failed recovery says whether the
   * probes were not sent (sends failing or stuck in flight), sent but not decided, or decided
   * and not seen.
   */
  windowReport(since: number, until: number) {
    const partitions: Record<number, { sent: number; undecided: number; lastDecidedAt?: number }> =
      {};
    for (let partition = 0; partition < this.#cluster.partitions; partition++) {
      const all = this.#byPartition.get(partition) ?? [];
      const sent = all.filter((probe) => probe.sentAt >= since && probe.sentAt <= until);
      const decided = all.map((probe) => probe.decidedAt ?? 0);
      partitions[partition] = {
        sent: sent.length,
        undecided: sent.filter((probe) => probe.decidedAt === undefined).length,
        lastDecidedAt: Math.max(0, ...decided) || undefined,
      };
    }
    return { sendFailures: this.sendFailures, sendsInFlight: this.#inFlight.size, partitions };
  }

  /**
   * Waits until the window [since, until] is over and judged (see `recoveryMs`), at most
   * until `capMs` after `since`; undefined when some partition was still not deciding.
   */
  async waitRecovered(since: number, until: number, capMs: number): Promise<number | undefined> {
    const deadline = since + capMs;
    for (;;) {
      const recovered = Date.now() > until ? this.recoveryMs(since, until) : undefined;
      if (recovered !== undefined || Date.now() > deadline) return recovered;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#loop;
    await this.#producer.disconnect().catch(() => {});
    await this.#consumer?.disconnect().catch(() => {});
  }
}
