import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, type Problem } from '@tapline/core';
import { TestFileError } from '@tapline/core/internal';
import type { ValidateFunction } from 'ajv';
import { ajvProblems } from '../config/ajv-problems.js';
import { readConfigFile } from '../config/load-config.js';
import { isYamlFile, parseConfigFile } from '../config/parse-config.js';
import { createAjv } from '../config/schema.js';
import { testFileJsonSchema } from './test-file-json-schema.js';
import type { TestCase } from './test-file-schema.js';

/** One test as read from its file, with the config it runs. */
export interface LoadedTest {
  /** The file that holds it: a `*.test.json`, or a config with `tests`. */
  readonly file: string;
  /** Its JSON pointer in that file (`/tests/2`). */
  readonly pointer: string;
  readonly test: TestCase;
  /** The config file it runs (absolute). */
  readonly config: string;
}

/** Where tests are read from: the files named, or those next to the config. */
export interface FindTestsOptions {
  /** Test files, relative to `cwd`; none: `*.test.json` beside the config and its own `tests`. */
  readonly files?: readonly string[];
  /** The config file, relative to `cwd`; default: searched as `tapline run` does. */
  readonly config?: string;
  readonly cwd?: string;
}

let validator: ValidateFunction | undefined;

/** A test file's value, and its text, for positions once there is a problem to place. */
interface Read {
  readonly file: string;
  readonly text: string;
  readonly value: Parsed;
}

function validate(read: Read, value: unknown): void {
  // The test schema has no `${VAR}` and no defaults worth filling; compiled on first use.
  validator ??= createAjv(true).compile(testFileJsonSchema());
  if (!validator(value)) {
    const { source } = parseConfigFile(read.file, read.text);
    throw new TestFileError('TAPLINE_ERR_TEST_INVALID', read.file, ajvProblems(validator.errors, '', source));
  }
}

/** Test files found beside a config: `NAME.test.json`, `.yaml` or `.yml`. */
const TEST_FILE = /\.test\.(json|ya?ml)$/;

/** A parsed JSON file: its fields are read as the schema (checked next) says they are. */
type Parsed = Record<string, unknown> | null;

async function parse(file: string): Promise<Read> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const problem: Problem = { path: '', message: `cannot read it (${(err as Error).message})` };
    throw new TestFileError('TAPLINE_ERR_TEST_NOT_FOUND', file, [problem]);
  }
  let value = isYamlFile(file) ? undefined : plainJson(text);
  if (value === undefined) {
    try {
      value = { of: parseConfigFile(file, text).value };
    } catch (err) {
      if (err instanceof ConfigError) throw new TestFileError('TAPLINE_ERR_TEST_PARSE', file, err.problems);
      throw err;
    }
  }
  const { of } = value;
  return { file, text, value: of !== null && typeof of === 'object' ? (of as Parsed) : null };
}

/**
 * A JSON file's value without its syntax tree, which costs tens of times the text (seconds for a
 * test of many inputs) and is built only to place a problem; undefined when the text is not JSON.
 */
function plainJson(text: string): { of: unknown } | undefined {
  try {
    return { of: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

/**
 * Reads one `*.test.json` file, every problem at once with its line and column.
 *
 * @param config the config its tests run when neither the file nor a test names one
 * @throws TestFileError
 */
export async function readTestFile(file: string, config: string | undefined): Promise<LoadedTest[]> {
  const read = await parse(file);
  const { value } = read;
  // A config named as a test file: its own tests.
  if (Array.isArray(value?.pipeline)) return readConfigTests(file);
  validate(read, value);
  if (value === null) return []; // the schema refused it already
  const dir = path.dirname(file);
  const fileConfig = typeof value.config === 'string' ? path.resolve(dir, value.config) : config;
  const tests = value.tests as TestCase[];
  // Searched for only when a test needs it: a file whose tests all name a config needs none found.
  const fallback =
    fileConfig ??
    (tests.some((t) => t.config === undefined) ? (await readConfigFile(dir, undefined)).file : '');
  return tests.map((test, i) => ({
    file,
    pointer: `/tests/${i}`,
    test,
    config: test.config === undefined ? fallback : path.resolve(dir, test.config),
  }));
}

/** Reads the `tests` a config file holds itself (none when it has no `tests`). */
export async function readConfigTests(configFile: string): Promise<LoadedTest[]> {
  const read = await parse(configFile);
  const { value } = read;
  if (value === null || value.tests === undefined) return [];
  validate(read, { tests: value.tests });
  return (value.tests as TestCase[]).map((test, i) => ({
    file: configFile,
    pointer: `/tests/${i}`,
    test,
    config: test.config === undefined ? configFile : path.resolve(path.dirname(configFile), test.config),
  }));
}

/**
 * Finds and reads the tests to run: the files named, or else the config's own `tests` and every
 * `*.test.json` (or `.yaml`, `.yml`) in its directory.
 *
 * @throws TestFileError (`TAPLINE_ERR_TEST_NOT_FOUND` when there is no test), ConfigNotFoundError
 */
export async function findTests(opts: FindTestsOptions = {}): Promise<LoadedTest[]> {
  const cwd = path.resolve(opts.cwd ?? process.cwd());
  const explicit = opts.config === undefined ? undefined : path.resolve(cwd, opts.config);
  const tests: LoadedTest[] = [];
  if (opts.files !== undefined && opts.files.length > 0) {
    for (const f of opts.files) tests.push(...(await readTestFile(path.resolve(cwd, f), explicit)));
    if (tests.length > 0) return tests;
    const message = `No tests in ${opts.files.join(', ')}: a config names its tests in "tests".`;
    throw new TestFileError('TAPLINE_ERR_TEST_NOT_FOUND', undefined, [], message);
  }
  const config = (await readConfigFile(cwd, opts.config)).file;
  tests.push(...(await readConfigTests(config)));
  const dir = path.dirname(config);
  const names = (await readdir(dir)).filter((n) => TEST_FILE.test(n)).sort();
  for (const name of names) tests.push(...(await readTestFile(path.join(dir, name), config)));
  if (tests.length === 0) {
    throw new TestFileError(
      'TAPLINE_ERR_TEST_NOT_FOUND',
      config,
      [],
      `No tests found for ${config}: write NAME.test.json (or .yaml) beside it (see the "$schema" ` +
        'pipeline.test.schema.json of @tapline/host), or name test files: tapline test FILE…',
    );
  }
  return tests;
}
