/** Configuration of `holdfast worker`, from the environment (see README, "Configuration"). */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ID_PATTERN } from '../contract/ids.ts';
import {
  type ConnectionConfig,
  type ConsumerConfig,
  connectionConfig,
  connectionShape,
  consumerConfig,
  consumerShape,
  type Env,
  intVar,
  memberShape,
  parseEnv,
} from './env.ts';

/** The variables the worker reads; `loadWorkerConfig` names them in camelCase. */
export const workerShape = {
  ...connectionShape,
  ...consumerShape,
  ...memberShape,
  /** How long a `commandId` is remembered, in log time, to answer repeats. */
  HOLDFAST_DEDUPE_WINDOW_MS: intVar(1000, 86_400_000).default(900_000),
  /** A seat's live actor folds back to its compact snapshot form after this idle time. */
  HOLDFAST_ACTOR_IDLE_MS: intVar(100, 86_400_000).default(60_000),
  /** Most partitions handled at once; more than the cores only adds switching. */
  HOLDFAST_PARTITION_CONCURRENCY: intVar(1, 1024).default(16),
  /** Instance id in logs and the Kafka client id. */
  HOLDFAST_WORKER_ID: z.string().regex(ID_PATTERN, 'must be 1–64 of [A-Za-z0-9_-]').optional(),
} as const;

/** What a worker runs with: read once, validated, frozen. */
export interface WorkerConfig extends ConnectionConfig, ConsumerConfig {
  /** Instance id in logs and the Kafka client id. @defaultValue `worker-` + 8 random hex digits */
  readonly workerId: string;
  /** How long a crashed worker's partitions wait before another worker takes them. @defaultValue 10000 */
  readonly sessionTimeoutMs: number;
  /** Most partitions handled at once (never more than `partitions`). @defaultValue 16 */
  readonly partitionConcurrency: number;
  /** Port of `/metrics`, `/healthz`, `/readyz`; 0 picks a free one. @defaultValue 9464 */
  readonly metricsPort: number;
  /** Address the probes listen on. @defaultValue `'127.0.0.1'` */
  readonly metricsHost: string;
  /** How long (log time) a `commandId` is remembered to answer repeats. @defaultValue 900000 */
  readonly dedupeWindowMs: number;
  /** Idle time after which a seat's live actor folds back to its snapshot form. @defaultValue 60000 */
  readonly actorIdleMs: number;
}

export function loadWorkerConfig(env: Env): WorkerConfig {
  const parsed = parseEnv(workerShape, env);
  return Object.freeze({
    workerId: parsed.HOLDFAST_WORKER_ID ?? `worker-${randomUUID().slice(0, 8)}`,
    sessionTimeoutMs: parsed.HOLDFAST_SESSION_TIMEOUT_MS,
    ...connectionConfig(parsed),
    ...consumerConfig(parsed),
    partitionConcurrency: parsed.HOLDFAST_PARTITION_CONCURRENCY,
    metricsPort: parsed.HOLDFAST_METRICS_PORT,
    metricsHost: parsed.HOLDFAST_METRICS_HOST,
    dedupeWindowMs: parsed.HOLDFAST_DEDUPE_WINDOW_MS,
    actorIdleMs: parsed.HOLDFAST_ACTOR_IDLE_MS,
  });
}
