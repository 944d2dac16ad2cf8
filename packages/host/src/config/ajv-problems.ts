import type { Problem } from '@tapline/core';
import type { ErrorObject } from 'ajv';
import { distance } from 'fastest-levenshtein';
import { childPointer, type ConfigSource } from './config-source.js';

/** The one known key close to `key`, if exactly one is. */
export function didYouMean(key: string, known: readonly string[]): string | undefined {
  const limit = key.length <= 3 ? 1 : 2;
  const typed = key.toLowerCase();
  const close = known.filter((k) => {
    const candidate = k.toLowerCase();
    return swapsOne(candidate, typed) || distance(candidate, typed) <= limit;
  });
  return close.length === 1 ? close[0] : undefined;
}

/** Whether two strings differ by one swap of neighbours ("tga" for "tag"), a typo Levenshtein counts as 2. */
function swapsOne(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i < a.length - 1 && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
}

function unknownKey(key: string, parentSchema: unknown): string {
  const props = (parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
  const known = props === undefined ? [] : Object.keys(props);
  const suggestion = didYouMean(key, known);
  if (suggestion !== undefined) return `unknown key "${key}"; did you mean "${suggestion}"?`;
  return known.length > 0 ? `unknown key "${key}"; known keys: ${known.join(', ')}` : `unknown key "${key}"`;
}

function describe(e: ErrorObject): string {
  const p = e.params as Record<string, any>;
  switch (e.keyword) {
    case 'additionalProperties':
      return unknownKey(String(p.additionalProperty), e.parentSchema);
    case 'required':
      return `missing required key "${p.missingProperty}"`;
    case 'type':
      return `must be ${String(p.type).replace(',', ' or ')}, not ${kindOf(e.data)}`;
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}`;
    case 'not':
      return e.schema !== null && typeof e.schema === 'object' && 'const' in e.schema
        ? `must not be ${JSON.stringify((e.schema as { const: unknown }).const)}; use an object or false`
        : (e.message ?? 'is not allowed');
    case 'minLength':
      return p.limit === 1 ? 'must not be empty' : `must be at least ${p.limit} characters long`;
    case 'minItems':
      return p.limit === 1 ? 'must list at least one item' : `must list at least ${p.limit} items`;
    case 'format':
      return `must be a valid ${p.format}`;
    default:
      return e.message ?? `fails ${e.keyword}`;
  }
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' && Number.isInteger(value)) return 'an integer';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * Turns ajv errors (run with `allErrors` and `verbose`) into problems a user can act on, each
 * with its JSON pointer under `base` and, when the file is known, its line and column.
 */
export function ajvProblems(
  errors: readonly ErrorObject[] | null | undefined,
  base = '',
  source?: ConfigSource,
): Problem[] {
  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const e of errors ?? []) {
    // anyOf/oneOf summaries repeat what their branches said.
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf' || e.keyword === 'if') continue;
    const p = e.params as Record<string, any>;
    let path = base + e.instancePath;
    let key = false;
    if (e.keyword === 'additionalProperties') {
      path = childPointer(path, String(p.additionalProperty));
      key = true;
    }
    const where = e.keyword === 'required' ? path : undefined;
    if (e.keyword === 'required') path = childPointer(path, String(p.missingProperty));
    const message = describe(e);
    const dedupe = `${path}\0${message}`;
    if (seen.has(dedupe)) continue;
    seen.add(dedupe);
    problems.push({ path, message, ...source?.locate(where ?? path, key) });
  }
  return problems;
}
