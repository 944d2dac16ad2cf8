import type { Problem } from '@tapline/core';
import { expandEnv } from '@tapline/core/internal';
import { childPointer, type ConfigSource } from './config-source.js';

/** Variables found unset while expanding: where, and which. */
export interface UnsetVariable {
  readonly name: string;
  readonly pointer: string;
}

/** Fills `${VAR}` in one string (core's `expandEnv`), collecting unset variables with where they are. */
export function expandString(
  value: string,
  env: NodeJS.ProcessEnv,
  pointer: string,
  unset: UnsetVariable[],
): string {
  return expandEnv(value, env, (name) => unset.push({ name, pointer }));
}

/** Returns a copy of a JSON value with every string expanded; object keys are left as written. */
export function expandValue(
  value: unknown,
  env: NodeJS.ProcessEnv,
  pointer: string,
  unset: UnsetVariable[],
): unknown {
  if (typeof value === 'string') return expandString(value, env, pointer, unset);
  if (Array.isArray(value)) return value.map((v, i) => expandValue(v, env, childPointer(pointer, i), unset));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = expandValue(v, env, childPointer(pointer, k), unset);
    return out;
  }
  return value;
}

/** Problems for unset variables, positioned in the file when it is known. */
export function unsetProblems(unset: readonly UnsetVariable[], source?: ConfigSource): Problem[] {
  return unset.map(({ name, pointer }) => ({
    path: pointer,
    message: `environment variable ${name} is not set and has no default; set it or write \${${name}:-default}`,
    ...source?.locate(pointer),
  }));
}
