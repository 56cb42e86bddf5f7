/**
 * The nemesis: injects the scheduled faults one after another into the cluster, measures
 * each one's recovery with the probe (fault → every partition decided again), and on
 * `heal()` leaves the cluster whole (nothing frozen, Kafka and Redis up, the fleet at its
 * minimum size) so that the checker judges a system that has had its chance to recover.
 */
import type { FleetMember } from '../src/fleet/fleet.ts';
import { stopMember, waitReady } from '../src/fleet/fleet.ts';
import type { ChaosCluster, GatewayMember } from './cluster.ts';
import {
  BROKER_OUTAGE_MS,
  drawMs,
  type FaultKind,
  faultSchedule,
  KAFKA_RESTART_DOWN_MS,
  ROLLBACK_COPY_AGE_MS,
} from './faults.ts';
import type { RecoveryProbe } from './probe.ts';
import { RedisCopy } from './redis-copy.ts';
import type { Rng } from './rng.ts';

export interface FaultRecord {
  readonly kind: FaultKind;
  /** Epoch ms when the fault began. */
  readonly at: number;
  readonly detail: string;
  /**
   * Epoch ms recovery is measured from when that is not `at`: when the broker was back
   * (`kafka-restart`, `broker-outage`).
   */
  readonly recoveryFrom?: number;
  /** `recoveryFrom` (else `at`) → every partition decided again; undefined if not within the cap. */
  recoveryMs?: number;
  error?: string;
}

/** What an injection did, and when, where that is not simply "from its start". */
interface Injected {
  readonly detail: string;
  /** When the fault itself began, after its preparation (the copy of a rollback). */
  readonly began?: number;
  /** When recovery starts being measured (the broker back). */
  readonly recoveryFrom?: number;
}

export interface NemesisOptions {
  kinds: readonly FaultKind[];
  minWorkers: number;
  maxWorkers: number;
  /** Pause between a recovery and the next fault, drawn from [min, max] ms. */
  gapMs: readonly [number, number];
  /** Longest wait for a recovery before moving on (reported as not recovered). */
  recoveryCapMs: number;
  progress: (line: string) => void;
}

/**
 * After a fault's injection ends, how long its after-effects (a replacement joining, a
 * zombie rejoining) still count as part of it.
 */
const SETTLE_MS = 4000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function exitOf(member: FleetMember): Promise<void> {
  if (member.exited()) return Promise.resolve();
  return new Promise((resolve) => member.child.once('exit', () => resolve()));
}

/** How a member ended: a signal means it died before its own handlers were in place. */
function exitText(member: FleetMember): string {
  const { exitCode, signalCode } = member.child;
  return exitCode === null ? `killed by ${signalCode ?? 'a signal'}` : `exit ${exitCode}`;
}

export class Nemesis {
  readonly faults: FaultRecord[] = [];
  readonly #cluster: ChaosCluster;
  readonly #probe: RecoveryProbe;
  readonly #rng: Rng;
  readonly #options: NemesisOptions;
  readonly #frozen = new Set<FleetMember>();
  #stopped = false;

  constructor(cluster: ChaosCluster, probe: RecoveryProbe, rng: Rng, options: NemesisOptions) {
    this.#cluster = cluster;
    this.#probe = probe;
    this.#rng = rng;
    this.#options = options;
  }

  /** Injects faults until `until` (epoch ms) or `stop()`; one fault at a time. */
  async run(until: number): Promise<void> {
    const schedule = faultSchedule(this.#options.kinds, this.#rng);
    const [gapMin, gapMax] = this.#options.gapMs;
    await this.#pause(this.#rng.int(gapMin, gapMax), until);
    while (!this.#stopped && Date.now() < until) {
      const next = schedule.next();
      if (next.done) return;
      const record: {
        kind: FaultKind;
        at: number;
        detail: string;
        recoveryFrom?: number;
        recoveryMs?: number;
        error?: string;
      } = {
        kind: next.value,
        at: Date.now(),
        detail: '',
      };
      this.faults.push(record);
      try {
        const injected = await this.#inject(next.value);
        record.detail = injected.detail;
        if (injected.began !== undefined) record.at = injected.began;
        if (injected.recoveryFrom !== undefined) record.recoveryFrom = injected.recoveryFrom;
      } catch (error) {
        record.error = error instanceof Error ? error.message : String(error);
      }
      // The window of the fault's effects: its injection, then the rebalances it causes.
      const settled = Date.now() + SETTLE_MS;
      const recovered = await this.#probe.waitRecovered(
        record.recoveryFrom ?? record.at,
        settled,
        this.#options.recoveryCapMs,
      );
      if (recovered !== undefined) record.recoveryMs = recovered;
      this.#options.progress(
        `fault ${this.faults.length}: ${record.kind} ${record.detail}${record.error ? ` (error: ${record.error})` : ''} → recovered ${recovered === undefined ? 'NOT within cap' : `in ${(recovered / 1000).toFixed(1)} s`}`,
      );
      await this.#pause(this.#rng.int(gapMin, gapMax), until);
    }
  }

  stop(): void {
    this.#stopped = true;
  }

  async #pause(ms: number, until: number): Promise<void> {
    const end = Math.min(Date.now() + ms, until);
    while (!this.#stopped && Date.now() < end) await sleep(Math.min(250, end - Date.now()));
  }

  /** A new worker is ready once it owns partitions: the rebalance it caused is over. */
  async #ready(member: FleetMember): Promise<void> {
    await waitReady(member, this.#options.recoveryCapMs).catch(() => {});
  }

  async #inject(kind: FaultKind): Promise<Injected> {
    if (kind === 'kafka-restart' || kind === 'broker-outage') {
      return this.#brokerDown(
        drawMs(kind === 'broker-outage' ? BROKER_OUTAGE_MS : KAFKA_RESTART_DOWN_MS, this.#rng),
      );
    }
    if (kind === 'redis-rollback') return this.#redisRollback();
    return { detail: await this.#injectMember(kind) };
  }

  /** The broker SIGKILLed, down `downMs`, restarted on its data; recovery counts from then. */
  async #brokerDown(downMs: number): Promise<Injected> {
    const kafka = this.#cluster.localKafka();
    await kafka.kill();
    await sleep(downMs);
    await kafka.restart();
    return {
      detail: `broker SIGKILL, down ${downMs} ms, restarted on its data`,
      recoveryFrom: Date.now(),
    };
  }

  /**
   * A copy of Redis now; the run goes on for a seeded while (Redis moves ahead of the
   * copy); then Redis killed and started on the copy: behind, not empty.
   */
  async #redisRollback(): Promise<Injected> {
    const redis = this.#cluster.localRedis();
    const copy = await RedisCopy.take(redis);
    await sleep(drawMs(ROLLBACK_COPY_AGE_MS, this.#rng));
    const began = Date.now();
    const keys = await copy.restoreInto(redis);
    return {
      detail: `Redis restarted from a copy ${((began - copy.takenAt) / 1000).toFixed(1)} s old (${copy.keys} keys copied, ${keys} loaded)`,
      began,
    };
  }

  async #injectMember(
    kind: Exclude<FaultKind, 'kafka-restart' | 'broker-outage' | 'redis-rollback'>,
  ): Promise<string> {
    const cluster = this.#cluster;
    switch (kind) {
      case 'worker-kill': {
        const victim = this.#rng.pick(cluster.workers);
        victim.child.kill('SIGKILL');
        await exitOf(victim);
        const replacement = await cluster.addWorker();
        await this.#ready(replacement);
        return `${victim.name} SIGKILL, ${replacement.name} started`;
      }
      case 'worker-term': {
        const victim = this.#rng.pick(cluster.workers);
        await stopMember(victim, 30_000);
        const replacement = await cluster.addWorker();
        await this.#ready(replacement);
        return `${victim.name} SIGTERM (${exitText(victim)}), ${replacement.name} started`;
      }
      case 'scale-out': {
        if (cluster.workers.length >= this.#options.maxWorkers) return 'skipped: at the maximum';
        const added = await cluster.addWorker();
        await this.#ready(added);
        return `${added.name} started (${cluster.workers.length} workers)`;
      }
      case 'scale-in': {
        if (cluster.workers.length <= this.#options.minWorkers) return 'skipped: at the minimum';
        const victim = this.#rng.pick(cluster.workers);
        await stopMember(victim, 30_000);
        return `${victim.name} SIGTERM (${exitText(victim)}; ${cluster.workers.length} workers)`;
      }
      case 'worker-zombie': {
        const victim = this.#rng.pick(cluster.workers);
        const frozenMs = cluster.sessionTimeoutMs + 4000;
        victim.child.kill('SIGSTOP');
        this.#frozen.add(victim);
        await sleep(frozenMs);
        victim.child.kill('SIGCONT');
        this.#frozen.delete(victim);
        return `${victim.name} SIGSTOP for ${frozenMs} ms, then SIGCONT`;
      }
      case 'redis-restart':
        await cluster.localRedis().restart();
        return 'Redis restarted empty';
      case 'gateway-kill': {
        const victim: GatewayMember = this.#rng.pick(cluster.gateways);
        victim.member.child.kill('SIGKILL');
        await exitOf(victim.member);
        await sleep(this.#rng.int(500, 3000));
        await cluster.addGateway(victim.name, victim.port);
        await cluster.waitGatewayReady(victim);
        return `${victim.name} SIGKILL, restarted on the same port`;
      }
    }
  }

  /** Leaves the cluster whole: resumes frozen workers, restarts what is down, refills the fleet. */
  async heal(): Promise<void> {
    for (const member of this.#frozen) member.child.kill('SIGCONT');
    this.#frozen.clear();
    const cluster = this.#cluster;
    if (!(await cluster.localKafka().isRunning())) await cluster.localKafka().restart();
    if (!(await cluster.localRedis().isRunning())) await cluster.localRedis().restart();
    while (cluster.workers.length < this.#options.minWorkers) await cluster.addWorker();
    for (const gateway of cluster.gateways) {
      if (gateway.member.exited()) {
        await cluster.addGateway(gateway.name, gateway.port);
        await cluster.waitGatewayReady(gateway);
      }
    }
  }
}
