import { setTimeout as sleep } from 'node:timers/promises';
import { PluginError, codeOf, type AnySource } from '@tapline/core';
import { isSource } from '@tapline/core/internal';
import type { HostControl } from '../runtime/host-control.js';
import type { HostStep } from '../runtime/host-types.js';

/**
 * Hands a source the host's intake (and the settlement it asks for), then starts it. With
 * `since`, the source before it is still told the outcomes of the messages it took in; the
 * function returned ends that.
 */
export async function startSource(control: HostControl, step: HostStep, since?: number): Promise<() => void> {
  const source = step.domain as AnySource;
  const unroute = control.connectSource(source, since);
  try {
    await source.start();
  } catch (err) {
    throw new PluginError(step.id, step.plugin, 'start', err);
  }
  return unroute;
}

/**
 * Stops the running source so that a new one may take its address: what reached its local
 * queue flows down the chain it started on. It is shut down with the old chain's other removed
 * steps once that chain's messages have ended, so that an acknowledging source can still be
 * told their outcomes (and ack them) until then.
 */
export async function retireSource(control: HostControl, step: HostStep): Promise<void> {
  if (isSource(step.domain)) {
    try {
      await step.domain.stop();
    } catch (err) {
      control.logger.error({ err, step: step.id }, `the source "${step.id}" did not stop cleanly`);
    }
  }
}

/** How long a source that takes over may wait for its address to be released. */
export const ADDRESS_RELEASE_WAIT_MS = 2000;
const ADDRESS_RELEASE_POLL_MS = 25;

/**
 * Initializes a source that takes over from a retired one. A retired ZeroMQ source's `stop()`
 * resolves once its socket is unbound and closed, but ZeroMQ closes the listener itself a moment
 * later, on its I/O thread: under load, a bind to the same address right away was refused as in
 * use. So an address-in-use error is retried for up to `waitMs`; any other error is thrown at once.
 */
export async function initializeSuccessor(step: HostStep, waitMs = ADDRESS_RELEASE_WAIT_MS): Promise<void> {
  const deadline = performance.now() + waitMs;
  for (;;) {
    try {
      await step.domain.initialize();
      return;
    } catch (err) {
      if (codeOf(err) !== 'TAPLINE_ERR_ADDRESS_IN_USE' || performance.now() >= deadline) throw err;
      await sleep(ADDRESS_RELEASE_POLL_MS);
    }
  }
}

/**
 * Puts the running chain's source back after a new one could not take over: a fresh instance
 * of the same plugin and options, initialized, wired to the step after it and started.
 */
export async function restoreSource(
  control: HostControl,
  chain: readonly HostStep[],
  configDir: string,
): Promise<void> {
  const old = chain[0]!;
  const step = await control.createStep(old.planned, configDir);
  try {
    await initializeSuccessor(step);
  } catch (err) {
    throw new PluginError(step.id, step.plugin, 'initialize', err);
  }
  control.swapSteps([step, ...chain.slice(1)], [step], control.nextMessageId());
  await startSource(control, step);
  control.logger.warn({ step: step.id }, `the source "${step.id}" was restarted with its previous options`);
}
