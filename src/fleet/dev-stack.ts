/**
 * The whole stack on one machine (`holdfast dev`, `npm start`): the infrastructure (reused
 * if up), the topics, a demo show, two workers and two gateways as separate processes.
 * `stop()` ends every process it started (gateways first, so no client waits on a worker
 * that is gone), and the infrastructure too when it was not already running.
 */

import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ShowDefinition } from '../contract/shows.ts';
import { ensureTopics } from '../kafka/admin.ts';
import { createKafka } from '../kafka/client.ts';
import { ShowCatalog } from '../kafka/show-catalog.ts';
import { publishShow } from '../kafka/show-publisher.ts';
import { topicNames, topicSpecs } from '../kafka/topics.ts';
import type { Logger } from '../observability/logger.ts';
import { type FleetMember, type MemberKind, spawnMember, stopMember, waitReady } from './fleet.ts';

export interface DevStackOptions {
  kafkaBrokers: string;
  redisUrl: string;
  jwtSecret: string;
  /** First gateway port; the second gateway takes the next one. */
  gatewayPort: number;
  /** First worker metrics port; the second worker takes the next one. */
  metricsPort: number;
  partitions: number;
  demoShow: ShowDefinition;
  /** Where each process's JSON logs are written, one file per process. */
  logDir: string;
  /** Environment passed through to the processes (PATH, HOLDFAST_* tuning). */
  baseEnv: Readonly<Record<string, string | undefined>>;
  logger: Logger;
  progress: (line: string) => void;
}

export interface DevStack {
  readonly gateways: readonly FleetMember[];
  readonly workers: readonly FleetMember[];
  readonly demoShow: ShowDefinition;
  stop(): Promise<void>;
}

export async function startDevStack(options: DevStackOptions): Promise<DevStack> {
  const { progress } = options;
  const kafka = createKafka({
    brokers: options.kafkaBrokers.split(','),
    clientId: 'holdfast-dev',
    logger: options.logger,
  });
  const topics = topicNames(options.baseEnv.HOLDFAST_KAFKA_PREFIX ?? '');
  progress('creating topics (if missing)');
  await ensureTopics(kafka, topicSpecs(topics, options.partitions));
  const catalog = await ShowCatalog.start({
    kafka,
    topic: topics.shows,
    groupPrefix: '',
    logger: options.logger,
  });
  try {
    if (catalog.get(options.demoShow.showId)) {
      progress(`demo show "${options.demoShow.showId}" exists already`);
    } else {
      await publishShow(kafka, topics.shows, catalog, options.demoShow);
      progress(
        `created the demo show "${options.demoShow.showId}" (${options.demoShow.rows} rows × ${options.demoShow.seatsPerRow} seats)`,
      );
    }
  } finally {
    await catalog.stop();
  }

  await mkdir(options.logDir, { recursive: true });
  const env = {
    ...options.baseEnv,
    KAFKA_BROKERS: options.kafkaBrokers,
    REDIS_URL: options.redisUrl,
    HOLDFAST_JWT_SECRET: options.jwtSecret,
    HOLDFAST_PARTITIONS: String(options.partitions),
  };
  const logs: WriteStream[] = [];
  const start = (kind: MemberKind, index: number, port: number) => {
    const name = `${kind}-${index + 1}`;
    const log = createWriteStream(join(options.logDir, `${name}.log`), { flags: 'a' });
    logs.push(log);
    return spawnMember({
      name,
      kind,
      port,
      env: { ...env, HOLDFAST_WORKER_ID: name, HOLDFAST_GATEWAY_ID: name },
      output: (line) => log.write(`${line}\n`),
    });
  };
  const workers = [0, 1].map((i) => start('worker', i, options.metricsPort + i));
  const gateways = [0, 1].map((i) => start('gateway', i, options.gatewayPort + i));
  const members = [...workers, ...gateways];
  const stop = async () => {
    await Promise.all(gateways.map((member) => stopMember(member)));
    await Promise.all(workers.map((member) => stopMember(member)));
    for (const log of logs) log.end();
  };
  try {
    progress(`starting 2 workers and 2 gateways (logs in ${options.logDir})`);
    await Promise.all(members.map((member) => waitReady(member, 120_000)));
  } catch (error) {
    await stop();
    throw error;
  }
  return { gateways, workers, demoShow: options.demoShow, stop };
}
