import {
  ConfigError,
  messageOf,
  type OptionsOf,
  type PluginManifest,
  type Problem,
  type AnyDomain,
} from '@tapline/core';
import { PluginLoadError, type AnyManifest } from '@tapline/core/internal';
import type { ValidateFunction } from 'ajv';
import { ajvProblems } from './ajv-problems.js';
import type { ConfigSource } from './config-source.js';
import { childPointer } from './config-source.js';
import { expandValue, unsetProblems, type UnsetVariable } from './env.js';
import { createAjv } from './schema.js';

/** Where a step's options are written, so that problems name the file, path, line and column. */
export interface OptionsLocation {
  /** The config file (default: `source.file`). */
  readonly file?: string;
  /** JSON pointer of the options object in the file (`/pipeline/1/options`). */
  readonly pointer?: string;
  /** The file's text and tree (`LoadedConfig.source`), for lines and columns. */
  readonly source?: ConfigSource;
  /** The step id, named in the error. */
  readonly step?: string;
  /** Where `${VAR}` in schema defaults is read from (default: `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
}

// Plugin schemas are the plugins' own (TypeBox or plain): not strict about their keywords.
const ajv = createAjv(false);
const compiled = new WeakMap<object, ValidateFunction>();

function validatorFor(manifest: Pick<AnyManifest, 'name' | 'options'>, step: string): ValidateFunction {
  const schema = manifest.options as object;
  let validate = compiled.get(schema);
  if (validate !== undefined) return validate;
  try {
    validate = ajv.compile(schema);
  } catch (err) {
    throw new PluginLoadError(
      'TAPLINE_ERR_PLUGIN_INVALID',
      step,
      manifest.name,
      `its options schema is not a valid JSON Schema: ${messageOf(err)}`,
      err,
    );
  }
  compiled.set(schema, validate);
  return validate;
}

/** Fills `${VAR}` in values the schema's defaults added, leaving values the file gave as they are. */
function expandDefaults(
  value: unknown,
  given: unknown,
  env: NodeJS.ProcessEnv,
  pointer: string,
  unset: UnsetVariable[],
): unknown {
  if (given === undefined) return expandValue(value, env, pointer, unset);
  if (value === null || typeof value !== 'object' || given === null || typeof given !== 'object')
    return value;
  const out = value as Record<string, unknown>;
  for (const key of Object.keys(out)) {
    const inGiven = (given as Record<string, unknown>)[key];
    out[key] = expandDefaults(out[key], inGiven, env, childPointer(pointer, key), unset);
  }
  return out;
}

/**
 * Validates a step's options against its plugin's schema: every problem at once, the schema's
 * defaults applied (with `${VAR}` filled in them), then the manifest's `check()`.
 * Does not modify `rawOptions`.
 *
 * @returns the options to pass to `manifest.create`
 * @throws ConfigError `TAPLINE_ERR_OPTIONS_INVALID` listing every problem with its path (and
 *   line and column when `where.source` is given), or `TAPLINE_ERR_ENV_UNSET` when a default
 *   names an unset variable
 * @throws PluginLoadError `TAPLINE_ERR_PLUGIN_INVALID` when the plugin's schema does not compile
 */
export function validatePluginOptions<S extends object>(
  manifest: Pick<PluginManifest<S, AnyDomain>, 'name' | 'options' | 'check'>,
  rawOptions: unknown,
  where: OptionsLocation = {},
): OptionsOf<S> {
  const step = where.step ?? manifest.name;
  const base = where.pointer ?? '';
  const file = where.file ?? where.source?.file;
  const validate = validatorFor(manifest, step);
  const options = rawOptions === undefined || rawOptions === null ? {} : structuredClone(rawOptions);
  const fail = (code: 'TAPLINE_ERR_OPTIONS_INVALID' | 'TAPLINE_ERR_ENV_UNSET', problems: Problem[]) =>
    new ConfigError(code, file, problems, { step, plugin: manifest.name });
  if (!validate(options))
    throw fail('TAPLINE_ERR_OPTIONS_INVALID', ajvProblems(validate.errors, base, where.source));
  const unset: UnsetVariable[] = [];
  const filled = expandDefaults(options, rawOptions ?? undefined, where.env ?? process.env, base, unset);
  if (unset.length > 0) throw fail('TAPLINE_ERR_ENV_UNSET', unsetProblems(unset, where.source));
  let checked: Problem[] = [];
  try {
    checked = manifest.check?.(filled as OptionsOf<S>) ?? [];
  } catch (err) {
    checked = [{ path: '', message: `the plugin's check failed: ${messageOf(err)}` }];
  }
  if (checked.length > 0) {
    const problems = checked.map((p) => {
      const path = base + (p.path === '/' ? '' : p.path);
      const located = where.source?.locate(path, false, p.offset);
      return { path, message: p.message, ...(p.offset !== undefined && { offset: p.offset }), ...located };
    });
    throw fail('TAPLINE_ERR_OPTIONS_INVALID', problems);
  }
  return filled as OptionsOf<S>;
}
