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
  const p = e.params;
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
        ? `must not be ${JSON.stringify(e.schema.const)}; use an object or false`
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

/** A branch of a union, as far as telling branches apart needs. */
type Branch = { properties?: Record<string, unknown> };

/** The one value a schema allows, when it allows exactly one (`const`, or an enum of one). */
function literal(schema: unknown): { value: unknown } | undefined {
  if (schema === null || typeof schema !== 'object') return undefined;
  if ('const' in schema) return { value: schema.const };
  const values = (schema as { enum?: unknown[] }).enum;
  return values?.length === 1 ? { value: values[0] } : undefined;
}

const list = (values: readonly unknown[]) => values.map((v) => JSON.stringify(v)).join(', ');

/**
 * What a failed union of literals or of tagged objects should say instead of every branch's
 * complaint: a union of literals is one "must be one of"; a union of objects told apart by one
 * literal key (`type`) keeps only the errors of the branch the data names, or says which values
 * that key may take. Undefined for other unions, whose branch errors all stand.
 */
function narrowUnion(
  union: ErrorObject,
): { keep: number } | { problem: { path: string; message: string; locateAt?: string } } | undefined {
  const branches = union.schema as Branch[] | undefined;
  if (!Array.isArray(branches) || branches.length === 0) return undefined;
  const literals = branches.map(literal);
  if (literals.every((l) => l !== undefined)) {
    return {
      problem: { path: union.instancePath, message: `must be one of ${list(literals.map((l) => l.value))}` },
    };
  }
  const data = union.data as Record<string, unknown> | null;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const tags = Object.keys(branches[0]?.properties ?? {}).filter((key) =>
    branches.every((b) => literal(b.properties?.[key]) !== undefined),
  );
  for (const tag of tags) {
    const values = branches.map((b) => literal(b.properties![tag])!.value);
    if (new Set(values).size !== values.length) continue; // this key does not tell the branches apart
    const i = values.indexOf(data[tag]);
    if (i >= 0) return { keep: i };
    const path = childPointer(union.instancePath, tag);
    return data[tag] === undefined
      ? {
          problem: {
            path,
            message: `missing required key "${tag}": one of ${list(values)}`,
            locateAt: union.instancePath,
          },
        }
      : { problem: { path, message: `must be one of ${list(values)}` } };
  }
  return undefined;
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
  const all = errors ?? [];
  // Unions first: which branch errors to pass over, and what to say instead.
  const skip: string[] = [];
  const instead = new Map<ErrorObject, { path: string; message: string; locateAt?: string }>();
  for (const e of all) {
    if (e.keyword !== 'anyOf' && e.keyword !== 'oneOf') continue;
    const narrowed = narrowUnion(e);
    if (narrowed === undefined) continue;
    const branches = (e.schema as unknown[]).length;
    for (let i = 0; i < branches; i++) {
      if (!('keep' in narrowed) || narrowed.keep !== i) skip.push(`${e.schemaPath}/${i}/`);
    }
    if ('problem' in narrowed) instead.set(e, narrowed.problem);
  }
  const seen = new Set<string>();
  const problems: Problem[] = [];
  const add = (path: string, message: string, where = path, key = false) => {
    const dedupe = `${path}\0${message}`;
    if (seen.has(dedupe)) return;
    seen.add(dedupe);
    problems.push({ path, message, ...source?.locate(where, key) });
  };
  for (const e of all) {
    // Errors of a branch the data does not take, nested unions in it included.
    if (skip.some((prefix) => e.schemaPath.startsWith(prefix))) continue;
    const replaced = instead.get(e);
    if (replaced !== undefined) {
      add(base + replaced.path, replaced.message, base + (replaced.locateAt ?? replaced.path));
      continue;
    }
    // anyOf/oneOf summaries repeat what their branches said.
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf' || e.keyword === 'if') continue;
    const p = e.params;
    const at = base + e.instancePath;
    if (e.keyword === 'additionalProperties') {
      add(childPointer(at, String(p.additionalProperty)), describe(e), undefined, true);
    } else if (e.keyword === 'required') {
      add(childPointer(at, String(p.missingProperty)), describe(e), at);
    } else {
      add(at, describe(e));
    }
  }
  return problems;
}
