/**
 * `npm run bench -- actors`: the pure seat core on one core.
 *
 * - `decisionsPerSecond`: decide + evolve over a flash-sale-like log (many users racing for
 *   1,000 seats: holds, confirmations, releases, repeats, expiries), median of several runs
 *   after warm-up. Commands are JSON-parsed objects, as the worker's codec gives them. `handleCommandsPerSecond` is the same log through `PartitionActors`.
 * - `bytesPerIdleSeat`: heap growth after GC per seat for 1,000,000 reserved seats loaded
 *   from a snapshot, with no live actor and empty dedupe memory.
 *
 * Alone: `npx tsx benchmarks/actors.ts [--json]` (or `node --expose-gc --import tsx …`).
 * With `--json`, logs go to stderr and the last stdout line is one JSON object.
 */
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ManualClock } from '../src/actors/clock.ts';
import { decide } from '../src/actors/decide.ts';
import { evolve } from '../src/actors/evolve.ts';
import { holdExpiryCommand } from '../src/actors/hold-expiry.ts';
import { PartitionActors } from '../src/actors/partition-actors.ts';
import {
  DEFAULT_SEAT_MEMORY_LIMITS,
  INITIAL_SEAT_STATE,
  type SeatState,
} from '../src/actors/seat-state.ts';
import { encodeSeat } from '../src/actors/snapshot-codec.ts';
import { seatKey } from '../src/contract/ids.ts';
import type { SeatCommand } from '../src/contract/kafka-records.ts';
import { seatIdsOf } from '../src/contract/seat-layout.ts';
import type { ShowDefinition } from '../src/contract/shows.ts';
import { median } from './support/report.ts';
import type { Scenario, ScenarioReport } from './support/scenario.ts';

export interface ActorsBenchmarkOptions {
  /**
   * Commands in the decision log.
   * @defaultValue 300_000
   */
  readonly commands?: number;
  /**
   * Measured runs over the log (after two warm-up runs); the figure is their median.
   * @defaultValue 7
   */
  readonly runs?: number;
  /**
   * Reserved seats loaded for the memory figure.
   * @defaultValue 1_000_000
   */
  readonly idleSeats?: number;
  /** Progress lines for the operator. @defaultValue write to stderr */
  readonly progress?: (line: string) => void;
}

export interface ActorsBenchmarkResult {
  /** Median decide + evolve rate per second of CPU time (one core). */
  readonly decisionsPerSecond: number;
  /** The same runs per second of wall time (lower when other processes share the core). */
  readonly decisionsPerWallSecond: number;
  readonly decisionsPerSecondRuns: readonly number[];
  /** `PartitionActors.handle` per second of CPU time, snapshot encoding included. */
  readonly handleCommandsPerSecond: number;
  readonly bytesPerIdleSeat: number | null;
  readonly idleSeats: number;
  /** How GC was reached: `--expose-gc`, a V8 flag set at run time, or not at all. */
  readonly gc: 'expose-gc' | 'v8-flag' | 'unavailable';
}

const SALE_SHOW: ShowDefinition = {
  showId: 'bench-sale',
  rows: 25,
  seatsPerRow: 40,
  holdTtlMs: 60_000,
  createdAt: 0,
};
const USERS = 5_000;
const PARTITION = 3;

interface TimedCommand {
  readonly command: SeatCommand;
  readonly seat: number;
  readonly logTime: number;
}

/** A small deterministic PRNG (mulberry32), so every run decides the same log. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Builds a concrete log by deciding it once (holds name real holdIds): per command a
 * random seat; 50% holds, 20% confirmations (mostly by the holder), 10% releases, 12%
 * repeats of a recent command, 8% expiries of the current hold. One command per log ms.
 */
function saleLog(count: number): TimedCommand[] {
  const next = random(42);
  const seatIds = seatIdsOf(SALE_SHOW);
  const states: SeatState[] = seatIds.map(() => INITIAL_SEAT_STATE);
  const recent: TimedCommand[] = [];
  const log: TimedCommand[] = [];
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  for (let i = 0; i < count; i++) {
    const logTime = 1_700_000_000_000 + i;
    const seat = Math.floor(next() * seatIds.length);
    const state = states[seat] ?? INITIAL_SEAT_STATE;
    const roll = next();
    const user = `user-${Math.floor(next() * USERS)}`;
    const common = {
      commandId: `cmd-${i}`,
      correlationId: `corr-${i}`,
      replyTo: 'gateway-1',
      showId: SALE_SHOW.showId,
      seatId: seatIds[seat] ?? 'A1',
      sentAt: logTime,
    };
    const holder = state.status === 'held' && next() < 0.8 ? state.userId : user;
    const holdId = state.status === 'available' ? 'gone-hold' : state.holdId;
    let command: SeatCommand;
    if (roll < 0.5) command = { ...common, type: 'seat.holdRequest', userId: user };
    else if (roll < 0.7)
      command = { ...common, type: 'seat.confirmationRequest', userId: holder, holdId };
    else if (roll < 0.8)
      command = { ...common, type: 'seat.releaseRequest', userId: holder, holdId };
    else if (roll < 0.92 && recent.length > 0) {
      const original = pick(recent);
      command = { ...original.command, correlationId: `again-${i}` };
    } else if (state.status === 'held') {
      command = holdExpiryCommand(
        { showId: SALE_SHOW.showId, seatId: common.seatId, ...state },
        state.expiresAt,
      );
    } else command = { ...common, type: 'seat.holdRequest', userId: user };
    const entry = {
      command,
      seat: command === recent[0]?.command ? seat : seatIds.indexOf(command.seatId),
      logTime,
    };
    const decided = decide(states[entry.seat] ?? INITIAL_SEAT_STATE, command, {
      logTime,
      show: SALE_SHOW,
      eventIdBase: `${PARTITION}-${i}`,
      limits: DEFAULT_SEAT_MEMORY_LIMITS,
    });
    let after = states[entry.seat] ?? INITIAL_SEAT_STATE;
    for (const event of decided.events) {
      after = evolve(after, event, DEFAULT_SEAT_MEMORY_LIMITS, entry.command.type);
    }
    states[entry.seat] = after;
    // The worker decides commands as its codec parses them from the record value: objects
    // of one shape per command type. Spread-built objects have many more hidden classes, and
    // measured decide 2x slower through megamorphic property loads that the worker never sees.
    log.push({ ...entry, command: JSON.parse(JSON.stringify(command)) as SeatCommand });
    if (command.type !== 'seat.holdExpiry') {
      recent.push(entry);
      if (recent.length > 1_000) recent.shift();
    }
  }
  return log;
}

interface Rate {
  /** Commands per second of this process's CPU time: steady on a shared, busy machine. */
  readonly perCpuSecond: number;
  /** Commands per second of wall time. */
  readonly perWallSecond: number;
}

/** Runs `work` over `count` commands and times it by the CPU and the wall clock. */
function rate(count: number, work: () => void): Rate {
  const cpuBefore = process.cpuUsage();
  const wallBefore = process.hrtime.bigint();
  work();
  const wallSeconds = Number(process.hrtime.bigint() - wallBefore) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return { perCpuSecond: count / cpuSeconds, perWallSecond: count / wallSeconds };
}

/** Decides and applies the whole log from empty seats. */
function decideLog(log: readonly TimedCommand[], seats: number): Rate {
  const states: SeatState[] = new Array(seats).fill(INITIAL_SEAT_STATE);
  return rate(log.length, () => {
    for (let i = 0; i < log.length; i++) {
      const { command, seat, logTime } = log[i] as TimedCommand;
      let state = states[seat] as SeatState;
      const decided = decide(state, command, {
        logTime,
        show: SALE_SHOW,
        eventIdBase: `${PARTITION}-${i}`,
        limits: DEFAULT_SEAT_MEMORY_LIMITS,
      });
      for (const event of decided.events) {
        state = evolve(state, event, DEFAULT_SEAT_MEMORY_LIMITS, command.type);
      }
      states[seat] = state;
    }
  });
}

/** The same log through the partition runtime, taking the changes every 500 commands. */
function handleLog(log: readonly TimedCommand[]): Rate {
  const actors = new PartitionActors({ clock: new ManualClock(0) });
  return rate(log.length, () => {
    for (let i = 0; i < log.length; i++) {
      const { command, logTime } = log[i] as TimedCommand;
      actors.handle(command, { partition: PARTITION, offset: String(i), logTime }, SALE_SHOW);
      if (i % 500 === 499) actors.takeChanges();
    }
  });
}

type Gc = { collect: () => void; how: ActorsBenchmarkResult['gc'] };

/** `global.gc` when node ran with --expose-gc, else the V8 flag set now, else nothing. */
function findGc(): Gc | undefined {
  if (typeof globalThis.gc === 'function') {
    const exposed = globalThis.gc;
    return { collect: () => void exposed(), how: 'expose-gc' };
  }
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    if (typeof gc === 'function') return { collect: () => void gc(), how: 'v8-flag' };
  } catch {
    // Fall through: the figure is reported as unavailable.
  }
  return undefined;
}

function settledHeap(gc: Gc): number {
  for (let i = 0; i < 3; i++) gc.collect();
  return process.memoryUsage().heapUsed;
}

/** Reserved seats in snapshot form, keys and records as flat strings (as Redis gives them). */
function* reservedSnapshot(count: number): Generator<[string, string]> {
  const rows = 500;
  const show: ShowDefinition = {
    ...SALE_SHOW,
    showId: 'bench-idle-show',
    rows,
    seatsPerRow: Math.ceil(count / rows),
  };
  let n = 0;
  for (const seatId of seatIdsOf(show)) {
    if (n === count) return;
    const record = encodeSeat({
      status: 'reserved',
      version: 2,
      holdId: `${PARTITION}-${1_000_000 + 2 * n}-0`,
      userId: `user-${100_000 + (n % 900_000)}`,
      reservedAt: 1_700_000_000_000 + n,
      reservedEventId: `${PARTITION}-${1_000_001 + 2 * n}-0`,
      memory: INITIAL_SEAT_STATE.memory,
    });
    n++;
    yield [Buffer.from(seatKey(show.showId, seatId)).toString(), record];
  }
}

function measureIdleSeats(count: number, gc: Gc | undefined): number | null {
  if (gc === undefined) return null;
  const actors = new PartitionActors({ clock: new ManualClock(0) });
  const before = settledHeap(gc);
  actors.loadSnapshot(reservedSnapshot(count));
  const after = settledHeap(gc);
  if (actors.stats().idleSeats !== count || actors.liveActorCount !== 0) {
    throw new Error(`expected ${count} idle seats, got ${JSON.stringify(actors.stats())}`);
  }
  return (after - before) / count;
}

export async function runActorsBenchmark(
  options: ActorsBenchmarkOptions = {},
): Promise<ActorsBenchmarkResult> {
  const progress = options.progress ?? ((line: string) => process.stderr.write(`${line}\n`));
  const commands = options.commands ?? 300_000;
  const runs = options.runs ?? 7;
  const idleSeats = options.idleSeats ?? 1_000_000;
  const seats = SALE_SHOW.rows * SALE_SHOW.seatsPerRow;

  progress(`actors: building a ${commands}-command sale log over ${seats} seats`);
  const log = saleLog(commands);
  for (let i = 0; i < 2; i++) decideLog(log, seats);
  const measured: Rate[] = [];
  for (let i = 0; i < runs; i++) {
    const run = decideLog(log, seats);
    measured.push(run);
    progress(
      `actors: decide/evolve run ${i + 1}/${runs}: ${Math.round(run.perCpuSecond)} decisions per CPU second, ${Math.round(run.perWallSecond)} per wall second`,
    );
  }
  handleLog(log);
  const handled = median(
    [handleLog(log), handleLog(log), handleLog(log)].map((r) => r.perCpuSecond),
  );
  progress(`actors: PartitionActors.handle: ${Math.round(handled)} commands per CPU second`);

  const gc = findGc();
  if (gc === undefined) {
    progress('actors: gc is unavailable (run node with --expose-gc): no memory figure');
  }
  const bytes = measureIdleSeats(idleSeats, gc);
  if (bytes !== null) {
    progress(
      `actors: ${idleSeats} idle reserved seats: ${bytes.toFixed(1)} bytes/seat (gc: ${gc?.how})`,
    );
  }

  return {
    decisionsPerSecond: Math.round(median(measured.map((r) => r.perCpuSecond))),
    decisionsPerWallSecond: Math.round(median(measured.map((r) => r.perWallSecond))),
    decisionsPerSecondRuns: measured.map((r) => Math.round(r.perCpuSecond)),
    handleCommandsPerSecond: Math.round(handled),
    bytesPerIdleSeat: bytes === null ? null : Math.round(bytes * 10) / 10,
    idleSeats,
    gc: gc?.how ?? 'unavailable',
  };
}

/** The scenario as the bench runner drives it. */
export const actorsScenario: Scenario = {
  name: 'actors',
  description: 'pure decide/evolve throughput on one core and heap bytes per idle seat',
  async run({ progress }): Promise<ScenarioReport> {
    const result = await runActorsBenchmark({ progress });
    return {
      figures: {
        decisionsPerSecond: result.decisionsPerSecond,
        handleCommandsPerSecond: result.handleCommandsPerSecond,
        decisionsPerWallSecond: result.decisionsPerWallSecond,
        bytesPerIdleSeat: result.bytesPerIdleSeat,
        idleSeats: result.idleSeats,
        gc: result.gc,
      },
      table: [
        ['figure', 'value', 'aim'],
        [
          'decide/evolve decisions per CPU second (median)',
          String(result.decisionsPerSecond),
          '≥ 1,000,000',
        ],
        [
          'decide/evolve decisions per wall second (median)',
          String(result.decisionsPerWallSecond),
          '—',
        ],
        [
          'PartitionActors.handle commands per CPU second',
          String(result.handleCommandsPerSecond),
          '—',
        ],
        ['heap bytes per idle reserved seat', String(result.bytesPerIdleSeat ?? 'n/a'), '≤ 300'],
      ],
      notes: [
        `One core; a ${'sale'} log of holds, confirmations, releases, repeats and expiries over 1,000 seats and ${USERS} users.`,
        `Memory: ${result.idleSeats} reserved seats loaded from snapshot records, no live actor, empty dedupe memory; gc: ${result.gc}.`,
      ],
    };
  },
};

const runAlone =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (runAlone) {
  const json = process.argv.includes('--json');
  const result = await runActorsBenchmark();
  if (json) process.stdout.write(`${JSON.stringify({ scenario: 'actors', ...result })}\n`);
  else process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
