import { ConfigError, type Problem } from '@tapline/core';
import { PluginLoadError } from '@tapline/core/internal';
import type { ConfigSource } from '../config/config-source.js';
import type { StepConfig } from '../config/loaded-config.js';

/** A failure as problems of one report: a plugin that did not load points at its `plugin` key. */
function problemsOf(
  failure: ConfigError | PluginLoadError,
  steps: readonly StepConfig[],
  source: ConfigSource | undefined,
): Problem[] {
  if (failure instanceof ConfigError) return failure.problems.map((p) => ({ ...p, code: failure.code }));
  const step = steps.find((s) => s.enabled && s.id === failure.step);
  const path = step === undefined ? '' : `${step.pointer}/plugin`;
  return [{ path, message: failure.message, ...source?.locate(path), code: failure.code }];
}

/** By line and column; problems without a position last, by path. */
export function byPosition(a: Problem, b: Problem): number {
  if (a.line !== undefined && b.line !== undefined)
    return a.line - b.line || (a.column ?? 0) - (b.column ?? 0);
  if (a.line !== undefined) return -1;
  if (b.line !== undefined) return 1;
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/**
 * Throws what a config's planning found, as one report when there is more than one thing to
 * fix: the schema's problems, every plugin that did not load and every step's bad options,
 * sorted by where they are written, each with its `code`. A lone failure is thrown as it is.
 */
export function throwReport(
  file: string,
  schemaProblems: readonly Problem[],
  failures: readonly (ConfigError | PluginLoadError)[],
  steps: readonly StepConfig[],
  source: ConfigSource | undefined,
): void {
  if (schemaProblems.length === 0) {
    if (failures.length === 0) return;
    if (failures.length === 1) throw failures[0]!;
    if (failures.every((f) => f instanceof ConfigError)) {
      const onlyEnv = failures.every((f) => f.code === 'TAPLINE_ERR_ENV_UNSET');
      const problems = failures.flatMap((f) => f.problems).sort(byPosition);
      throw new ConfigError(
        onlyEnv ? 'TAPLINE_ERR_ENV_UNSET' : 'TAPLINE_ERR_OPTIONS_INVALID',
        file,
        problems,
      );
    }
  } else if (failures.length === 0) {
    throw new ConfigError('TAPLINE_ERR_CONFIG_INVALID', file, schemaProblems);
  }
  const problems = [
    ...schemaProblems.map((p): Problem => ({ ...p, code: 'TAPLINE_ERR_CONFIG_INVALID' })),
    ...failures.flatMap((f) => problemsOf(f, steps, source)),
  ].sort(byPosition);
  throw new ConfigError('TAPLINE_ERR_CONFIG_INVALID', file, problems);
}
