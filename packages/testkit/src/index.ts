/**
 * `@tapline/testkit`: run a plugin's domain without a host, and check a plugin against the
 * Tapline plugin contract in one line.
 * @packageDocumentation
 */
export { createTestContext, type TestContext, type TestContextOptions } from './test-context.js';
export { createCaptureLogger, type LogEntry } from './capture-logger.js';
export { recordDomain, type DomainRecording, type StepOutcome } from './record-domain.js';
export { readNdjson } from './read-ndjson.js';
export { connectIntake } from './connect-intake.js';
export { eventually, type EventuallyOptions } from './eventually.js';
export { runDomain, type MessageOutcome, type RunDomainOptions, type RunDomainResult } from './run-domain.js';
export { validateOptions, type OptionsResult, type ValidateOptionsSettings } from './validate-options.js';
export { createPluginStep, type PluginStep, type PluginStepOptions } from './plugin-step.js';
export { describePluginContract } from './contract/describe-plugin-contract.js';
export type { PluginContractOptions, SourceDriver } from './contract/contract-options.js';
export { matchesType } from './contract/type-check.js';
