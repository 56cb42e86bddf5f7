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

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      name: options.name ?? 'holdfast',
      level: options.level ?? 'info',
      base: { pid: process.pid },
      serializers: { err: stdSerializers.err },
    },
    destination({ fd: options.destinationFd ?? 1, sync: false }),
  );
}
