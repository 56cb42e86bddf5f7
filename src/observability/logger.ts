/**
 * pino JSON logs. Components log through child loggers carrying `component` and, where
 * they apply, `partition` and `correlationId`; errors go under `err`.
 */
import { destination, type LevelWithSilent, type Logger, pino, stdSerializers } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level?: LevelWithSilent;
  /** Where JSON lines go: stdout by default; CLIs whose stdout is data pass stderr (fd 2). */
  destinationFd?: 1 | 2;
  name?: string;
}

/** pino's serialised error, with what ioredis and the cause chain may add. */
interface SerializedError {
  [key: string]: unknown;
  command?: { name?: unknown; args?: unknown };
  cause?: unknown;
}

/**
 * Errors as pino serialises them, minus the arguments of a failed Redis command: ioredis
 * attaches them to its errors, and those of `AUTH` are the user and password.
 */
export function serializeError(error: Error): SerializedError {
  const serialized = stdSerializers.err(error) as unknown as SerializedError;
  return withoutCommandArguments(serialized);
}

function withoutCommandArguments(serialized: SerializedError): SerializedError {
  const { command, cause } = serialized;
  if (command && typeof command === 'object' && 'args' in command) {
    serialized.command = { name: command.name, args: '(hidden)' };
  }
  if (cause && typeof cause === 'object') {
    serialized.cause = withoutCommandArguments(cause as SerializedError);
  }
  return serialized;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      name: options.name ?? 'holdfast',
      level: options.level ?? 'info',
      base: { pid: process.pid },
      serializers: { err: serializeError },
    },
    destination({ fd: options.destinationFd ?? 1, sync: false }),
  );
}
