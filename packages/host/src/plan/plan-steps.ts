import { ConfigError, type Logger } from '@tapline/core';
import { PluginLoadError } from '@tapline/core/internal';
import type { ConfigSource } from '../config/config-source.js';
import type { StepConfig } from '../config/loaded-config.js';
import { validatePluginOptions } from '../config/plugin-options.js';
import { loadPlugin } from '../plugins/load-plugin.js';
import type { PlannedStep } from './chain.js';

/** Where the steps are written and where plugins are looked for. */
export interface PlanContext {
  readonly file: string;
  readonly dir: string;
  readonly source?: ConfigSource;
  readonly env?: NodeJS.ProcessEnv;
  /** Tapline's own modules, searched for plugins after the config's folder. */
  readonly installation?: readonly string[];
  /** Told which plugin files outside the config's folder are loaded. */
  readonly log?: Logger;
  /** Steps whose entry has problems of its own: their plugin is loaded, their options wait. */
  readonly skipOptions?: ReadonlySet<string>;
}

/** What planning found: the steps that passed, and the error of each one that did not. */
export interface StepsPlan {
  readonly planned: PlannedStep[];
  readonly failures: (ConfigError | PluginLoadError)[];
}

/**
 * Loads the plugin of every enabled step and validates the options of every one that loaded,
 * collecting each failure instead of stopping at the first. Steps load one after another, in
 * pipeline order, so that a plugin's import side effects happen in a predictable order.
 */
export async function planSteps(steps: readonly StepConfig[], ctx: PlanContext): Promise<StepsPlan> {
  const planned: PlannedStep[] = [];
  const failures: (ConfigError | PluginLoadError)[] = [];
  for (const step of steps) {
    if (!step.enabled) continue;
    try {
      const loaded = await loadPlugin(step.id, step.plugin, ctx.dir, ctx.log, ctx.installation);
      const { manifest, url, origin } = loaded;
      if (ctx.skipOptions?.has(step.pointer)) continue;
      const where = {
        source: ctx.source,
        file: ctx.file,
        pointer: `${step.pointer}/options`,
        step: step.id,
        env: ctx.env,
      };
      const options: unknown = validatePluginOptions(manifest, step.options, where);
      planned.push({
        id: step.id,
        specifier: step.plugin,
        url,
        manifest,
        options,
        origin,
        input: 'any',
        output: 'any',
      });
    } catch (err) {
      if (err instanceof PluginLoadError) failures.push(placed(err, step, ctx));
      else if (err instanceof ConfigError) failures.push(err);
      else throw err;
    }
  }
  return { planned, failures };
}

/** A plugin's load error at the place that names the plugin: the step's `plugin` key. */
function placed(err: PluginLoadError, step: StepConfig, ctx: PlanContext): PluginLoadError {
  if (err.at !== undefined) return err;
  const path = `${step.pointer}/plugin`;
  const at = { file: ctx.file, path, ...ctx.source?.locate(path) };
  return err.placedAt(at);
}
