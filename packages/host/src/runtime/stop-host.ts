import { PluginError, ShutdownError, messageOf, type TaplineError } from '@tapline/core';
import type { HostParts } from './host.js';
import type { HostStep, StopReport } from './host-types.js';

/** Whether `work` settled within `ms`; rejects when it rejects in time. */
async function within(work: void | Promise<void>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, ms));
  });
  try {
    return await Promise.race([Promise.resolve(work).then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** What to tear down: sources to stop, whether to drain, steps to shut down (pipeline order). */
export interface StopPlan {
  readonly sources: readonly HostStep[];
  readonly drain: boolean;
  readonly shutdown: readonly HostStep[];
}

/**
 * The stop sequence: abort the steps' signal, stop the sources, drain within
 * `shutdownTimeoutMs`, shut steps down in pipeline order (each bounded by the same timeout),
 * close the dead letters. Collects every failure instead of stopping at the first.
 */
export async function stopHost(parts: HostParts, plan: StopPlan): Promise<StopReport> {
  const { accounting, deadLetters, controller, config } = parts;
  const timeout = config.runtime.shutdownTimeoutMs;
  const deadline = performance.now() + timeout;
  const errors: TaplineError[] = [];
  controller.abort();
  for (const s of plan.sources) {
    try {
      if (!isSourceStop(s)) continue;
      if (!(await within(s.domain.stop(), deadline - performance.now()))) {
        errors.push(
          new PluginError(s.id, s.plugin, 'stop', new Error(`it did not stop within ${timeout} ms`)),
        );
      }
    } catch (err) {
      errors.push(new PluginError(s.id, s.plugin, 'stop', err));
    }
  }
  if (plan.drain && !(await within(accounting.drained(), deadline - performance.now()))) {
    errors.push(
      new ShutdownError(
        'TAPLINE_ERR_DRAIN_TIMEOUT',
        `${accounting.inFlight} message(s) were still in flight ${timeout} ms after the stop began; ` +
          'raise runtime.shutdownTimeoutMs or look for the slow step in the metrics.',
      ),
    );
  }
  for (const s of plan.shutdown) {
    try {
      if (!(await within(s.domain.shutdown(), timeout))) {
        errors.push(
          new ShutdownError(
            'TAPLINE_ERR_FLUSH_FAILED',
            `Step "${s.id}" (plugin ${s.plugin}) did not finish shutting down within ${timeout} ms.`,
          ),
        );
      }
    } catch (err) {
      errors.push(new PluginError(s.id, s.plugin, 'shutdown', err));
    }
  }
  try {
    await deadLetters.close();
  } catch (err) {
    errors.push(
      new ShutdownError(
        'TAPLINE_ERR_FLUSH_FAILED',
        `The dead-letter file ${deadLetters.file} failed: ${messageOf(err)}`,
        err,
      ),
    );
  }
  if (deadLetters.file !== false && deadLetters.lost > 0) {
    errors.push(
      new ShutdownError(
        'TAPLINE_ERR_FLUSH_FAILED',
        `${deadLetters.lost} failed message(s) could not be written to the dead-letter file ${deadLetters.file}.`,
      ),
    );
  }
  const snapshot = accounting.snapshot();
  return { drained: snapshot.inFlight === 0, inFlightLeft: snapshot.inFlight, errors, accounting: snapshot };
}

function isSourceStop(s: HostStep): s is HostStep & { domain: { stop(): Promise<void> } } {
  return typeof (s.domain as { stop?: unknown }).stop === 'function';
}
