/**
 * `@tapline/core/internal`: what the Tapline host, CLI and testkit share with core and plugins
 * do not use. Not part of the plugin API: it may change in any release.
 * @packageDocumentation
 */
export { forwardRecord, hooksOf, type DomainHooks } from './base-domain.js';
export { connectIntake, isSource } from './source-domain.js';
export { markOf } from './message-context.js';
export { errorEvent } from './events.js';
export { Monitor, type MonitorMetrics, type MonitorOptions, type OperationMetrics } from './monitor.js';
export { DurationWindow, percentile, type DurationStats } from './duration-window.js';
export { DurationHistogram, bucketBound } from './duration-histogram.js';
export { StepMeter, type StepCounter, type StepLedger } from './step-meter.js';
export { accepts } from './types.js';
export { resolveType, type AnyManifest } from './plugin.js';
export { silentLogger } from './logger.js';
export { ERROR_CODES, type ErrorCodeInfo } from './error-codes.js';
export {
  ChainError,
  ConfigNotFoundError,
  PluginLoadError,
  TapQueryError,
  TestFileError,
  codeLabel,
  errorTypeOf,
  formatProblems,
  problemsOf,
  reportedCodes,
  type ConfigPosition,
  type ReportedCodes,
} from './errors.js';
export { expandEnv } from './env.js';
export { reportIntervalMs } from './throttled-report.js';
