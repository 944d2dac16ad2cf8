import {
  ChainError,
  isSource,
  type AnyDomain,
  type Logger,
  type PluginContext,
  type prometheus,
} from '@tapline/core';
import type { PlannedStep } from './chain.js';
import type { HostStep } from './host-types.js';

/** What every step's context shares: the host's logger, registry and stop signal. */
export interface ContextShared {
  readonly logger: Logger;
  readonly registry: prometheus.Registry;
  readonly signal: AbortSignal;
}

/** The context a step's plugin is created with; its logger names the step. */
export function pluginContext(p: PlannedStep, configDir: string, shared: ContextShared): PluginContext {
  return {
    id: p.id,
    plugin: p.manifest.name,
    logger: shared.logger.child({ step: p.id }),
    registry: shared.registry,
    configDir,
    signal: shared.signal,
  };
}

/** A host step: its plan and the domain made (or kept) for it. */
export function hostStepOf(p: PlannedStep, domain: AnyDomain): HostStep {
  const { id, specifier, url, origin, input, output } = p;
  return {
    id,
    plugin: p.manifest.name,
    specifier,
    url,
    origin,
    kind: domain.kind,
    input,
    output,
    domain,
    planned: p,
  };
}

/**
 * The manifest said the first step is a source (the chain check relies on it); its domain must
 * be one too.
 *
 * @throws ChainError `TAPLINE_ERR_NOT_A_SOURCE`
 */
export function checkSourceDomain(steps: readonly HostStep[]): void {
  const first = steps[0]!;
  if (!isSource(first.domain) || typeof (first.domain as { start?: unknown }).start !== 'function') {
    throw new ChainError(
      'TAPLINE_ERR_NOT_A_SOURCE',
      `The first step "${first.id}" (plugin ${first.plugin}) declares kind "source" but its domain is not a SourceDomain.`,
      { step: first.id, plugin: first.plugin },
    );
  }
}
