import { TaplineError } from '@tapline/core';
import { pino, type Logger as PinoLogger } from 'pino';
import { LOG_LEVELS } from '../config/config-sections.js';
import { LogSink, type LogTarget } from './log-sink.js';

export interface AppLogger {
  readonly logger: PinoLogger;
  /**
   * Sends the log to `where` from now on, with what was logged before: called once the config
   * says where; until then lines are held. A second call changes nothing.
   */
  settle(where: LogTarget): void;
  /** Writes out everything logged so far; resolves when it is written. */
  flush(): Promise<void>;
  /** Writes out everything logged so far before returning: for a forced exit. */
  flushSync(): void;
  /** Opens a log file anew at its path (log rotation); nothing for stdout or stderr. */
  reopen(): void;
}

/**
 * The application's pino logger: JSON lines, or pino-pretty on a terminal. Both write from this
 * thread: pino transports use worker threads, and a worker ending beside open zeromq sockets
 * aborts the process.
 */
export function createAppLogger(options: {
  level: string;
  /** A stream or file descriptor that takes the log whatever the config says. */
  destination?: number | NodeJS.WritableStream;
}): AppLogger {
  checkLevel(options.level, 'log level');
  const sink = options.destination === undefined ? new LogSink() : LogSink.of(options.destination);
  const logger = pino({ level: options.level, base: { pid: process.pid } }, sink);
  return {
    logger,
    settle: (where) => sink.settle(where),
    // A log never settled (the config could not be read) goes where it always went: stdout.
    flush: () => (sink.settle('stdout'), sink.flush()),
    flushSync: () => (sink.settle('stdout'), sink.flushSync()),
    reopen: () => sink.reopen(),
  };
}

/** Throws a coded error unless `level` is one of pino's level names. */
export function checkLevel(level: string, where: string): void {
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new TaplineError(
      'TAPLINE_ERR_LOG_LEVEL',
      `Unknown ${where} "${level}". Use one of ${LOG_LEVELS.join(', ')}.`,
    );
  }
}

/** --log-level, then LOG_LEVEL, then the config's `log.level`, then `info`. */
export function resolveLogLevel(flag: string | undefined, env: NodeJS.ProcessEnv, config?: string): string {
  if (flag) return flag;
  if (env.LOG_LEVEL) return env.LOG_LEVEL;
  return config ?? 'info';
}
