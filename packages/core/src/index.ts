/**
 * `@tapline/core`: the plugin API, everything a Tapline domain plugin is written against and
 * nothing else. What only the host uses lives in `@tapline/core/internal`; helpers for plugins
 * with ZeroMQ sockets and files in `@tapline/core/curve` and `@tapline/core/io`; the condition
 * language in `@tapline/core/condition`.
 * @packageDocumentation
 */
export {
  BaseDomain,
  type AnyDomain,
  type DomainHookViews,
  type DomainIdentity,
  type ExecuteResult,
  type HookView,
} from './base-domain.js';
export { SourceDomain, type AnySource, type Outcome } from './source-domain.js';
export { DROP, dropWith, type Drop, type DropWith } from './drop.js';
export { createMessageContext, type MessageContext } from './message-context.js';
export type { ErrorEvent, SuccessEvent } from './events.js';
export { batchRoom, type Intake } from './intake.js';
/** The types of `BaseDomain`'s wiring fields, which the host sets: `@internal`, out of the plugin API. */
export type { StepCounter, StepLedger } from './step-meter.js';
export {
  API_VERSION,
  definePlugin,
  type FieldType,
  type FieldTypes,
  type LateDeadLetter,
  type OptionsOf,
  type PluginContext,
  type PluginManifest,
  type TypeSpec,
} from './plugin.js';
export type { BuiltinTypeName, JsonRecord, OutputBooks, Receipt, TypeName } from './types.js';
export {
  AddressError,
  BrokerError,
  ConfigError,
  CurveError,
  DecodeError,
  DeliveryError,
  ExportError,
  ExpressionError,
  MessageTooLargeError,
  PluginError,
  ShutdownError,
  TaplineError,
  TransformError,
  ValidationError,
  messageOf,
  type ExportOutcome,
  type Problem,
} from './errors.js';
export { codeOf, type ErrorCode } from './error-code.js';
export {
  PATH_PATTERN,
  deletePath,
  getParent,
  getPath,
  parsePath,
  pathProblem,
  pathReader,
  pathWriter,
  setPath,
  type PathReader,
  type PathWriter,
  type Segment,
} from './field-path.js';
export type { LogFn, Logger } from './logger.js';
export { ThrottledReport, type ReportChannel, type ReportWriter } from './throttled-report.js';
/** TypeBox, for plugin options schemas: `Type.Object({ ... })`. */
export { Type, type Static, type TSchema } from '@sinclair/typebox';
/** prom-client, for plugins that register metrics in `ctx.registry`. */
export * as prometheus from './prometheus.js';
