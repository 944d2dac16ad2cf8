import { expect } from 'vitest';
import type { Problem } from '@tapline/core';
import type { AnyManifest } from '@tapline/core/internal';
import { validatePluginOptions } from '@tapline/host';
import { at, declaredDefaults } from './schema-defaults.js';

/** Validates options as the host does. */
export function validate(manifest: AnyManifest, raw: unknown): Promise<unknown> {
  return Promise.resolve(validatePluginOptions(manifest, raw));
}

/** Every default the schema declares is in the validated options when the raw ones left it out. */
export async function expectDefaultsApplied(manifest: AnyManifest, raw: unknown): Promise<void> {
  const validated = await validate(manifest, raw);
  expect(validated, 'validated options').toBeTypeOf('object');
  for (const { path, value } of declaredDefaults(manifest.options)) {
    if (at(raw, path).present || !at(validated, path.slice(0, -1)).present) continue;
    const actual = at(validated, path).value;
    const what = `default of options/${path.join('/')}`;
    // An object default also receives the defaults of its own properties.
    if (isPlainObject(value)) expect(actual, what).toMatchObject(value);
    else expect(actual, what).toEqual(value);
  }
  for (const key of Object.keys(raw ?? {})) {
    expect((validated as Record<string, unknown>)[key], `options/${key} as given`).toBeDefined();
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function pathMatches(problem: Problem, expected: string): boolean {
  const wanted = expected === '/' ? '' : expected;
  const got = problem.path === '/' ? '' : problem.path;
  // The host may report paths from the file's root (`/pipeline/2/options/windowMs`).
  return got === wanted || got.endsWith(`/options${wanted}`);
}

/** The options are refused with TAPLINE_ERR_OPTIONS_INVALID and a problem at `path`. */
export async function expectRejected(manifest: AnyManifest, raw: unknown, path: string): Promise<void> {
  let error: unknown;
  try {
    await validate(manifest, raw);
  } catch (err) {
    error = err;
  }
  expect(error, `options ${JSON.stringify(raw)} must be refused`).toBeDefined();
  expect(error).toMatchObject({ code: 'TAPLINE_ERR_OPTIONS_INVALID' });
  const problems = (error as { problems?: Problem[] }).problems ?? [];
  const paths = problems.map((p) => p.path);
  expect(
    problems.some((p) => pathMatches(p, path)),
    `a problem at "${path}" among ${JSON.stringify(paths)}`,
  ).toBe(true);
}
