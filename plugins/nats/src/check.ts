import type { Problem } from '@tapline/core';
import { connectionProblems } from './connection/options.js';
import type { NatsSourceOptions } from './options.js';

/** Checks beyond the schema, each problem at its path in the options. */
export function checkOptions(options: NatsSourceOptions): Problem[] {
  return connectionProblems(options);
}
