import type { AnySource } from '@tapline/core';
import type { PluginStep } from '../plugin-step.js';
import type { TestContextOptions } from '../test-context.js';

/**
 * Delivers raw messages to a started source the way the outside world would (sends them to its
 * socket, writes them to its file). The contract then waits until each has been handled.
 */
export type SourceDriver = (
  domain: AnySource,
  inputs: readonly unknown[],
  step: PluginStep<AnySource>,
) => Promise<void>;

/** What {@link describePluginContract} needs to exercise a plugin. */
export interface PluginContractOptions {
  /** Raw step options that must validate; the schema's defaults fill in the rest. */
  validOptions: unknown;
  /**
   * Options that must be rejected, each with the JSON pointer (relative to the step's options,
   * `/windowMs`; `''` for the options object itself) of a problem the rejection must list.
   */
  invalidOptions?: ReadonlyArray<{ readonly options: unknown; readonly path: string }>;
  /** Inputs the domain must handle without error (forward or drop). Sources need a `driver`. */
  sampleInputs?: readonly unknown[];
  /** An input that makes `execute` throw; it must come back as an error event. */
  throwingInput?: unknown;
  /** The `errorType` that `throwingInput` must produce (a `TAPLINE_ERR_*` code, say). */
  errorType?: string;
  /** Context fields for every step the suite creates; a function is called once per step. */
  context?: TestContextOptions | (() => TestContextOptions);
  /** For sources: delivers `sampleInputs` (and `throwingInput`) once the source has started. */
  driver?: SourceDriver;
  /** How long a driven source may take to handle what it was sent (default 5000 ms). */
  settleTimeoutMs?: number;
}
