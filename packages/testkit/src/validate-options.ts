import {
  ConfigError,
  type AnyDomain,
  type OptionsOf,
  type PluginManifest,
  type Problem,
} from '@tapline/core';
import { validatePluginOptions } from '@tapline/host';

/** What {@link validateOptions} found: the options `create` would receive, or every problem. */
export type OptionsResult<O> =
  | { readonly options: O; readonly problems: [] }
  | { readonly options?: undefined; readonly problems: readonly Problem[] };

/** How {@link validateOptions} validates. */
export interface ValidateOptionsSettings {
  /** Where `${VAR}` in the schema's defaults is read from (default: `process.env`). */
  env?: NodeJS.ProcessEnv;
}

/**
 * Validates options exactly as the host does (schema defaults, `${VAR}` in defaults, the
 * manifest's `check()`), but returns the problems instead of throwing, for tests of an options
 * schema: `expect(validateOptions(plugin, { windowMs: -1 }).problems).toEqual([...])`.
 * Problem paths are relative to the options object (`/steps/1/type`); a default that names an
 * unset variable is a problem too.
 */
export function validateOptions<S extends object>(
  manifest: Pick<PluginManifest<S, AnyDomain>, 'name' | 'options' | 'check'>,
  rawOptions: unknown,
  settings: ValidateOptionsSettings = {},
): OptionsResult<OptionsOf<S>> {
  try {
    return { options: validatePluginOptions(manifest, rawOptions, { env: settings.env }), problems: [] };
  } catch (err) {
    if (err instanceof ConfigError && err.code !== 'TAPLINE_ERR_CONFIG_PARSE')
      return { problems: err.problems };
    throw err;
  }
}
