import type { LoadedConfig } from '../config/loaded-config.js';
import type { PlannedStep } from '../plan/chain.js';
import type { HostControl } from '../runtime/host-control.js';
import { controlOf, type Host } from '../runtime/host.js';
import type { HostStep } from '../runtime/host-types.js';
import { buildSteps, initializeBuilt, shutdownQuietly } from './build-steps.js';
import { diffSteps } from './diff-steps.js';
import { initializeSuccessor, restoreSource, retireSource, startSource } from './switch-source.js';

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
  host: Host,
  config: LoadedConfig,
  planned: readonly PlannedStep[],
): Promise<Swapped> {
  const control = controlOf(host);
  const old = host.steps;
  const { kept, removed } = diffSteps(old, planned);
  const { steps, built } = await buildSteps(control, config, planned, kept);
  await initializeBuilt(control, built);
  const newSource = built.includes(steps[0]!);
  if (newSource) {
    await retireSource(control, old[0]!);
    try {
      await initializeSuccessor(steps[0]!);
    } catch (err) {
      await shutdownQuietly(control, [...built, old[0]!]);
      await restoreSource(control, old, host.config.dir);
      throw err;
    }
  }
  const since = control.nextMessageId();
  const undo = control.swapSteps(steps, built, since);
  let unroute = () => {};
  if (newSource) {
    try {
      unroute = await startSource(control, steps[0]!, since);
    } catch (err) {
      undo();
      await shutdownQuietly(control, [...built, old[0]!]);
      await restoreSource(control, old, host.config.dir);
      throw err;
    }
  }
  return {
    kept: steps.filter((s) => !built.includes(s)).map((s) => s.id),
    added: built.map((s) => s.id),
    removed: removed.map((s) => s.id),
    retired: retire(control, host.config.runtime.shutdownTimeoutMs, since, removed, unroute),
  };
}

/** Waits until no message of an older chain is in flight, then forgets that chain. */
async function retire(
  control: HostControl,
  shutdownTimeoutMs: number,
  since: number,
  removed: readonly HostStep[],
  unroute: () => void,
): Promise<void> {
  const warnAt = performance.now() + shutdownTimeoutMs;
  let warned = false;
  while ((control.oldestOpenId() ?? Infinity) < since) {
    if (!warned && performance.now() > warnAt) {
      warned = true;
      control.logger.warn(
        { steps: removed.map((s) => s.id) },
        'messages taken in before the reload are still in flight; the removed steps wait for them',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
  }
  control.forgetRoutes(removed);
  await shutdownQuietly(control, removed);
  unroute();
}
