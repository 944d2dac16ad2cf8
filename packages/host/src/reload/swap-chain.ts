import { createMessageContext, type MessageContext } from '@tapline/core';
import type { LoadedConfig } from '../config/loaded-config.js';
import type { PlannedStep } from '../plan/chain.js';
import type { HostParts } from '../runtime/host-parts.js';
import type { HostStep } from '../runtime/host-types.js';
import { wireStep } from '../runtime/wire.js';
import { buildSteps, initializeBuilt, shutdownQuietly } from './build-steps.js';
import { diffSteps } from './diff-steps.js';
import { restoreSource, retireSource, routeSettlement, startSource } from './switch-source.js';

/** How often a reload looks whether the old chain's last messages have ended. */
const DRAIN_POLL_MS = 10;

/** What a swap did. */
export interface Swapped {
  readonly kept: readonly string[];
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** Resolves once the old chain's messages have all ended and the removed steps are shut down. */
  readonly retired: Promise<void>;
}

/** At most the id of the next message taken in: ids increase in the order messages are taken in. */
function nextMessageId(): number {
  const probe: MessageContext = createMessageContext('tapline:reload');
  return probe.id + 1;
}

/**
 * Swaps a checked plan in for the running chain without dropping a message. Steps whose
 * plugin and options are unchanged keep their instance; the others are created and initialized
 * first. A new source takes over from the old one only once the old one's local queue went
 * down the old chain. The swap itself is synchronous: messages taken in before it finish on
 * the old chain, later ones take the new one. Removed steps are shut down once the old chain
 * is empty. On any failure before the swap the running chain is left as it was (a replaced
 * source is restarted) and the error is thrown.
 */
export async function swapChain(
  parts: HostParts,
  config: LoadedConfig,
  planned: readonly PlannedStep[],
): Promise<Swapped> {
  const old = parts.steps;
  const { kept, removed } = diffSteps(old, planned);
  const { steps, built } = await buildSteps(parts, config, planned, kept);
  await initializeBuilt(parts, built);
  const newSource = built.includes(steps[0]!);
  if (newSource) {
    await retireSource(parts, old[0]!);
    try {
      await steps[0]!.domain.initialize();
    } catch (err) {
      await shutdownQuietly(parts, [...built, old[0]!]);
      parts.steps = await restoreSource(parts, old);
      throw err;
    }
  }
  const since = nextMessageId();
  const oldNotify = parts.accounting.notify;
  const { routers } = parts.wiring;
  steps.forEach((s, i) => {
    const next = steps[i + 1]?.domain;
    if (built.includes(s)) wireStep(s.domain, next, parts.wiring);
    else routers.get(s.domain)!.add(since, next);
  });
  parts.steps = steps;
  if (newSource) {
    try {
      await startSource(parts, steps[0]!);
    } catch (err) {
      for (const s of steps) if (!built.includes(s)) routers.get(s.domain)!.undo();
      for (const s of built) routers.delete(s.domain);
      parts.steps = old;
      await shutdownQuietly(parts, [...built, old[0]!]);
      parts.steps = await restoreSource(parts, old);
      throw err;
    }
  }
  const unroute = newSource ? routeSettlement(parts, oldNotify, since) : () => {};
  return {
    kept: steps.filter((s) => !built.includes(s)).map((s) => s.id),
    added: built.map((s) => s.id),
    removed: removed.map((s) => s.id),
    retired: retire(parts, since, removed, unroute),
  };
}

/** Waits until no message of an older chain is in flight, then forgets that chain. */
async function retire(
  parts: HostParts,
  since: number,
  removed: readonly HostStep[],
  unroute: () => void,
): Promise<void> {
  const { accounting, wiring, logger, config } = parts;
  const warnAt = performance.now() + config.runtime.shutdownTimeoutMs;
  let warned = false;
  while ((accounting.oldestOpenId() ?? Infinity) < since) {
    if (!warned && performance.now() > warnAt) {
      warned = true;
      logger.warn(
        { steps: removed.map((s) => s.id) },
        'messages taken in before the reload are still in flight; the removed steps wait for them',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
  }
  for (const s of parts.steps) wiring.routers.get(s.domain)?.prune();
  for (const s of removed) wiring.routers.delete(s.domain);
  await shutdownQuietly(parts, removed);
  unroute();
}
