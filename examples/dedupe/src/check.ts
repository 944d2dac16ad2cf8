import type { Problem } from '@tapline/core';
import type { DedupeOptions } from './options.js';

/** Checks beyond the schema, each problem at its path in the options. */
export function checkOptions(options: DedupeOptions): Problem[] {
  return typeof options.key !== 'string' && new Set(options.key).size !== options.key.length
    ? [{ path: '/key', message: 'lists a field twice' }]
    : [];
}
