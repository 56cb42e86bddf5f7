/**
 * The worker's Prometheus metrics, on a registry of its own (tests run several workers in
 * one process). No seat or user ids as labels: their cardinality is unbounded.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export function createWorkerMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'holdfast_worker_' });
  return {
    registry,
    commands: new Counter({
      name: 'holdfast_worker_commands_total',
      help: 'Commands decided, by command type and outcome (event type or rejection reason).',
      labelNames: ['type', 'outcome'] as const,
      registers: [registry],
    }),
    decisionLatency: new Histogram({
      name: 'holdfast_worker_decision_latency_seconds',
      help: 'From a command being logged to its events being produced and its snapshot written.',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    batchSize: new Histogram({
      name: 'holdfast_worker_batch_records',
      help: 'Records per processed batch.',
      buckets: [1, 5, 10, 50, 100, 500, 1000, 5000],
      registers: [registry],
    }),
    liveActors: new Gauge({
      name: 'holdfast_worker_live_actors',
      help: 'Seat actors currently active (not passivated), over all owned partitions.',
      registers: [registry],
    }),
    ownedPartitions: new Gauge({
      name: 'holdfast_worker_owned_partitions',
      help: 'Partitions of seat-commands this worker owns and has loaded.',
      registers: [registry],
    }),
    rebalances: new Counter({
      name: 'holdfast_worker_rebalances_total',
      help: 'Consumer-group assignments received.',
      registers: [registry],
    }),
    fencedWrites: new Counter({
      name: 'holdfast_worker_fenced_writes_total',
      help: 'Snapshot writes refused because another owner claimed the partition (or Redis lost the claim).',
      registers: [registry],
    }),
    snapshotsDiscarded: new Counter({
      name: 'holdfast_worker_snapshots_discarded_total',
      help: 'Partition snapshots dropped on load (the partition replays from the start), by reason.',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    deadLetters: new Counter({
      name: 'holdfast_worker_dead_letters_total',
      help: 'Records sent to the DLQ because they could not be decoded or validated.',
      registers: [registry],
    }),
    eventsAlreadyInLog: new Counter({
      name: 'holdfast_worker_replayed_events_not_produced_total',
      help: 'Events a replay decided again but did not produce: they were on seat-events already.',
      registers: [registry],
    }),
    showRecordsIgnored: new Counter({
      name: 'holdfast_worker_show_records_ignored_total',
      help: 'Records of the shows topic not taken: a later definition of a show, a tombstone, or an invalid record.',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    expiriesScheduled: new Counter({
      name: 'holdfast_worker_hold_expiries_produced_total',
      help: 'seat.holdExpiry commands produced by the partition timers.',
      registers: [registry],
    }),
    consumerLag: new Gauge({
      name: 'holdfast_worker_consumer_lag',
      help: 'Records between the last applied offset and the partition end, per partition.',
      labelNames: ['partition'] as const,
      registers: [registry],
    }),
  };
}

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;
