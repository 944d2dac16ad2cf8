import { PluginError, isSource, type AnySource } from '@tapline/core';
import type { Accounting } from '../runtime/accounting.js';
import { connectSource } from '../runtime/connect-source.js';
import type { HostParts } from '../runtime/host-parts.js';
import type { HostStep } from '../runtime/host-types.js';
import { wireStep } from '../runtime/wire.js';
import { stepOf } from './build-steps.js';

/** Hands a source the host's intake (and the settlement it asks for), then starts it. */
export async function startSource(parts: HostParts, step: HostStep): Promise<void> {
  const source = step.domain as AnySource;
  connectSource(parts.accounting, source);
  try {
    await source.start();
  } catch (err) {
    throw new PluginError(step.id, step.plugin, 'start', err);
  }
}

/**
 * Stops the running source so that a new one may take its address: what reached its local
 * queue flows down the chain it started on. It is shut down with the old chain's other removed
 * steps once that chain's messages have ended, so that an acknowledging source can still be
 * told their outcomes (and ack them) until then.
 */
export async function retireSource(parts: HostParts, step: HostStep): Promise<void> {
  if (isSource(step.domain)) {
    try {
      await step.domain.stop();
    } catch (err) {
      parts.logger.error({ err, step: step.id }, `the source "${step.id}" did not stop cleanly`);
    }
  }
}

/**
 * While the old chain drains, tells each outcome to the source that took the message in: the
 * old one for messages taken in before `since`, the new one after. Returns what undoes it.
 */
export function routeSettlement(parts: HostParts, old: Accounting['notify'], since: number): () => void {
  const fresh = parts.accounting.notify;
  if (old === undefined) return () => {};
  const routed: Accounting['notify'] = (m, outcome) => (m.id < since ? old : fresh)?.(m, outcome);
  parts.accounting.notify = routed;
  return () => {
    if (parts.accounting.notify === routed) parts.accounting.notify = fresh;
  };
}

/**
 * Puts the old chain's source back after a new one could not take over: a fresh instance of
 * the same plugin and options, wired to the step after it, initialized and started. Returns
 * the chain with it in first place.
 */
export async function restoreSource(parts: HostParts, chain: readonly HostStep[]): Promise<HostStep[]> {
  const old = chain[0]!;
  const step = await stepOf(parts, parts.config.dir, old.planned);
  wireStep(step.domain, chain[1]?.domain, parts.wiring);
  try {
    await step.domain.initialize();
  } catch (err) {
    throw new PluginError(step.id, step.plugin, 'initialize', err);
  }
  await startSource(parts, step);
  parts.logger.warn({ step: step.id }, `the source "${step.id}" was restarted with its previous options`);
  return [step, ...chain.slice(1)];
}
