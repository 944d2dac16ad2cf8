import type { AnyDomain, Logger, PluginContext, prometheus } from '@tapline/core';
import { ChainError, PluginLoadError, isSource } from '@tapline/core/internal';
import type { PlannedStep } from '../plan/chain.js';
import type { HostStep } from './host-types.js';
import type { LateLetters } from './late-letters.js';

/** What every step's context shares: the host's logger, registry, stop signal and late letters. */
export interface ContextShared {
  readonly logger: Logger;
  readonly registry: prometheus.Registry;
  readonly signal: AbortSignal;
  /** Where a step's late dead letters go; none kept (counted as written) when absent. */
  readonly lateLetters?: LateLetters;
}

const NO_LATE_LETTERS = (): Promise<boolean> => Promise.resolve(true);

/** The context a step's plugin is created with; its logger names the step. */
export function pluginContext(p: PlannedStep, configDir: string, shared: ContextShared): PluginContext {
  return {
    id: p.id,
    plugin: p.manifest.name,
    logger: shared.logger.child({ step: p.id }),
    registry: shared.registry,
    configDir,
    signal: shared.signal,
    lateDeadLetter: shared.lateLetters?.forStep(p.id) ?? NO_LATE_LETTERS,
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
    kind: p.manifest.kind === 'source' ? 'source' : 'domain',
    input,
    output,
    domain,
    planned: p,
  };
}

/**
 * Every step's domain is a source exactly when its manifest declares `kind: 'source'`: the chain
 * was checked by the manifests, the host runs each domain by what it is.
 *
 * @throws ChainError `TAPLINE_ERR_NOT_A_SOURCE` when a manifest declares a source and its domain
 *   is not one; PluginLoadError `TAPLINE_ERR_PLUGIN_INVALID` for a source its manifest does not declare
 */
export function checkKinds(steps: readonly HostStep[]): void {
  for (const { id, plugin, kind, domain } of steps) {
    if ((kind === 'source') === isSource(domain)) continue;
    if (kind === 'source') {
      throw new ChainError(
        'TAPLINE_ERR_NOT_A_SOURCE',
        `The first step "${id}" (plugin ${plugin}) declares kind "source" but its domain is not a ` +
          "SourceDomain; a source plugin's create() must return a domain that extends SourceDomain.",
        { step: id, plugin },
      );
    }
    throw new PluginLoadError(
      'TAPLINE_ERR_PLUGIN_INVALID',
      id,
      plugin,
      "its create() returned a SourceDomain, but its manifest does not declare kind: 'source'; " +
        "add kind: 'source' to the manifest (a source must also be the pipeline's first step)",
    );
  }
}
