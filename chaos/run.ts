/**
 * One chaos run, start to end: the cluster, the probe, the clients and the nemesis for
 * `durationS`; then heal, the bad-input pass, a quiet period for holds to expire and the
 * read model to catch up, the full logs, the checker and the report. The run's artefacts
 * (history, both logs, member logs, report) are saved when anything was violated.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { Env } from '../src/config/env.ts';
import { seatIdsOf } from '../src/contract/seat-layout.ts';
import type { ShowDefinition } from '../src/contract/shows.ts';
import { secretKey, signToken } from '../src/gateway/auth.ts';
import { withAdmin } from '../src/kafka/admin.ts';
import type { Logger } from '../src/observability/logger.ts';
import { RedisReadModel } from '../src/state/read-model-redis.ts';
import { createRedis } from '../src/state/redis.ts';
import { type BadInputResult, badInputViolations, runBadInputPass } from './bad-input.ts';
import { check } from './checker.ts';
import { ClientDriver, type Endpoint } from './clients.ts';
import { ChaosCluster } from './cluster.ts';
import type { FaultKind } from './faults.ts';
import { History } from './history.ts';
import { decodeCommands, decodeEvents, readTopic } from './log-reader.ts';
import { Nemesis } from './nemesis.ts';
import { RecoveryProbe } from './probe.ts';
import type { ShowReadModel } from './records.ts';
import { type ChaosReport, recoverySummary } from './report.ts';
import { Rng } from './rng.ts';

export interface ChaosOptions {
  durationS: number;
  seed: number;
  faults: readonly FaultKind[];
  holdTtlMs: number;
  /** How long past its expiry a hold may still end (the checker's stated bound). */
  holdEndBoundMs: number;
  clients: number;
  workers: number;
  gateways: number;
  partitions: number;
  sessionTimeoutMs: number;
  /** Pause between a fault's recovery and the next fault, drawn from [min, max] ms. */
  faultGapMs: readonly [number, number];
  badInput: boolean;
  /** Scale of the bad-input pass: messages per fuzzing socket. */
  badInputMessages: number;
  /** Where failing runs' artefacts go (a sub-directory per run). */
  outDir: string;
  /** Keep artefacts even when the run passes. */
  keep: boolean;
  env: Env;
  logger: Logger;
  progress: (line: string) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntil(
  what: string,
  capMs: number,
  condition: () => Promise<boolean>,
  progress: (line: string) => void,
): Promise<boolean> {
  const deadline = Date.now() + capMs;
  while (Date.now() < deadline) {
    try {
      if (await condition()) return true;
    } catch {
      // Redis or Kafka may still be coming back.
    }
    await sleep(500);
  }
  progress(`gave up waiting: ${what} (after ${capMs} ms)`);
  return false;
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const started = Date.now();
  const { progress } = options;
  const rng = new Rng(options.seed);
  const runDir = join(
    options.outDir,
    `${new Date(started).toISOString().replaceAll(':', '-').slice(0, 19)}-seed${options.seed}`,
  );
  await mkdir(runDir, { recursive: true });
  progress(
    `seed ${options.seed}; starting Kafka, Redis, ${options.workers} workers and ${options.gateways} gateways…`,
  );
  const cluster = await ChaosCluster.start({
    env: options.env,
    partitions: options.partitions,
    workers: options.workers,
    gateways: options.gateways,
    sessionTimeoutMs: options.sessionTimeoutMs,
    ackTimeoutMs: 5000,
    memberLogPath: join(runDir, 'members.log'),
    logger: options.logger,
    progress,
  });
  let redis: Redis | undefined;
  let passed = false;
  try {
    const show: ShowDefinition = {
      showId: `chaos-${options.seed}`,
      rows: 20,
      seatsPerRow: 50,
      holdTtlMs: options.holdTtlMs,
      createdAt: Date.now(),
    };
    const probeShow: ShowDefinition = {
      showId: `probe-${options.seed}`,
      rows: 1,
      seatsPerRow: Math.max(60, options.partitions * 12),
      holdTtlMs: options.holdTtlMs,
      createdAt: Date.now(),
    };
    const shows = [show, probeShow];
    await cluster.publishShows(shows);
    await cluster.startFleet();
    progress(
      `cluster ready (${((Date.now() - started) / 1000).toFixed(0)} s); probe, ${options.clients} clients and the nemesis for ${options.durationS} s`,
    );

    const probe = new RecoveryProbe(cluster, probeShow, 500);
    await probe.start();
    const history = new History();
    const key = secretKey(cluster.jwtSecret);
    const endpoints = (): Endpoint[] => cluster.gateways.map((g) => ({ name: g.name, url: g.url }));
    const seatIds = seatIdsOf(show);
    // The bad-input pass's normal client owns the last seat.
    const normalSeat = seatIds[seatIds.length - 1] ?? 'A1';
    const drivers: ClientDriver[] = [];
    for (let i = 0; i < options.clients; i++) {
      const userId = `user-${i + 1}`;
      drivers.push(
        new ClientDriver(
          userId,
          await signToken(userId, key, { ttlSeconds: 86_400 }),
          endpoints,
          history,
          rng.fork(),
          {
            showId: show.showId,
            seatIds: seatIds.slice(0, -1),
            poolSize: 6,
            holdTtlMs: options.holdTtlMs,
            ackTimeoutMs: 8000,
            maxAttempts: 4,
            reconnectChance: 0.02,
          },
        ),
      );
    }
    const nemesis = new Nemesis(cluster, probe, rng.fork(), {
      kinds: options.faults,
      minWorkers: options.workers,
      maxWorkers: Math.min(options.partitions, options.workers + 2),
      gapMs: options.faultGapMs,
      recoveryCapMs: 90_000,
      progress,
    });
    const chaosStart = Date.now();
    const until = chaosStart + options.durationS * 1000;
    const running = drivers.map((driver) => driver.run(until));
    await nemesis.run(until);
    for (const driver of drivers) driver.stop();
    await Promise.all(running);
    progress(
      `faults over after ${((Date.now() - chaosStart) / 1000).toFixed(0)} s; ${history.operations().length} operations; healing`,
    );
    await nemesis.heal();
    const healedAt = Date.now();
    const healed = await probe.waitRecovered(healedAt, healedAt + 2000, 120_000);
    progress(
      `healed: every partition deciding again in ${healed === undefined ? 'NOT within 120 s' : `${(healed / 1000).toFixed(1)} s`}`,
    );

    let badInput: BadInputResult | null = null;
    if (options.badInput) {
      progress('bad-input pass…');
      badInput = await runBadInputPass(rng.fork(), {
        endpoints: endpoints(),
        token: (userId) => signToken(userId, key),
        badTokens: async () => [
          undefined,
          '',
          'not-a-jwt',
          42,
          { token: 'x' },
          await signToken('mallory', secretKey(`another-secret-${'x'.repeat(32)}`)),
          await signToken('old', key, {
            issuedAtS: Math.floor(Date.now() / 1000) - 7200,
            ttlSeconds: 60,
          }),
          `${(await signToken('tampered', key)).slice(0, -3)}abc`,
        ],
        showId: show.showId,
        seatId: normalSeat,
        sockets: 6,
        messagesPerSocket: options.badInputMessages,
        floodMessages: Math.max(200, options.badInputMessages * 2),
        progress,
      });
      progress(
        `bad-input pass: ${badInput.messages} messages, ${badInputViolations(badInput)} problems`,
      );
    }

    // Quiet period: no new holds; every hold must end and the read model catch up.
    await probe.stop();
    redis = createRedis({ url: cluster.stack.redisUrl, name: 'chaos-checker' });
    const readModel = new RedisReadModel({
      redis,
      prefix: cluster.redisPrefix,
      eventsTopic: cluster.topics.events,
    });
    const partitions = Array.from({ length: options.partitions }, (_, p) => p);
    await waitUntil(
      'every hold ended (read model)',
      options.holdTtlMs + options.holdEndBoundMs + 10_000,
      async () => {
        for (const s of shows) if ((await readModel.readStats(s)).held > 0) return false;
        return true;
      },
      progress,
    );
    await waitUntil(
      'read model caught up with seat-events',
      60_000,
      async () => {
        const ends = await withAdmin(cluster.kafka, (admin) =>
          admin.fetchTopicOffsets(cluster.topics.events),
        );
        const applied = await readModel.offsets(partitions);
        if (!(await readModel.isComplete(partitions))) return false;
        return ends.every(
          ({ partition, high }) => (applied.get(partition) ?? -1n) >= BigInt(high) - 1n,
        );
      },
      progress,
    );
    const judgedUntil = Date.now();
    progress('reading the logs…');
    const commandRecords = await readTopic(
      cluster.kafka,
      cluster.topics.commands,
      cluster.kafkaPrefix,
      180_000,
    );
    const eventRecords = await readTopic(
      cluster.kafka,
      cluster.topics.events,
      cluster.kafkaPrefix,
      180_000,
    );
    const { commands, undecodable: badCommands } = decodeCommands(commandRecords);
    const { events, undecodable: badEvents } = decodeEvents(eventRecords);
    const models = new Map<string, ShowReadModel>();
    for (const s of shows) {
      const map = await readModel.readShow(s);
      models.set(s.showId, {
        seats: new Map(map.seats.map((seat) => [seat.seatId, seat])),
        counts: { held: map.stats.held, reserved: map.stats.reserved },
      });
    }
    progress(
      `checking ${history.operations().length} operations, ${commands.length} commands, ${events.length} events…`,
    );
    const result = check({
      shows,
      history: history.operations(),
      commands,
      events,
      readModel: models,
      holdEndBoundMs: options.holdEndBoundMs,
      judgedUntil,
      brokerDown: nemesis.faults.flatMap((fault) =>
        fault.recoveryFrom === undefined ? [] : [{ from: fault.at, to: fault.recoveryFrom }],
      ),
    });
    const faults: Partial<Record<FaultKind, number>> = {};
    for (const fault of nemesis.faults) faults[fault.kind] = (faults[fault.kind] ?? 0) + 1;
    const violations = { ...result.counts, badInput: badInput ? badInputViolations(badInput) : 0 };
    passed = Object.values(violations).every((n) => n === 0);
    const save = !passed || options.keep;
    const report: ChaosReport = {
      seed: options.seed,
      durationS: options.durationS,
      wallS: (Date.now() - started) / 1000,
      machine: `${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}`,
      operations: history.operations().length,
      outcomes: history.summary(),
      faults,
      faultLog: nemesis.faults,
      recovery: recoverySummary(nemesis.faults),
      violations,
      violationList: result.violations,
      figures: {
        ...result.figures,
        commands: commands.length,
        events: events.length,
        undecodable: { commands: badCommands, events: badEvents },
        probeSendFailures: probe.sendFailures,
        reconnects: drivers.reduce((sum, d) => sum + d.reconnects, 0),
        holdEndBoundMs: options.holdEndBoundMs,
      },
      badInput,
      savedTo: save ? runDir : null,
    };
    if (save) {
      const lines = (items: readonly unknown[]) =>
        `${items.map((item) => JSON.stringify(item)).join('\n')}\n`;
      await writeFile(join(runDir, 'history.jsonl'), lines(history.operations()));
      await writeFile(join(runDir, 'seat-events.jsonl'), lines(events));
      await writeFile(join(runDir, 'seat-commands.jsonl'), lines(commands));
      await writeFile(join(runDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
    }
    return report;
  } finally {
    redis?.disconnect();
    await cluster
      .stop()
      .catch((error: unknown) => progress(`stopping the cluster failed: ${String(error)}`));
    if (passed && !options.keep) await rm(runDir, { recursive: true, force: true });
  }
}
