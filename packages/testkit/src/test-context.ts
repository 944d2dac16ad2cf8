import { prometheus, type LateDeadLetter, type Logger, type PluginContext } from '@tapline/core';
import { silentLogger } from '@tapline/core/internal';
import { createCaptureLogger, type LogEntry } from './capture-logger.js';

/** What {@link createTestContext} accepts: any field of the context, plus how to log. */
export interface TestContextOptions extends Partial<PluginContext> {
  /** Record every log line in `logs` instead of discarding it (ignored when `logger` is given). */
  captureLogs?: boolean;
}

/** A full {@link @tapline/core#PluginContext}, plus handles a test needs on it. */
export interface TestContext extends PluginContext {
  /** The lines logged through `logger`, when `captureLogs` was set (empty otherwise). */
  readonly logs: LogEntry[];
  /** The late dead letters the plugin handed `lateDeadLetter` (unless `lateDeadLetter` was given). */
  readonly lateLetters: LateDeadLetter[];
  /** Aborts `signal`, as a host does when it begins to stop. */
  abort(reason?: unknown): void;
}

let nextStep = 1;

/**
 * A {@link @tapline/core#PluginContext} as the host would give `create`, without a host: a fresh Prometheus
 * registry (from core's prom-client, so metrics land where the host would look), a fresh
 * Monitor, the working directory as `configDir`, a signal the test can abort, and late dead
 * letters kept in `lateLetters`.
 */
export function createTestContext(overrides: TestContextOptions = {}): TestContext {
  const { captureLogs = false, ...fields } = overrides;
  const logs: LogEntry[] = [];
  const lateLetters: LateDeadLetter[] = [];
  const controller = new AbortController();
  const id = fields.id ?? `test-step-${nextStep++}`;
  const base: Logger = fields.logger ?? (captureLogs ? createCaptureLogger(logs) : silentLogger);
  return {
    id,
    plugin: fields.plugin ?? 'test:plugin',
    logger: fields.logger ?? base.child({ step: id }),
    registry: fields.registry ?? new prometheus.Registry(),
    configDir: fields.configDir ?? process.cwd(),
    signal: fields.signal ?? controller.signal,
    lateDeadLetter:
      fields.lateDeadLetter ??
      ((letter) => {
        lateLetters.push(letter);
        return Promise.resolve(true);
      }),
    logs,
    lateLetters,
    abort: (reason) => controller.abort(reason),
  };
}
