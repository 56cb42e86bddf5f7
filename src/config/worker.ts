/** Configuration of `holdfast worker`, from the environment (see README, "Configuration"). */
import { z } from 'zod';
import { connectionShape, consumerShape, type Env, intVar, parseEnv } from './env.ts';

export const workerShape = {
  ...connectionShape,
  ...consumerShape,
  /** A crashed member's partitions wait this long before another worker takes them. */
  HOLDFAST_SESSION_TIMEOUT_MS: intVar(3000, 300_000).default(10_000),
  /** Port of `/metrics`, `/healthz`, `/readyz`; 0 picks a free one. */
  HOLDFAST_METRICS_PORT: intVar(0, 65_535).default(9464),
  /** Address the probes listen on: loopback unless a deployment's probes come from outside. */
  HOLDFAST_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /** How long a `commandId` is remembered, in log time, to answer repeats. */
  HOLDFAST_DEDUPE_WINDOW_MS: intVar(1000, 86_400_000).default(900_000),
  /** A seat's live actor folds back to its compact snapshot form after this idle time. */
  HOLDFAST_ACTOR_IDLE_MS: intVar(100, 86_400_000).default(60_000),
  /** Instance id in logs and the Kafka client id. */
  HOLDFAST_WORKER_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
} as const;

export type WorkerEnvConfig = ReturnType<typeof loadWorkerConfig>;

export function loadWorkerConfig(env: Env) {
  return parseEnv(workerShape, env);
}
