/** The actors core: pure seat decisions and the per-partition actor runtime. */
export { type Clock, ManualClock, systemClock } from './clock.ts';
export { type DecideContext, type Decided, decide, type EarlyExpiry } from './decide.ts';
export { decisionOf } from './decision.ts';
export { evolve } from './evolve.ts';
export { type HoldDeadline, holdExpiryCommand } from './hold-expiry.ts';
export {
  PartitionActors,
  type PartitionActorsOptions,
  type PartitionActorsStats,
  type RecordPosition,
} from './partition-actors.ts';
export * from './seat-state.ts';
export { decodeSeat, encodeSeat, SNAPSHOT_FORMAT } from './snapshot-codec.ts';
export { type TimerEntry, TimerHeap } from './timer-heap.ts';
