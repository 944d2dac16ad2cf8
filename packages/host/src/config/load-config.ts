import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, type Problem } from '@tapline/core';
import { ConfigNotFoundError } from '@tapline/core/internal';
import { cosmiconfig } from 'cosmiconfig';
import { ajvProblems } from './ajv-problems.js';
import type { ConfigSource } from './config-source.js';
import { expandValue, unsetProblems, type UnsetVariable } from './env.js';
import { exposureProblem } from './exposure.js';
import type { MonitorHttpConfig } from './config-sections.js';
import { configOf, type ReadConfig } from './config-of.js';
import type { LoadedConfig } from './loaded-config.js';
import { duplicateKeyProblems } from './duplicate-keys.js';
import { parseConfigFile } from './parse-config.js';
import { configValidator } from './schema.js';
import { readSteps } from './read-steps.js';

/** Where a config is looked for in each directory, from the working directory up. */
export const CONFIG_SEARCH_PLACES: readonly string[] = [
  'pipeline.config.json',
  'pipeline.config.yaml',
  'pipeline.config.yml',
  '.config/pipeline.config.json',
  '.config/pipeline.config.yaml',
  '.config/pipeline.config.yml',
];

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** A config file to load instead of searching; relative to `cwd`. */
  config?: string;
  /** Where the search starts and `config` resolves from (default: `process.cwd()`). */
  cwd?: string;
  /** Where `${VAR}` is read from (default: `process.env`). */
  env?: NodeJS.ProcessEnv;
}

/**
 * Finds (cosmiconfig, from `cwd` up to the project root: the first directory holding a
 * package.json) or reads the given pipeline config, fills `${VAR}` / `${VAR:-default}`, and
 * checks it against the shipped JSON Schema, returning its problems rather than throwing them.
 *
 * @throws ConfigNotFoundError, ConfigError `TAPLINE_ERR_CONFIG_PARSE` or `TAPLINE_ERR_ENV_UNSET`
 */
export async function readConfig(opts: LoadConfigOptions = {}): Promise<ReadConfig> {
  const cwd = path.resolve(opts.cwd ?? process.cwd());
  const { file, text } = await readConfigFile(cwd, opts.config);
  const { value, source } = parseConfigFile(file, text);
  const unset: UnsetVariable[] = [];
  // A config's own tests hold records as they are: `${...}` in them is data, not a variable.
  const isObject = value !== null && typeof value === 'object' && !Array.isArray(value);
  const { tests, ...rest } = isObject ? (value as Record<string, unknown>) : { tests: undefined };
  const data = expandValue(isObject ? rest : value, opts.env ?? process.env, '', unset) as Record<
    string,
    unknown
  >;
  if (tests !== undefined) data.tests = tests;
  if (unset.length > 0) throw new ConfigError('TAPLINE_ERR_ENV_UNSET', file, unsetProblems(unset, source));
  const validate = configValidator();
  const valid = validate(data) ? data : undefined;
  const problems = [
    ...duplicateKeyProblems(source),
    ...ajvProblems(valid ? [] : validate.errors, '', source),
  ];
  const steps = Array.isArray(data?.pipeline) ? readSteps(data.pipeline, problems, source) : [];
  if (valid) httpProblems(valid.monitor.http, problems, source);
  // A schema failure always says why; this keeps "invalid" from passing for "no problems".
  if (!valid && problems.length === 0)
    problems.push({ path: '', message: 'does not match the config schema' });
  return { file, dir: path.dirname(file), source, data, valid, steps, problems };
}

/**
 * {@link readConfig}, then the config with every default applied, when it has no problem.
 *
 * @throws ConfigNotFoundError when no file is found or the one named does not exist
 * @throws ConfigError `TAPLINE_ERR_CONFIG_PARSE` (malformed JSON), `TAPLINE_ERR_ENV_UNSET`
 *   (a variable without value or default), `TAPLINE_ERR_CONFIG_INVALID` (every schema problem,
 *   duplicate key and duplicate step id at once), each problem with its JSON pointer, line and column
 */
export async function loadConfig(opts: LoadConfigOptions = {}): Promise<LoadedConfig> {
  return configOf(await readConfig(opts));
}

export async function readConfigFile(
  cwd: string,
  explicit: string | undefined,
): Promise<{ file: string; text: string }> {
  if (explicit !== undefined) {
    const file = path.resolve(cwd, explicit);
    try {
      return { file, text: await readFile(file, 'utf8') };
    } catch (err) {
      throw new ConfigNotFoundError(file, err);
    }
  }
  const explorer = cosmiconfig('tapline', {
    searchPlaces: [...CONFIG_SEARCH_PLACES],
    searchStrategy: 'project',
    // An empty file found is an error to report, not a reason to look further up.
    ignoreEmptySearchPlaces: false,
    cache: false,
    // The text only: it is parsed here, with positions, whatever its format.
    loaders: { '.json': raw, '.yaml': raw, '.yml': raw },
  });
  const found = await explorer.search(cwd);
  if (found === null) throw new ConfigNotFoundError(cwd);
  return { file: found.filepath, text: typeof found.config === 'string' ? found.config : '' };
}

function raw(_file: string, content: string): string {
  return content;
}

function httpProblems(http: MonitorHttpConfig | false, problems: Problem[], source: ConfigSource): void {
  if (http === false) return;
  const problem = exposureProblem(http.host, http.token, http.unauthenticated);
  if (problem !== undefined) problems.push({ ...problem, ...source.locate(problem.path) });
}
