import { PluginError, messageOf } from '@tapline/core';
import { isSource } from '@tapline/core/internal';
import type { LoadedConfig } from '../config/loaded-config.js';
import type { PlannedStep } from '../plan/chain.js';
import type { HostControl } from '../runtime/host-control.js';
import { checkKinds } from '../runtime/host-step.js';
import type { HostStep } from '../runtime/host-types.js';

/** Shuts steps down, logging instead of throwing: what is undone must not hide why. */
export async function shutdownQuietly(control: HostControl, steps: readonly HostStep[]): Promise<void> {
  for (const s of steps) {
    try {
      await s.domain.shutdown();
    } catch (err) {
      control.logger.error(
        { err, step: s.id, plugin: s.plugin },
        `step "${s.id}" could not shut down: ${messageOf(err)}`,
      );
    }
  }
}

/**
 * The new chain's steps: the kept ones as they are, the others created (not initialized).
 * `built` lists the created ones; on failure they are shut down and the error is thrown.
 */
export async function buildSteps(
  control: HostControl,
  config: LoadedConfig,
  planned: readonly PlannedStep[],
  kept: ReadonlyArray<HostStep | undefined>,
): Promise<{ steps: HostStep[]; built: HostStep[] }> {
  const steps: HostStep[] = [];
  const built: HostStep[] = [];
  try {
    for (let i = 0; i < planned.length; i++) {
      const step = await control.createStep(planned[i]!, config.dir, kept[i]);
      if (kept[i] === undefined) built.push(step);
      steps.push(step);
    }
    checkKinds(steps);
  } catch (err) {
    await shutdownQuietly(control, built);
    throw err;
  }
  return { steps, built };
}

/**
 * Initializes the created steps downstream first, a new source excepted (it may need the
 * address the running source holds). On failure, shuts every created step down and throws
 * the error wrapped (PluginError, phase `initialize`).
 */
export async function initializeBuilt(control: HostControl, built: readonly HostStep[]): Promise<void> {
  for (let i = built.length - 1; i >= 0; i--) {
    const s = built[i]!;
    if (isSource(s.domain)) continue;
    try {
      await s.domain.initialize();
    } catch (err) {
      await shutdownQuietly(control, built);
      throw new PluginError(s.id, s.plugin, 'initialize', err);
    }
  }
}
