import type { TypeName } from '@tapline/core';
import { ChainError, accepts, resolveType, type AnyManifest } from '@tapline/core/internal';
import type { PluginOrigin } from '../plugins/resolve-plugin.js';

/** A step whose plugin is loaded and options validated, before its domain exists. */
export interface PlannedStep {
  readonly id: string;
  readonly specifier: string;
  readonly url: string;
  readonly manifest: AnyManifest;
  readonly options: unknown;
  /** Where the plugin was loaded from. */
  readonly origin: PluginOrigin;
  input: TypeName;
  output: TypeName;
}

/**
 * Resolves each step's input and output types and checks the chain: the first step is a source,
 * no other step is one, and every step accepts what the one before it emits.
 *
 * @throws ChainError `TAPLINE_ERR_EMPTY_PIPELINE`, `TAPLINE_ERR_NOT_A_SOURCE`,
 *   `TAPLINE_ERR_SOURCE_NOT_FIRST` or `TAPLINE_ERR_TYPE_MISMATCH` (naming both steps and both types)
 */
export function checkChain(steps: PlannedStep[]): void {
  const first = steps[0];
  if (first === undefined) {
    throw new ChainError(
      'TAPLINE_ERR_EMPTY_PIPELINE',
      'The pipeline has no enabled step; add a source step first.',
    );
  }
  if (first.manifest.kind !== 'source') {
    throw new ChainError(
      'TAPLINE_ERR_NOT_A_SOURCE',
      `The first step "${first.id}" (plugin ${first.manifest.name}) is not a source (its manifest ` +
        "does not declare kind: 'source'); put a source plugin (such as @tapline/plugin-zmq-source) first.",
      { step: first.id, plugin: first.manifest.name },
    );
  }
  let fed: TypeName = 'any';
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    if (i > 0 && step.manifest.kind === 'source') {
      throw new ChainError(
        'TAPLINE_ERR_SOURCE_NOT_FIRST',
        `Step "${step.id}" (plugin ${step.manifest.name}) is a source, but only the first step takes ` +
          `messages in; this pipeline's source is "${first.id}". Run a second source as its own ` +
          'pipeline, or disable one of them.',
        { step: step.id, plugin: step.manifest.name, source: first.id },
      );
    }
    step.input = resolveType(step.manifest.input, step.options, fed);
    step.output = resolveType(step.manifest.output, step.options, i === 0 ? step.input : fed);
    const prev = steps[i - 1];
    if (prev !== undefined && !accepts(step.input, prev.output)) {
      throw new ChainError(
        'TAPLINE_ERR_TYPE_MISMATCH',
        `Step "${step.id}" (plugin ${step.manifest.name}) takes ${step.input}, but the step before it, ` +
          `"${prev.id}" (plugin ${prev.manifest.name}), emits ${prev.output}; ` +
          'reorder the steps, change their options, or add a step that converts between the two.',
        { from: prev.id, fromType: prev.output, to: step.id, toType: step.input },
      );
    }
    fed = step.output;
  }
}
