import { ConfigError, type OptionsOf, type PluginManifest, type Problem } from '@tapline/core';
import { validatePluginOptions } from '@tapline/host';

/** What {@link validateOptions} found: the options `create` would receive, or every problem. */
export type OptionsResult<O> =
  | { readonly options: O; readonly problems: [] }
  | {
      readonly options?: undefined;
      readonly problems: readonly Problem[];
    };

/**
 * Validates options exactly as the host does (schema defaults, `${VAR}` in defaults, the
 * manifest's `check()`), but returns the problems instead of throwing, for tests of an options
 * schema: `expect(validateOptions(plugin, { windowMs: -1 }).problems).toEqual([...])`.
 * Problem paths are relative to the options object (`/steps/1/type`).
 */
export function validateOptions<S extends object>(
  manifest: Pick<PluginManifest<S, any>, 'name' | 'options' | 'check'>,
  rawOptions: unknown,
): OptionsResult<OptionsOf<S>> {
  try {
    return { options: validatePluginOptions(manifest, rawOptions), problems: [] };
  } catch (err) {
    if (err instanceof ConfigError && err.code === 'TAPLINE_ERR_OPTIONS_INVALID')
      return { problems: err.problems };
    throw err;
  }
}
