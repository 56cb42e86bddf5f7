/** Builds the pure seat actors of one partition with the worker's configured limits. */
import { PartitionActors } from '../actors/partition-actors.ts';
import type { WorkerEnvConfig } from '../config/worker.ts';
import type { PartitionCore } from './partition-host.ts';

export function createPartitionCore(_partition: number, config: WorkerEnvConfig): PartitionCore {
  return new PartitionActors({
    memory: { dedupeWindowMs: config.HOLDFAST_DEDUPE_WINDOW_MS },
    passivateAfterMs: config.HOLDFAST_ACTOR_IDLE_MS,
  });
}
