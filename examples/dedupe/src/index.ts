import { API_VERSION, definePlugin } from '@tapline/core';
import { checkOptions } from './check.js';
import { DedupeDomain } from './dedupe-domain.js';
import { dedupeOptions } from './options.js';

export { DedupeDomain } from './dedupe-domain.js';
export { dedupeOptions, type DedupeOptions } from './options.js';

/** Drops records whose key was seen within a time window; forwards the rest unchanged. */
export default definePlugin({
  name: 'tapline-plugin-dedupe',
  apiVersion: API_VERSION,
  description: 'Drops records seen again (by key) within a time window.',
  input: 'record',
  // Forwarded records are the records it was fed, so it emits what it is fed.
  output: (_options, input) => input,
  options: dedupeOptions,
  check: checkOptions,
  create: (options, ctx) => new DedupeDomain(options, ctx),
});
