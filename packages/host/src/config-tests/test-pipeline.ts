import { createMessageContext, messageOf, prometheus } from '@tapline/core';
import { forwardRecord, isSource, silentLogger } from '@tapline/core/internal';
import type { LoadedConfig } from '../config/loaded-config.js';
import type { PlannedStep } from '../plan/chain.js';
import { createDomain } from '../runtime/create-domain.js';
import { checkKinds, hostStepOf, pluginContext } from '../runtime/host-step.js';
import type { StepSpan } from './step-names.js';
import type { TestInput } from './test-file-schema.js';
import { TestTrace, snapshot } from './test-trace.js';
import { wireTrace, type Cursor, type TestStep } from './wire-trace.js';

/**
 * The steps under test of one test, wired to a {@link TestTrace} instead of the host's
 * accounting. Nothing is opened: the source is fed through its own `handle` (never initialized
 * or started), a terminal exporter writes to an in-memory target, and only the steps between
 * them are initialized, as `tapline run` would.
 */
export class TestPipeline {
  /** The message being handed on: what the exporter's captured writes belong to. */
  private readonly cursor: Cursor = { message: undefined };

  private constructor(
    readonly steps: readonly TestStep[],
    /** The pipeline's source step id, which every message names. */
    readonly sourceId: string,
    /** Whether the steps under test begin with the source (frames may be fed). */
    readonly startsAtSource: boolean,
    readonly registry: prometheus.Registry,
    private readonly controller: AbortController,
    readonly trace: TestTrace,
    /** The config's `runtime.maxInFlight`: how many inputs may be in flight at once, as in a run. */
    readonly maxInFlight: number,
  ) {}

  /**
   * Creates the domains of the steps in `span` with their plugins' real `create` and wires them
   * to a trace of `inputs` inputs that keeps the output of the steps in `kept`.
   */
  static async build(
    config: LoadedConfig,
    planned: readonly PlannedStep[],
    span: StepSpan,
    { inputs, kept }: { readonly inputs: number; readonly kept: ReadonlySet<string> },
  ): Promise<TestPipeline> {
    const registry = new prometheus.Registry();
    const controller = new AbortController();
    const steps: TestStep[] = [];
    try {
      for (const p of planned.slice(span.from, span.to + 1)) {
        const shared = { logger: silentLogger, registry, signal: controller.signal };
        const domain = await createDomain(p, pluginContext(p, config.dir, shared));
        steps.push({ id: p.id, plugin: p.manifest.name, output: p.output, domain, passive: false });
        checkKinds([hostStepOf(p, domain)]);
      }
    } catch (err) {
      await Promise.allSettled(steps.map(async (s) => s.domain.shutdown()));
      throw err;
    }
    const trace = new TestTrace(inputs, kept);
    const { maxInFlight } = config.runtime;
    const pipeline = new TestPipeline(
      steps,
      planned[0]!.id,
      span.from === 0,
      registry,
      controller,
      trace,
      maxInFlight,
    );
    wireTrace(steps, trace, pipeline.cursor);
    return pipeline;
  }

  /** Initializes the steps that run, downstream first; never the source, which would bind its socket. */
  async initialize(): Promise<{ step: string; error: unknown } | undefined> {
    for (let i = this.steps.length - 1; i >= 0; i--) {
      const step = this.steps[i]!;
      if (step.passive || isSource(step.domain)) continue;
      try {
        await step.domain.initialize();
      } catch (error) {
        return { step: step.id, error };
      }
    }
    return undefined;
  }

  /** Why these inputs cannot be fed to the steps under test, or undefined. */
  refuse(inputs: readonly TestInput[]): string | undefined {
    if (this.startsAtSource) return undefined;
    const frame = inputs.findIndex((input) => !('record' in input));
    if (frame < 0) return undefined;
    return (
      `input ${frame + 1} is a raw frame, which only the source "${this.sourceId}" decodes; ` +
      'start the steps under test at it, or give a record'
    );
  }

  /**
   * Hands one input to the steps under test: a frame to the source's own `handle` (its
   * `execute` decodes it), a record to the first step after the source.
   */
  feed(input: TestInput, index: number): void {
    const first = this.steps[0]!;
    if (!('record' in input)) {
      const frame =
        input.frame !== undefined
          ? Buffer.from(input.frame, 'utf8')
          : Buffer.from(input.frameBase64!, 'base64');
      const message = createMessageContext(this.sourceId, frame);
      this.trace.begin(message, index, frame);
      this.cursor.message = message;
      void first.domain.handle(frame, message);
      return;
    }
    const record = snapshot(input.record);
    const message = createMessageContext(this.sourceId, snapshot(record));
    this.trace.begin(message, index, record);
    this.cursor.message = message;
    // The source is replaced by the input: its record leaves the source as a decoded one would.
    if (this.startsAtSource) forwardRecord(first.domain, record, message);
    else if (!first.passive) void first.domain.handle(record, message);
    else {
      this.trace.emit(first.id, record, message);
      this.trace.reachEnd(snapshot(record), message);
      this.trace.complete(message);
    }
  }

  /** Shuts every step down, in pipeline order; returns what failed. */
  async shutdown(): Promise<Array<{ step: string; message: string; error: unknown }>> {
    const failed: Array<{ step: string; message: string; error: unknown }> = [];
    this.controller.abort();
    for (const step of this.steps) {
      try {
        await step.domain.shutdown();
      } catch (error) {
        failed.push({ step: step.id, message: messageOf(error), error });
      }
    }
    return failed;
  }
}
