/**
 * `@tapline/core/internal`: what the Tapline host shares with core and plugins do not use. Not
 * part of the plugin API: it may change in any release.
 * @packageDocumentation
 */
export { DurationWindow, percentile } from './duration-window.js';
export { DurationHistogram, bucketBound } from './duration-histogram.js';
export { StepMeter, type StepLedger } from './step-meter.js';
export { markOf } from './message-context.js';
export { errorEvent } from './events.js';
