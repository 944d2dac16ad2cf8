import {
  Monitor,
  createMessageContext,
  isSource,
  messageOf,
  prometheus,
  silentLogger,
  type BaseDomain,
  type MessageContext,
  type PluginContext,
} from '@tapline/core';
import type { LoadedConfig } from '../config/loaded-config.js';
import type { PlannedStep } from '../runtime/chain.js';
import { createDomain } from '../runtime/create-host.js';
import { captureTargets } from './capture-exporter.js';
import type { StepSpan } from './step-names.js';
import type { TestInput } from './test-file-schema.js';
import { TestTrace, snapshot } from './test-trace.js';

/** A step under test: its plan and the domain its plugin's real `create` made. */
interface TestStep {
  readonly id: string;
  readonly plugin: string;
  readonly output: string;
  readonly domain: BaseDomain<any, any>;
  /** Not run: a terminal exporter whose targets cannot be captured; what reaches it is the end. */
  passive: boolean;
}

/**
 * The steps under test of one test, wired to a {@link TestTrace} instead of the host's
 * accounting. Nothing is opened: the source is fed through its own `handle` (never initialized
 * or started), a terminal exporter writes to an in-memory target, and only the steps between
 * them are initialized, as `tapline run` would.
 */
export class TestPipeline {
  readonly trace: TestTrace;
  private current: MessageContext | undefined;

  private constructor(
    readonly steps: readonly TestStep[],
    /** The pipeline's source step id, which every message names. */
    readonly sourceId: string,
    /** Whether the steps under test begin with the source (frames may be fed). */
    readonly startsAtSource: boolean,
    readonly registry: prometheus.Registry,
    inputs: number,
  ) {
    this.trace = new TestTrace(inputs);
  }

  /** Creates the domains of the steps in `span` with their plugins' real `create` and wires them. */
  static async build(
    config: LoadedConfig,
    planned: readonly PlannedStep[],
    span: StepSpan,
    inputs: number,
  ): Promise<TestPipeline> {
    const registry = new prometheus.Registry();
    const monitor = new Monitor({ durationsWindow: config.monitor.durationsWindow });
    const controller = new AbortController();
    const steps: TestStep[] = [];
    try {
      for (const p of planned.slice(span.from, span.to + 1)) {
        const ctx: PluginContext = {
          id: p.id,
          plugin: p.manifest.name,
          logger: silentLogger,
          registry,
          monitor,
          configDir: config.dir,
          signal: controller.signal,
        };
        const domain = await createDomain(p, ctx);
        steps.push({ id: p.id, plugin: p.manifest.name, output: p.output, domain, passive: false });
      }
    } catch (err) {
      await Promise.allSettled(steps.map(async (s) => s.domain.shutdown()));
      throw err;
    }
    const pipeline = new TestPipeline(steps, planned[0]!.id, span.from === 0, registry, inputs);
    pipeline.wire();
    return pipeline;
  }

  private wire(): void {
    const { trace, steps } = this;
    const last = steps[steps.length - 1]!;
    if (last.output === 'receipt') {
      const captured = captureTargets(last.domain, (json) => {
        const record: unknown = JSON.parse(json);
        trace.emit(last.id, record, this.current!);
        trace.reachEnd(snapshot(record), this.current!);
      });
      last.passive = !captured;
    }
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i]!;
      if (step.passive) break;
      const domain = step.domain;
      domain.onDropped((_event, message) => trace.drop(step.id, message), 'tapline:test');
      domain.onError((event, message) => trace.fail(event, message), 'tapline:test');
      const next = steps[i + 1];
      if (next === undefined) {
        domain.onHandled((output: unknown, message: MessageContext) => {
          // A captured exporter's records are its writes; its receipt is not a record.
          if (step.output !== 'receipt') {
            trace.emit(step.id, output, message);
            trace.reachEnd(snapshot(output), message);
          }
          trace.complete(message);
        }, 'tapline:test');
      } else if (next.passive) {
        domain.onHandled((output: unknown, message: MessageContext) => {
          trace.emit(step.id, output, message);
          trace.emit(next.id, output, message);
          trace.reachEnd(snapshot(output), message);
          trace.complete(message);
        }, 'tapline:test');
      } else {
        domain.onHandled((output: unknown, message: MessageContext) => {
          trace.emit(step.id, output, message);
          this.current = message;
          next.domain.handle(output, message);
        }, 'tapline:test');
      }
    }
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
      this.current = message;
      void first.domain.handle(frame, message);
      return;
    }
    const record = snapshot(input.record);
    const message = createMessageContext(this.sourceId, snapshot(record));
    this.trace.begin(message, index, record);
    this.current = message;
    // The source is replaced by the input: its record leaves the source as a decoded one would.
    if (this.startsAtSource) first.domain.hooks.handled.call(record, message);
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
