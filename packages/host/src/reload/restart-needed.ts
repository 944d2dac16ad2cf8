import type { LoadedConfig } from '../config/loaded-config.js';
import { sameJson } from './diff-steps.js';

/**
 * The settings a reload cannot apply to a running process, by their path in the file, where
 * the new config differs from the one in force: the intake limit and stop budget, the
 * dead-letter file, the monitor (its window and the HTTP listener) and where the log goes.
 */
export function restartNeeded(running: LoadedConfig, next: LoadedConfig): string[] {
  const changed: string[] = [];
  const check = (path: string, a: unknown, b: unknown): void => {
    if (!sameJson(a, b)) changed.push(path);
  };
  check('/runtime/maxInFlight', running.runtime.maxInFlight, next.runtime.maxInFlight);
  check('/runtime/batchMax', running.runtime.batchMax, next.runtime.batchMax);
  check('/runtime/shutdownTimeoutMs', running.runtime.shutdownTimeoutMs, next.runtime.shutdownTimeoutMs);
  check('/deadLetter', running.deadLetter, next.deadLetter);
  check('/monitor/durationsWindow', running.monitor.durationsWindow, next.monitor.durationsWindow);
  check('/monitor/http', running.monitor.http, next.monitor.http);
  check('/log/destination', running.log.destination, next.log.destination);
  return changed;
}
