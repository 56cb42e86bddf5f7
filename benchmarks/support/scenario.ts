/** What every benchmark scenario is: a named run that returns figures and a table. */
import type { Logger } from '../../src/observability/logger.ts';

export interface ScenarioOptions {
  /** Seconds of measured load, where the scenario has a duration. */
  durationS: number | undefined;
  /** Offered commands per second, where the scenario has a rate. */
  rate: number | undefined;
  /** Offered rates of a throughput ramp, where the scenario has one (scenario default otherwise). */
  rampRates?: number[] | undefined;
  /** Environment (KAFKA_BROKERS / REDIS_URL reuse a running stack). */
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
  /** One-line progress for an operator watching the run (stderr). */
  progress: (line: string) => void;
}

export interface ScenarioReport {
  /** Flat figures: the JSON line's fields. Names carry units (`p50Ms`, `commandsPerSecond`). */
  figures: Record<string, number | string | boolean | null>;
  /** Rows for the markdown table, first row the header. */
  table: string[][];
  /** Notes for the reader: what the figures mean, what limited them. */
  notes?: string[];
  /** Images saved beside the report as `<report>-<name>.svg` and linked from the markdown. */
  charts?: { name: string; svg: string }[];
  /** Anything else worth keeping in the JSON report (per-phase detail). */
  detail?: unknown;
}

export interface Scenario {
  name: string;
  description: string;
  run(options: ScenarioOptions): Promise<ScenarioReport>;
}
