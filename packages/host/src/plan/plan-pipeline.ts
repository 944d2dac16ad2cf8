import type { Logger } from '@tapline/core';
import { ChainError } from '@tapline/core/internal';
import type { ConfigSource } from '../config/config-source.js';
import { didYouMean } from '../config/ajv-problems.js';
import type { LoadConfigOptions } from '../config/load-config.js';
import { configOf, type ReadConfig } from '../config/config-of.js';
import { readConfig } from '../config/load-config.js';
import type { LoadedConfig, StepConfig } from '../config/loaded-config.js';
import { checkChain, type PlannedStep } from './chain.js';
import { planSteps } from './plan-steps.js';
import { throwReport } from './report.js';

/** Options of {@link planPipeline} and {@link loadPipeline}. */
export interface PlanOptions {
  /** Where `${VAR}` in plugin option defaults is read from (default: `process.env`). */
  env?: NodeJS.ProcessEnv;
  /**
   * Tapline's own modules (file URLs or paths), where a plugin package is looked for after the
   * config's folder. The host's own files are always searched; the CLI adds its own, since it
   * is the package that depends on the built-in plugins.
   */
  installation?: readonly string[];
  /** Told which plugin files outside the config's folder are loaded (default: silent). */
  log?: Logger;
}

/** A config ready to run: its steps' plugins loaded, options validated, chain checked. */
export interface PlannedPipeline {
  readonly config: LoadedConfig;
  readonly steps: PlannedStep[];
}

/**
 * Loads every enabled step's plugin and validates every loaded plugin's options, then checks
 * the chain's types, which depend on all of them.
 *
 * @throws PluginLoadError or ConfigError for a lone failure; ConfigError with every problem otherwise; ChainError
 */
export async function planPipeline(config: LoadedConfig, opts: PlanOptions = {}): Promise<PlannedStep[]> {
  const { file, dir, source, pipeline } = config;
  const { planned, failures } = await planSteps(pipeline, { file, dir, source, ...opts });
  throwReport(file, [], failures, pipeline, source);
  checkPlacedChain(planned, pipeline, file, source);
  return planned;
}

/**
 * What `tapline validate` and `run` do first: reads the config and reports, in one error, its
 * schema problems, every plugin that cannot be loaded and the option problems of every plugin
 * that did, sorted by line. Only what depends on those being fixed waits: the options of a step
 * whose options key is wrong or misspelled, and the chain's types.
 *
 * `onRead` is called with the file as read, before any plugin is imported.
 *
 * @throws ConfigNotFoundError, ConfigError (`TAPLINE_ERR_CONFIG_INVALID` for a mixed report,
 *   each problem with its `code`), PluginLoadError for a lone plugin failure, ChainError
 */
export async function loadPipeline(
  opts: LoadConfigOptions & PlanOptions & { onRead?: (read: ReadConfig) => void } = {},
): Promise<PlannedPipeline> {
  const read = await readConfig(opts);
  opts.onRead?.(read);
  const { file, dir, source, steps, problems } = read;
  const skipOptions = new Set(
    steps.filter((s) => problems.some((p) => blursOptions(p.path, s.pointer))).map((s) => s.pointer),
  );
  const plan = await planSteps(steps, {
    file,
    dir,
    source,
    env: opts.env,
    installation: opts.installation,
    log: opts.log,
    skipOptions,
  });
  throwReport(file, problems, plan.failures, steps, source);
  const config = configOf(read);
  checkPlacedChain(plan.planned, steps, file, source);
  return { config, steps: plan.planned };
}

/** {@link checkChain}, its error placed at the step it is about (the pipeline, when it has none). */
function checkPlacedChain(
  planned: PlannedStep[],
  steps: readonly StepConfig[],
  file: string,
  source: ConfigSource | undefined,
): void {
  try {
    checkChain(planned);
  } catch (err) {
    if (!(err instanceof ChainError) || err.at !== undefined) throw err;
    const id = err.details.to ?? err.details.step;
    const step = steps.find((s) => s.enabled && s.id === id);
    const path = step?.pointer ?? '/pipeline';
    throw err.placedAt({ file, path, ...source?.locate(path) });
  }
}

/**
 * Whether a schema problem at `path` makes a step's options uncertain: the step itself is
 * wrong, its options are, or it has an unknown key that is a typo of "options".
 */
function blursOptions(path: string, step: string): boolean {
  if (path === step || path === `${step}/options` || path.startsWith(`${step}/options/`)) return true;
  const key = path.startsWith(`${step}/`) ? path.slice(step.length + 1) : undefined;
  return key !== undefined && !key.includes('/') && didYouMean(key, ['options']) === 'options';
}
