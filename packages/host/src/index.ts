/**
 * `@tapline/host`: turns a pipeline config into a running, monitored pipeline: config loading
 * and validation, the plugin loader, the orchestrator, accounting and dead letters.
 * @packageDocumentation
 */
export {
  loadConfig,
  readConfig,
  CONFIG_SEARCH_PLACES,
  type LoadConfigOptions,
} from './config/load-config.js';
export type { ReadConfig } from './config/config-of.js';
export type { LoadedConfig, MonitorHttpConfig, StepConfig } from './config/loaded-config.js';
export { validatePluginOptions, type OptionsLocation } from './config/plugin-options.js';
export { configSchemaPath, configJsonSchema } from './config/schema.js';
export { ConfigSource, type Position } from './config/config-source.js';
export { defaultStepId, isPathSpecifier } from './config/step-ids.js';
export { createHost } from './runtime/create-host.js';
export { loadPipeline, planPipeline, type PlanOptions, type PlannedPipeline } from './plan/plan-pipeline.js';
export type { PlannedStep } from './plan/chain.js';
export { fieldOrderWarnings, type FieldOrderWarning } from './plan/field-order.js';
export { Host } from './runtime/host.js';
export type {
  CreateHostOptions,
  HostMetrics,
  HostState,
  HostStep,
  StopReport,
} from './runtime/host-types.js';
export type { AccountingSnapshot } from './runtime/accounting.js';
export type { LateLettersSnapshot } from './runtime/late-letters.js';
export { loadPlugin, checkManifest, type LoadedPlugin } from './plugins/load-plugin.js';
export { resolvePlugin, type PluginOrigin } from './plugins/resolve-plugin.js';
export type { PluginPackage } from './plugins/plugin-package.js';
export { outsidePluginFiles } from './plugins/outside-config.js';
export { runApplication, type RunApplicationOptions } from './app/run-application.js';
export {
  startMonitoringServer,
  type MonitoringServer,
  type MonitoringServerOptions,
  type MonitoringSource,
  type MonitoredMetrics,
  type HistorySample,
  type MetricsHistoryOptions,
  type MetricsHistorySnapshot,
  type StepCounts,
} from './http/index.js';
export type { RecentFailure, RecentFailuresSnapshot } from './runtime/recent-failures.js';
export {
  runTests,
  findTests,
  formatResult,
  formatSummary,
  testSchemaPath,
  testFileJsonSchema,
  TestFile,
  type RunTestsOptions,
  type FindTestsOptions,
  type LoadedTest,
  type TestReport,
  type TestResult,
  type TestFailure,
} from './config-tests/index.js';
export {
  readDeadLetters,
  withRotated,
  type DeadLetter,
  type ReadLine,
} from './dead-letters/read-dead-letters.js';
export {
  summarizeDeadLetters,
  type DeadLetterGroup,
  type DeadLetterSummary,
} from './dead-letters/summarize.js';
export { ReplayLedger, letterId, type LedgerEntry, type ReplayState } from './replay/replay-ledger.js';
export { letterEntry, type LetterEntry, type ReplayFrom } from './replay/letter-entry.js';
export {
  hostSink,
  replayLetters,
  type ReplayOptions,
  type ReplayReport,
  type ReplaySink,
} from './replay/replay-letters.js';
export type { ReplayEntry } from './runtime/inject.js';
export * from './tap/index.js';
export { lineDiff } from './config-tests/line-diff.js';
export type { TapTarget } from './http/tap-route.js';
