/**
 * The partition host with in-memory fakes (no Kafka, no Redis): the real seat actors, a
 * snapshot store in a Map, a sink that records or fails, shows that can fail to catch up,
 * and a scheduler the test drives (the hold timer never touches a real timer).
 */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { PartitionActors } from '../../../src/actors/partition-actors.ts';
import type { SeatCommand, SeatEvent } from '../../../src/contract/kafka-records.ts';
import type { ShowDefinition } from '../../../src/contract/shows.ts';
import {
  type Decoded,
  decodeCommand,
  decodeEvent,
  encodeCommand,
  type IncomingRecord,
} from '../../../src/kafka/codec.ts';
import { type EmittedPosition, eventPosition } from '../../../src/kafka/emitted-events.ts';
import type { ConsumedRecord } from '../../../src/kafka/partition-handler.ts';
import type { TopicRecords } from '../../../src/kafka/producer.ts';
import type {
  PartitionClaim,
  SnapshotStore,
  SnapshotWriteResult,
} from '../../../src/state/snapshot-store.ts';
import type { Scheduler, ShowsAtLogTime } from '../../../src/worker/host-ports.ts';
import { createWorkerMetrics } from '../../../src/worker/metrics.ts';
import { PartitionHost } from '../../../src/worker/partition-host.ts';

const logger = pino({ level: 'silent' });
const topics = { commands: 'cmd', events: 'ev', deadLetters: 'dlq' };
const T0 = 1_700_000_000_000;
const gala: ShowDefinition = {
  showId: 'gala',
  rows: 1,
  seatsPerRow: 10,
  holdTtlMs: 5000,
  createdAt: T0 - 1000,
};

/** What the host claims with: the generation and fingerprint matter only to Redis. */
const LOG = { generation: 0, fingerprint: 'cluster|' };

/** One partition's snapshot in memory; the latest claim owns it. */
class MemorySnapshots implements SnapshotStore {
  offset: bigint | undefined;
  seats = new Map<string, string>();
  owner: string | undefined;
  writes = 0;
  /** The next write is refused as Redis refuses one it holds another version for. */
  staleNext = false;
  async claimAndLoad(_partition: number, claim: PartitionClaim) {
    this.owner = claim.token;
    return { offset: this.offset, seats: new Map(this.seats), discarded: false as const };
  }
  async write(
    _partition: number,
    token: string,
    offset: bigint,
    changes: ReadonlyMap<string, string>,
  ): Promise<SnapshotWriteResult> {
    if (token !== this.owner) return 'FENCED';
    if (this.staleNext) {
      this.staleNext = false;
      return 'STALE';
    }
    this.writes++;
    for (const [key, value] of changes) {
      if (value === '') this.seats.delete(key);
      else this.seats.set(key, value);
    }
    this.offset = offset;
    return 'OK';
  }
  async discard(_partition: number, token: string): Promise<boolean> {
    if (token !== this.owner) return false;
    this.offset = undefined;
    this.seats.clear();
    return true;
  }
}

class RecordingSink {
  sent: TopicRecords[] = [];
  failNext = false;
  /** The next send appends this many of its records, then fails (a request's later part). */
  appendThenFail: number | undefined;
  async send(records: readonly TopicRecords[]): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('broker unavailable');
    }
    const keep = this.appendThenFail;
    if (keep !== undefined) {
      this.appendThenFail = undefined;
      const [first] = records;
      if (first) this.sent.push({ topic: first.topic, messages: first.messages.slice(0, keep) });
      throw new Error('the second part of the request failed');
    }
    this.sent.push(...records);
  }
  /** The latest event position on the "log", as the worker reads it from `seat-events`. */
  async of(partition: number): Promise<EmittedPosition | undefined> {
    let latest: EmittedPosition | undefined;
    for (const event of this.events()) {
      const at = eventPosition(event.eventId, partition);
      if (
        at &&
        (!latest ||
          at.offset > latest.offset ||
          (at.offset === latest.offset && at.index > latest.index))
      )
        latest = { ...at, occurredAt: event.occurredAt };
    }
    return latest;
  }
  events(): SeatEvent[] {
    return this.#decoded(topics.events, decodeEvent);
  }
  commands(): SeatCommand[] {
    return this.#decoded(topics.commands, decodeCommand);
  }
  #decoded<T>(topic: string, decode: (record: IncomingRecord) => Decoded<T>): T[] {
    return this.sent
      .filter((r) => r.topic === topic)
      .flatMap((r) => r.messages)
      .map((m) => {
        const decoded = decode({
          key: Buffer.from(String(m.key)),
          value: Buffer.from(String(m.value)),
          headers: m.headers,
        });
        if (!decoded.ok) throw new Error(decoded.reason);
        return decoded.value;
      });
  }
}

/** Shows known to the log; `catchUp` fails while `failing` (a broker outage). */
class FakeShows implements ShowsAtLogTime {
  failing = false;
  readonly known = new Map([[gala.showId, gala]]);
  getAt(showId: string, logTime: number) {
    const show = this.known.get(showId);
    return show && show.createdAt <= logTime ? show : undefined;
  }
  get(showId: string) {
    return this.known.get(showId);
  }
  async catchUp() {
    if (this.failing) throw new Error('shows catch-up timed out');
  }
}

/** A clock and timers the test moves by hand. */
class ManualScheduler implements Scheduler {
  time = T0;
  tasks: { at: number; task: () => void }[] = [];
  now = () => this.time;
  schedule = (delayMs: number, task: () => void) => {
    const entry = { at: this.time + delayMs, task };
    this.tasks.push(entry);
    return () => {
      this.tasks = this.tasks.filter((t) => t !== entry);
    };
  };
  advance(ms: number) {
    this.time += ms;
    const due = this.tasks.filter((t) => t.at <= this.time);
    this.tasks = this.tasks.filter((t) => t.at > this.time);
    for (const { task } of due) task();
  }
}

function hold(seatId: string, userId: string, showId = gala.showId): SeatCommand {
  return {
    type: 'seat.holdRequest',
    commandId: `c-${showId}-${seatId}-${userId}`,
    correlationId: `k-${seatId}`,
    replyTo: 'gw',
    showId,
    seatId,
    userId,
    sentAt: T0,
  };
}

function records(from: bigint, commands: SeatCommand[], logTime = T0): ConsumedRecord[] {
  return commands.map((command, i) => {
    const encoded = encodeCommand(command);
    return {
      offset: from + BigInt(i),
      timestamp: logTime,
      key: Buffer.from(encoded.key),
      value: Buffer.from(encoded.value),
      headers: encoded.headers,
    };
  });
}

function setup() {
  const snapshots = new MemorySnapshots();
  const sink = new RecordingSink();
  const shows = new FakeShows();
  const scheduler = new ManualScheduler();
  const fenced: number[] = [];
  const metrics = createWorkerMetrics();
  const host = () =>
    new PartitionHost({
      partition: 0,
      topics,
      core: new PartitionActors({ clock: { now: scheduler.now } }),
      snapshots,
      sink,
      emitted: sink,
      shows,
      metrics,
      logger,
      onFenced: (partition) => fenced.push(partition),
      scheduler,
    });
  return { snapshots, sink, shows, scheduler, fenced, metrics, host };
}

describe('PartitionHost', () => {
  it('decides a batch, produces its events, writes the snapshot and returns the next offset', async () => {
    const { host, sink, snapshots } = setup();
    const h = host();
    expect(await h.load(0n, 2n, LOG)).toBe(0n);
    const result = await h.processBatch(records(0n, [hold('A1', 'ann'), hold('A1', 'bob')]));
    expect(result.commitOffset).toBe(2n);
    expect(sink.events().map((e) => e.type)).toEqual(['seat.held', 'seat.rejected']);
    expect(snapshots.offset).toBe(1n);
  });

  // Regression (issue 12, item 1): the shows catch-up ran outside the failure handling, so a
  // throw after some commands had changed the actors let the batch be redelivered to the
  // same memory: the retry answered from the repeat memory and `seat.held` was never sent.
  it('discards its memory when deciding fails midway, and the reload decides the batch the same', async () => {
    const { host, sink, shows, snapshots, fenced } = setup();
    const first = host();
    await first.load(0n, 2n, LOG);
    shows.failing = true;
    const batch = records(0n, [hold('A1', 'ann'), hold('A1', 'bob', 'unknown-show')]);
    await expect(first.processBatch(batch)).resolves.toEqual({ commitOffset: undefined });
    expect(first.status).toBe('FENCED');
    expect(fenced).toEqual([0]);
    expect(sink.sent).toEqual([]);
    expect(snapshots.writes).toBe(0);
    // The same host never decides again, even if the batch comes back.
    shows.failing = false;
    await expect(first.processBatch(batch)).resolves.toEqual({ commitOffset: undefined });
    expect(sink.sent).toEqual([]);

    const reloaded = host();
    expect(await reloaded.load(0n, 2n, LOG)).toBe(0n);
    await expect(reloaded.processBatch(batch)).resolves.toEqual({ commitOffset: 2n });
    expect(sink.events().map((e) => [e.type, e.seatId, e.userId])).toEqual([
      ['seat.held', 'A1', 'ann'],
      ['seat.rejected', 'A1', 'bob'],
    ]);
  });

  it('discards its memory when the events cannot be produced', async () => {
    const { host, sink, fenced } = setup();
    const h = host();
    await h.load(0n, 1n, LOG);
    sink.failNext = true;
    await expect(h.processBatch(records(0n, [hold('A1', 'ann')]))).resolves.toEqual({
      commitOffset: undefined,
    });
    expect(h.status).toBe('FENCED');
    expect(fenced).toEqual([0]);
  });

  it('stops deciding when its snapshot write is refused (another owner claimed it)', async () => {
    const { host, fenced } = setup();
    const zombie = host();
    await zombie.load(0n, 0n, LOG);
    await host().load(0n, 0n, LOG);
    await expect(zombie.processBatch(records(0n, [hold('A1', 'ann')]))).resolves.toEqual({
      commitOffset: undefined,
    });
    expect(zombie.status).toBe('FENCED');
    expect(fenced).toEqual([0]);
  });

  it('stops deciding when Redis holds another version than the one it last wrote (STALE)', async () => {
    const { host, snapshots, fenced } = setup();
    const h = host();
    await h.load(0n, 0n, LOG);
    snapshots.staleNext = true;
    await expect(h.processBatch(records(0n, [hold('A1', 'ann')]))).resolves.toEqual({
      commitOffset: undefined,
    });
    expect(h.status).toBe('FENCED');
    expect(fenced).toEqual([0]);
  });

  it('discards a snapshot it cannot read, fails the load, and the reload replays from the log start', async () => {
    const { host, snapshots, metrics, sink } = setup();
    snapshots.offset = 7n;
    snapshots.seats.set('gala/A1', '{"f":99}');
    await expect(host().load(3n, 9n, LOG)).rejects.toMatchObject({ code: 'HF_RECORD_INVALID' });
    expect(snapshots.offset).toBeUndefined();
    expect(snapshots.seats.size).toBe(0);
    const discarded = await metrics.snapshotsDiscarded.get();
    expect(discarded.values.find((v) => v.labels.reason === 'unreadable')?.value).toBe(1);

    const reloaded = host();
    expect(await reloaded.load(3n, 9n, LOG)).toBe(3n);
    await reloaded.processBatch(records(3n, [hold('A1', 'ann')]));
    expect(sink.events().map((e) => e.type)).toEqual(['seat.held']);
  });

  it('skips re-delivered records and refuses a batch that does not start at its next offset', async () => {
    const { host, sink } = setup();
    const h = host();
    await h.load(0n, 0n, LOG);
    await h.processBatch(records(0n, [hold('A1', 'ann')]));
    expect(await h.processBatch(records(0n, [hold('A1', 'ann'), hold('A2', 'ann')]))).toEqual({
      commitOffset: 2n,
    });
    expect(await h.processBatch(records(5n, [hold('A3', 'ann')]))).toEqual({
      commitOffset: undefined,
    });
    expect(sink.events().map((e) => e.seatId)).toEqual(['A1', 'A2']);
  });

  it('produces a hold expiry through the injected scheduler when the hold is due', async () => {
    const { host, sink, scheduler } = setup();
    const h = host();
    await h.load(0n, 0n, LOG);
    await h.processBatch(records(0n, [hold('A1', 'ann')]));
    expect(scheduler.tasks).toHaveLength(1);
    scheduler.advance(gala.holdTtlMs - 1);
    expect(sink.commands()).toEqual([]);
    scheduler.advance(1);
    await h.stop();
    expect(sink.commands().map((c) => [c.type, c.seatId])).toEqual([['seat.holdExpiry', 'A1']]);
  });

  it('arms no hold timer while replaying history, and drops it when stopped', async () => {
    const { host, scheduler } = setup();
    const h = host();
    await h.load(0n, 5n, LOG);
    await h.processBatch(records(0n, [hold('A1', 'ann')]));
    expect(scheduler.tasks).toEqual([]);
    await h.processBatch(
      records(1n, [hold('A2', 'ann'), hold('A3', 'ann'), hold('A4', 'ann'), hold('A5', 'ann')]),
    );
    expect(scheduler.tasks).toHaveLength(1);
    await h.stop();
    expect(scheduler.tasks).toEqual([]);
  });
});

describe('PartitionHost: effects produced once', () => {
  function lostSnapshot(snapshots: MemorySnapshots): void {
    snapshots.offset = undefined;
    snapshots.seats.clear();
  }

  it('replays a partition whose snapshot was lost without producing the events on the log again', async () => {
    const { host, sink, snapshots, metrics } = setup();
    const first = host();
    await first.load(0n, 2n, LOG);
    const history = [hold('A1', 'ann'), hold('A1', 'bob')];
    await first.processBatch(records(0n, history));
    lostSnapshot(snapshots);

    const reloaded = host();
    expect(await reloaded.load(0n, 4n, LOG)).toBe(0n);
    const later = [hold('A1', 'carl'), hold('A2', 'carl')];
    await expect(reloaded.processBatch(records(0n, [...history, ...later]))).resolves.toEqual({
      commitOffset: 4n,
    });
    expect(sink.events().map((e) => [e.eventId, e.type])).toEqual([
      ['0-0-0', 'seat.held'],
      ['0-1-0', 'seat.rejected'],
      ['0-2-0', 'seat.rejected'],
      ['0-3-0', 'seat.held'],
    ]);
    expect((await metrics.eventsAlreadyInLog.get()).values[0]?.value).toBe(2);
  });

  it('produces the rest of a command whose events were cut in two by a failed produce', async () => {
    const { host, sink, fenced } = setup();
    const first = host();
    await first.load(0n, 2n, LOG);
    // Bob's hold comes after Ann's expired: a release (index 0) and a hold (index 1).
    const batch = [
      ...records(0n, [hold('A1', 'ann')]),
      ...records(1n, [hold('A1', 'bob')], T0 + gala.holdTtlMs),
    ];
    sink.appendThenFail = 2;
    await first.processBatch(batch);
    expect(fenced).toEqual([0]);
    expect(sink.events().map((e) => e.eventId)).toEqual(['0-0-0', '0-1-0']);

    const reloaded = host();
    await reloaded.load(0n, 2n, LOG);
    await expect(reloaded.processBatch(batch)).resolves.toEqual({ commitOffset: 2n });
    expect(sink.events().map((e) => [e.eventId, e.type])).toEqual([
      ['0-0-0', 'seat.held'],
      ['0-1-0', 'seat.released'],
      ['0-1-1', 'seat.held'],
    ]);
  });

  it('sends dead letters before the events, and a replay sends neither again', async () => {
    const { host, sink, snapshots } = setup();
    const first = host();
    await first.load(0n, 2n, LOG);
    const poison: ConsumedRecord = {
      offset: 0n,
      timestamp: T0,
      key: Buffer.from('gala/A1'),
      value: Buffer.from('not json'),
      headers: {},
    };
    const batch = [poison, ...records(1n, [hold('A1', 'ann')])];
    await first.processBatch(batch);
    expect(sink.sent.map((r) => r.topic)).toEqual([topics.deadLetters, topics.events]);
    lostSnapshot(snapshots);

    const reloaded = host();
    await reloaded.load(0n, 2n, LOG);
    await expect(reloaded.processBatch(batch)).resolves.toEqual({ commitOffset: 2n });
    expect(sink.sent.map((r) => r.topic)).toEqual([topics.deadLetters, topics.events]);
  });

  it('does not trust events that name commands of another log', async () => {
    const { host, sink, snapshots } = setup();
    const first = host();
    await first.load(0n, 1n, LOG);
    await first.processBatch(records(0n, [hold('A1', 'ann')]));
    lostSnapshot(snapshots);
    // `seat-commands` was made again after that event: its first record is later.
    const remade = host();
    await remade.load(0n, 1n, { generation: 0, fingerprint: `cluster|${T0 + 1}` });
    await remade.processBatch(records(0n, [hold('A1', 'ann')], T0 + 1));
    expect(sink.events().map((e) => e.eventId)).toEqual(['0-0-0', '0-0-0']);
  });

  it('says so loudly when the replay does not decide the latest event on the log again', async () => {
    const { snapshots, sink, shows, metrics, scheduler } = setup();
    const lines: string[] = [];
    const host = new PartitionHost({
      partition: 0,
      topics,
      core: new PartitionActors({ clock: { now: scheduler.now } }),
      snapshots,
      sink,
      // The log claims the command at offset 0 had a second event: this replay decides one.
      emitted: { of: async () => ({ offset: 0n, index: 1, occurredAt: T0 }) },
      shows,
      metrics,
      logger: pino({ level: 'error' }, { write: (line: string) => void lines.push(line) }),
      onFenced: () => {},
      scheduler,
    });
    await host.load(0n, 1n, LOG);
    await host.processBatch(records(0n, [hold('A1', 'ann')]));
    expect(lines.join('')).toContain('the replay did not decide the latest event found');
  });
});
