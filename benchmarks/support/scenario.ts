/** What every benchmark scenario is: a named run that returns figures and a table. */
import type { Logger } from '../../src/observability/logger.ts';

export interface ScenarioOptions {
  /** Seconds of measured load, where the scenario has a duration. */
  durationS: number | undefined;
  /** Offered commands per second, where the scenario has a rate. */
  rate: number | undefined;
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
}

export interface Scenario {
  name: string;
  description: string;
  run(options: ScenarioOptions): Promise<ScenarioReport>;
}
