/**
 * An in-memory `seat-commands` log for one partition: client records are appended and
 * decided at once; every command an actor emits is queued on its channel (sender key →
 * receiver key, FIFO like one producer's records to one partition) and appended when
 * delivered. Delivery can interleave channels, and duplicate a record (the copy comes
 * after the original, as a producer retry or a replay past its marker would).
 */
import {
  PartitionActorSystem,
  type PartitionActorSystemOptions,
  type SystemDecision,
} from '../../../src/actors/partition-system.ts';
import {
  type BuyerDecided,
  commandKey,
  type LogCommand,
  LogCommandSchema,
  LogEventSchema,
} from '../../../src/contract/buyer-records.ts';
import type { ShowDefinition } from '../../../src/contract/shows.ts';
import { T0 } from './fixtures.ts';

export interface LogEntry {
  readonly command: LogCommand;
  readonly logTime: number;
}

export class LogHarness {
  system: PartitionActorSystem;
  logTime = T0;
  readonly log: LogEntry[] = [];
  readonly outputs: SystemDecision[] = [];
  /** Channel → queued commands, oldest first; channels in the order they were opened. */
  private readonly channels = new Map<string, LogCommand[]>();

  constructor(
    readonly show: ShowDefinition,
    private readonly options: PartitionActorSystemOptions = {},
    /** Check every record against its schema (slower; the property tests sample it). */
    private readonly validate = true,
  ) {
    this.system = new PartitionActorSystem(options);
  }

  /** Appends a client (or operator, or timer) record now, and decides it. */
  send(command: LogCommand): SystemDecision {
    return this.append(command);
  }

  /** How many emitted commands wait for delivery. */
  get pending(): number {
    let total = 0;
    for (const queue of this.channels.values()) total += queue.length;
    return total;
  }

  /**
   * Delivers the head of the `pick`-th non-empty channel (mod their count); with
   * `duplicate`, a copy goes to the back of the same channel.
   */
  deliver(pick = 0, duplicate = false): SystemDecision | undefined {
    const open = [...this.channels.entries()].filter(([, queue]) => queue.length > 0);
    if (open.length === 0) return undefined;
    const [, queue] = open[pick % open.length] as [string, LogCommand[]];
    const next = queue.shift() as LogCommand;
    if (duplicate) queue.push(next);
    return this.append(next);
  }

  /** Delivers everything (and whatever that emits), in FIFO order of channels. */
  drain(limit = 10_000): void {
    for (let i = 0; i < limit; i++) if (this.deliver() === undefined) return;
    throw new Error('the log did not settle');
  }

  /** Every `buyer.decided` emitted so far for a commandId, in log order. */
  decisionsOf(commandId: string): BuyerDecided[] {
    return this.outputs
      .flatMap((output) => output.events)
      .filter(
        (event): event is BuyerDecided =>
          event.type === 'buyer.decided' && event.commandId === commandId,
      );
  }

  /** The seats a user holds or owns, by the seats' own state. */
  heldBy(userId: string, seatIds: readonly string[]): string[] {
    return seatIds.filter((seatId) => {
      const seat = this.system.seat(this.show.showId, seatId);
      return seat.status !== 'available' && seat.userId === userId;
    });
  }

  /** Decides the same log again with a fresh system (optionally from a snapshot taken at `at`). */
  replay(at?: number): SystemDecision[] {
    let fresh = new PartitionActorSystem(this.options);
    const decided: SystemDecision[] = [];
    this.log.forEach((entry, offset) => {
      if (offset === at) {
        // Every record changed so far, through the codecs: a worker restarting from it.
        const snapshot = [...fresh.takeChanges()];
        fresh = new PartitionActorSystem(this.options);
        fresh.loadSnapshot(snapshot);
      }
      decided.push(fresh.handle(entry.command, position(offset, entry.logTime), this.show));
    });
    return decided;
  }

  private append(command: LogCommand): SystemDecision {
    const offset = this.log.length;
    this.logTime += 1;
    if (this.validate) LogCommandSchema.parse(command);
    this.log.push({ command, logTime: this.logTime });
    const decided = this.system.handle(command, position(offset, this.logTime), this.show);
    this.outputs.push(decided);
    if (this.validate) for (const event of decided.events) LogEventSchema.parse(event);
    const from = commandKey(command);
    for (const emitted of decided.commands) {
      if (this.validate) LogCommandSchema.parse(emitted);
      const channel = `${from}->${commandKey(emitted)}`;
      let queue = this.channels.get(channel);
      if (queue === undefined) {
        queue = [];
        this.channels.set(channel, queue);
      }
      queue.push(emitted);
    }
    return decided;
  }
}

function position(offset: number, logTime: number) {
  return { partition: 0, offset: String(offset), logTime };
}
