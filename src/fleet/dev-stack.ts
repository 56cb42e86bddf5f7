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
import { ShowCatalog } from '../kafka/show-catalog.ts';
import { publishShow } from '../kafka/show-publisher.ts';
import type { Logger } from '../observability/logger.ts';
import { Deployment } from './deployment.ts';
import type { FleetMember, MemberKind } from './fleet.ts';
export interface DevStackOptions {
  kafkaBrokers: string;
  redisUrl: string;
  jwtSecret: string;
  /** First gateway port; the second gateway takes the next one. */
  gatewayPort: number;
  /**
   * First metrics (admin) port: the workers take it and the next one, the gateways the two
   * after that.
   */
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
  progress('creating topics (if missing)');
  const deployment = await Deployment.start({
    kafkaBrokers: options.kafkaBrokers.split(','),
    redisUrl: options.redisUrl,
    partitions: options.partitions,
    baseEnv: options.baseEnv,
    settings: { HOLDFAST_JWT_SECRET: options.jwtSecret },
    clientId: 'holdfast-dev',
    logger: options.logger,
  });
  // The infrastructure may be shared with an earlier run: publish the demo show only once.
  const catalog = await ShowCatalog.start({
    kafka: deployment.kafka,
    topic: deployment.topics.shows,
    groupPrefix: '',
    logger: options.logger,
  });
  try {
    if (catalog.get(options.demoShow.showId)) {
      progress(`demo show "${options.demoShow.showId}" exists already`);
    } else {
      await publishShow(deployment.kafka, deployment.topics.shows, catalog, options.demoShow);
      progress(
        `created the demo show "${options.demoShow.showId}" (${options.demoShow.rows} rows × ${options.demoShow.seatsPerRow} seats)`,
      );
    }
  } finally {
    await catalog.stop();
  }

  await mkdir(options.logDir, { recursive: true });
  const logs: WriteStream[] = [];
  const start = (kind: MemberKind, index: number, port: number, adminPort?: number) => {
    const name = `${kind}-${index + 1}`;
    const log = createWriteStream(join(options.logDir, `${name}.log`), { flags: 'a' });
    logs.push(log);
    return deployment.spawn(kind, name, {
      port,
      adminPort,
      output: (line) => log.write(`${line}\n`),
    });
  };
  const workers = [0, 1].map((i) => start('worker', i, options.metricsPort + i));
  const gateways = [0, 1].map((i) =>
    start('gateway', i, options.gatewayPort + i, options.metricsPort + 2 + i),
  );
  const stop = async () => {
    await deployment.stop();
    for (const log of logs) log.end();
  };
  try {
    progress(`starting 2 workers and 2 gateways (logs in ${options.logDir})`);
    await deployment.waitReady(deployment.members);
  } catch (error) {
    await stop();
    throw error;
  }
  return { gateways, workers, demoShow: options.demoShow, stop };
}
