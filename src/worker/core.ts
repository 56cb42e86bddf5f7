/** Builds the pure seat actors of one partition with the worker's configured limits. */
import { PartitionActors } from '../actors/partition-actors.ts';
import type { WorkerConfig } from '../config/worker.ts';
import type { PartitionCore } from './host-ports.ts';

export function createPartitionCore(_partition: number, config: WorkerConfig): PartitionCore {
  return new PartitionActors({
    memory: { dedupeWindowMs: config.dedupeWindowMs },
    passivateAfterMs: config.actorIdleMs,
  });
}
