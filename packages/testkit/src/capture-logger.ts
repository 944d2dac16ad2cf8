import type { LogFn, Logger } from '@tapline/core';

/** One line a plugin logged, as a capturing logger recorded it. */
export interface LogEntry {
  readonly level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  readonly msg: string | undefined;
  /** The object logged with the line, merged over the bindings of every `child()` on the way. */
  readonly fields: Readonly<Record<string, unknown>>;
}

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

/**
 * A pino-shaped logger that appends every line to `entries`, so a test can assert on what a
 * plugin logged (`entries.filter((e) => e.level === 'warn')`).
 */
export function createCaptureLogger(
  entries: LogEntry[] = [],
  bindings: Record<string, unknown> = {},
): Logger & { readonly entries: LogEntry[] } {
  const make =
    (level: LogEntry['level']): LogFn =>
    (first: object | string, second?: unknown) => {
      if (typeof first === 'string') {
        entries.push({ level, msg: first, fields: { ...bindings } });
      } else {
        const msg = typeof second === 'string' ? second : undefined;
        entries.push({ level, msg, fields: { ...bindings, ...first } });
      }
    };
  const logger = Object.fromEntries(LEVELS.map((level) => [level, make(level)])) as Record<
    LogEntry['level'],
    LogFn
  >;
  return {
    ...logger,
    entries,
    child: (more) => createCaptureLogger(entries, { ...bindings, ...more }),
  };
}
