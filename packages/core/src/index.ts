/**
 * `@tapline/core`: everything a Tapline domain plugin is written against.
 * @packageDocumentation
 */
export { BaseDomain, type AnyDomain, type DomainIdentity, type ExecuteResult } from './base-domain.js';
export { SourceDomain, isSource, type AnySource, type Outcome } from './source-domain.js';
export { DROP, dropWith, isDrop, type Drop, type DropWith } from './drop.js';
export { createMessageContext, type MessageContext } from './message-context.js';
export { FORWARD_OPERATION, HANDLE_OPERATION, type ErrorEvent, type SuccessEvent } from './events.js';
export { batchRoom, unboundedIntake, type Intake } from './intake.js';
/** What the Monitor and the host give a step to report to; not for plugins. @internal */
export { StepMeter, type StepLedger } from './step-meter.js';
/** @internal */
export { DurationHistogram } from './duration-histogram.js';
export { Monitor, type MonitorMetrics, type MonitorOptions, type OperationMetrics } from './monitor.js';
/** The shape of `OperationMetrics.durations` and of the host's latency in `getMetrics()`. */
export type { DurationStats } from './duration-window.js';
export {
  API_VERSION,
  definePlugin,
  resolveType,
  type AnyManifest,
  type FieldType,
  type FieldTypes,
  type OptionsOf,
  type PluginContext,
  type PluginManifest,
  type TypeSpec,
} from './plugin.js';
export {
  BUILTIN_TYPE_NAMES,
  accepts,
  type BuiltinTypeName,
  type JsonRecord,
  type OutputBooks,
  type Receipt,
  type TypeName,
} from './types.js';
export * from './errors.js';
export { expandEnv } from './env.js';
export {
  PATH_PATTERN,
  deletePath,
  getParent,
  getPath,
  parsePath,
  pathProblem,
  setPath,
  type Segment,
} from './field-path.js';
export { ERROR_CODES, codeOf, type ErrorCode, type ErrorCodeInfo } from './error-codes.js';
export { LineFile, type LineFileOptions } from './io/line-file.js';
export { deferred, type Deferred } from './io/deferred.js';
export { withRetry, type RetryPolicy } from './io/retry.js';
/** CURVE keys and the process's ZAP handler, for plugins with ZeroMQ sockets. */
export * from './curve/index.js';
export { silentLogger, type LogFn, type Logger } from './logger.js';
export {
  ThrottledReport,
  reportIntervalMs,
  type ReportChannel,
  type ReportWriter,
} from './throttled-report.js';
/** TypeBox, for plugin options schemas: `Type.Object({ ... })`. */
export { Type, type Static, type TSchema } from '@sinclair/typebox';
/** prom-client, for plugins that register metrics in `ctx.registry`. */
export * as prometheus from './prometheus.js';
