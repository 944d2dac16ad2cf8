/**
 * `@tapline/core/io`: files and retries for plugins that write (a line file that rotates and
 * reopens, a promise settled from outside, retries with backoff).
 * @packageDocumentation
 */
export { LineFile, type LineFileOptions } from './line-file.js';
export { deferred, type Deferred } from './deferred.js';
export { withRetry, type RetryPolicy } from './retry.js';
