import { PluginError, ShutdownError, messageOf, type TaplineError } from '@tapline/core';
import { isSource } from '@tapline/core/internal';
import type { HostParts } from './host-parts.js';
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

/** What the stop sequence uses of a host. */
export type StopParts = Pick<
  HostParts,
  'accounting' | 'deadLetters' | 'lateLetters' | 'controller' | 'config'
> & {
  readonly wiring: Pick<HostParts['wiring'], 'failures'>;
};

/** The part of the budget kept, after the drain, for flushing and dead-lettering what is left. */
function reserveOf(timeout: number): number {
  return Math.min(2000, timeout / 5);
}

/**
 * The stop sequence, all within `shutdownTimeoutMs`: abort the steps' signal, stop the sources,
 * drain, shut steps down in pipeline order and close the dead letters in what is left of the
 * budget. Messages still in flight at the drain deadline are dead-lettered with reason
 * `shutdown timeout`: those a step holds by that step as it shuts down (an exporter, for the
 * outputs that lack them), the rest by the host. Collects every failure instead of stopping at the first.
 */
export async function stopHost(parts: StopParts, plan: StopPlan): Promise<StopReport> {
  const { accounting, deadLetters, controller, config } = parts;
  const timeout = config.runtime.shutdownTimeoutMs;
  const deadline = performance.now() + timeout;
  const drainDeadline = deadline - reserveOf(timeout);
  const errors: TaplineError[] = [];
  let abandoned = 0;
  controller.abort();
  for (const s of plan.sources) {
    try {
      if (!isSource(s.domain)) continue;
      if (!(await within(s.domain.stop(), drainDeadline - performance.now()))) {
        errors.push(
          new PluginError(s.id, s.plugin, 'stop', new Error(`it did not stop within ${timeout} ms`)),
        );
      }
    } catch (err) {
      errors.push(new PluginError(s.id, s.plugin, 'stop', err));
    }
  }
  const inFlightAtDeadline =
    plan.drain && !(await within(accounting.drained(), drainDeadline - performance.now()))
      ? accounting.inFlight
      : 0;
  for (const s of plan.shutdown) {
    try {
      if (!(await within(s.domain.shutdown(), Math.max(deadline - performance.now(), 0)))) {
        errors.push(
          new ShutdownError(
            'TAPLINE_ERR_FLUSH_FAILED',
            `Step "${s.id}" (plugin ${s.plugin}) did not finish shutting down within the stop's budget (${timeout} ms).`,
          ),
        );
      }
    } catch (err) {
      errors.push(new PluginError(s.id, s.plugin, 'shutdown', err));
    }
  }
  if (inFlightAtDeadline > 0) {
    // A step that holds messages (an exporter's output queues) settles them as it shuts down,
    // each dead-lettered for the outputs that lack it; the host gives up on the rest.
    if (!(await within(accounting.drained(), Math.max(deadline - performance.now(), 0)))) {
      abandoned = abandonInFlight(parts, timeout);
    }
    errors.push(
      new ShutdownError(
        'TAPLINE_ERR_DRAIN_TIMEOUT',
        `${inFlightAtDeadline} message(s) were still in flight when the stop's budget (${timeout} ms) ran out; ` +
          'they were dead-lettered with reason "shutdown timeout". Raise runtime.shutdownTimeoutMs ' +
          'or look for the slow step (or output) in the metrics.',
      ),
    );
  }
  parts.wiring.failures.close();
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
  const lost = accounting.lost + parts.lateLetters.lost;
  if (deadLetters.file !== false && lost > 0) {
    errors.push(
      new ShutdownError(
        'TAPLINE_ERR_DEAD_LETTERS_LOST',
        `${lost} failed message(s) could not be written to the dead-letter file ${deadLetters.file}; ` +
          "they are lost. Check the disk and the file's folder.",
      ),
    );
  }
  const snapshot = accounting.snapshot();
  return {
    drained: inFlightAtDeadline === 0 && snapshot.inFlight === 0,
    inFlightLeft: Math.max(inFlightAtDeadline, abandoned) + snapshot.inFlight,
    errors,
    accounting: snapshot,
  };
}

/** Dead-letters every message still in flight with reason `shutdown timeout`; returns how many. */
function abandonInFlight(parts: StopParts, timeout: number): number {
  const { accounting, deadLetters } = parts;
  const inFlight = accounting.inFlight;
  const left = accounting.abandon();
  for (const message of left) {
    const event = {
      domain: 'tapline',
      operation: 'stop',
      durationMs: performance.now() - message.receivedAt,
      messageId: message.id,
      errorType: 'ShutdownTimeout',
      message: `shutdown timeout: still in flight when the stop's budget (${timeout} ms) ran out`,
    };
    deadLetters.write(event, message).then(
      () => accounting.fail(message, false),
      () => accounting.fail(message, true),
    );
  }
  return inFlight;
}
