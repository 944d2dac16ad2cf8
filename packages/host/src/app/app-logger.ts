import { TaplineError } from '@tapline/core';
import { pino, type Logger as PinoLogger } from 'pino';
import pretty from 'pino-pretty';
import { LOG_LEVELS } from '../config/config-sections.js';

export interface AppLogger {
  readonly logger: PinoLogger;
  /** Writes out everything logged so far; resolves when it is written. */
  flush(): Promise<void>;
  /** Writes out everything logged so far before returning: for a forced exit. */
  flushSync(): void;
}

/**
 * The application's pino logger: JSON lines, or pino-pretty when `pretty` (stdout is a
 * terminal). Both write from this thread: pino transports use worker threads, and a worker
 * ending beside open zeromq sockets aborts the process.
 */
export function createAppLogger(options: {
  level: string;
  pretty: boolean;
  /** Where JSON lines go: a file descriptor (default 1, stdout) or a stream. */
  destination?: number | NodeJS.WritableStream;
}): AppLogger {
  checkLevel(options.level, 'log level');
  const base = { level: options.level, base: { pid: process.pid } };
  if (options.pretty) {
    // Synchronous, so nothing is pending at exit.
    const stream = pretty({
      colorize: true,
      sync: true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname',
    });
    return { logger: pino(base, stream), flush: () => Promise.resolve(), flushSync: () => {} };
  }
  const dest = options.destination ?? 1;
  if (typeof dest !== 'number') {
    return { logger: pino(base, dest), flush: () => Promise.resolve(), flushSync: () => {} };
  }
  // Asynchronous while running (logging never waits on the pipe); flushed before exit, since
  // pino's buffered output is otherwise lost when the process ends.
  const boom = pino.destination({ dest, sync: false, minLength: 0 });
  const logger = pino(base, boom);
  return {
    logger,
    flush: () => new Promise<void>((resolve) => logger.flush(() => resolve())),
    flushSync: () => {
      try {
        boom.flushSync();
      } catch {
        // Nothing buffered, or a write in progress that will finish on its own.
      }
    },
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
