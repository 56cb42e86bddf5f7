/**
 * The one error module. Business refusals are values (see `refusals.ts`), never exceptions:
 * only infrastructure and usage faults are thrown, always as a `HoldfastError` with a code
 * from this closed list.
 */
export const ERROR_CODES = {
  /** The environment or options are invalid (every problem listed at once). */
  CONFIG_INVALID: 'HF_CONFIG_INVALID',
  /** A tool local infrastructure needs (Java, Maven, redis-server, Docker) is missing. */
  INFRA_MISSING_TOOL: 'HF_INFRA_MISSING_TOOL',
  /** The gateway's page bundle is missing: run `npm run build`. */
  WEB_BUNDLE_MISSING: 'HF_WEB_BUNDLE_MISSING',
  /** The page bundle was built from other sources than these: run `npm run build`. */
  WEB_BUNDLE_STALE: 'HF_WEB_BUNDLE_STALE',
  /**
   * The installed kafkajs lacks this project's patch (`patches/`): its group joins report no
   * group generation, which snapshot claims need. Run `npm ci` (it applies the patch).
   */
  KAFKAJS_UNPATCHED: 'HF_KAFKAJS_UNPATCHED',
  /** A process or container could not be started. */
  INFRA_START_FAILED: 'HF_INFRA_START_FAILED',
  /**
   * Kafka or Redis refused this process's login, or TLS to it failed: the message names the
   * setting to fix (retrying the same settings cannot help).
   */
  INFRA_AUTH_FAILED: 'HF_INFRA_AUTH_FAILED',
  /** Kafka, Redis or a topic did not become ready in time. */
  INFRA_NOT_READY: 'HF_INFRA_NOT_READY',
  /** An existing topic differs from what this deployment needs (partitions, configs). */
  TOPIC_MISMATCH: 'HF_TOPIC_MISMATCH',
  /**
   * A partition's snapshot claim was lost during a load: another owner claimed it, or a
   * newer group generation holds it.
   */
  SNAPSHOT_FENCED: 'HF_SNAPSHOT_FENCED',
  /** A stored record (such as a seat snapshot) cannot be read. */
  RECORD_INVALID: 'HF_RECORD_INVALID',
  /** A show with that id was already created. */
  SHOW_EXISTS: 'HF_SHOW_EXISTS',
  /** A show definition breaks the contract. */
  SHOW_INVALID: 'HF_SHOW_INVALID',
  /** A new show has more seats than `HOLDFAST_MAX_SHOW_SEATS` allows. */
  SHOW_TOO_LARGE: 'HF_SHOW_TOO_LARGE',
  /** A request (command line or options) that cannot work as given. */
  USAGE: 'HF_USAGE',
  /** An operation did not finish in its time bound. */
  TIMEOUT: 'HF_TIMEOUT',
  /**
   * A produce failed before any of its records could reach a broker (the producer was
   * stopped, or had no connection): they are certainly not on the log.
   */
  PRODUCE_NOT_SENT: 'HF_PRODUCE_NOT_SENT',
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

export interface HoldfastErrorOptions {
  cause?: unknown;
  /** True when the same call may succeed later without any change by the caller. */
  retriable?: boolean;
  /** Machine-readable context: names and numbers, never secrets. */
  context?: Record<string, unknown>;
}

export class HoldfastError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, options: HoldfastErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HoldfastError';
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.context = Object.freeze({ ...(options.context ?? {}) });
  }
}

export function isHoldfastError(value: unknown, code?: ErrorCode): value is HoldfastError {
  return value instanceof HoldfastError && (code === undefined || value.code === code);
}
