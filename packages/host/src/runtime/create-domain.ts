import { PluginError, type AnyDomain, type PluginContext } from '@tapline/core';
import { PluginLoadError } from '@tapline/core/internal';
import type { PlannedStep } from '../plan/chain.js';

function looksLikeDomain(value: unknown): value is AnyDomain {
  const d = value as Partial<AnyDomain> | null;
  return (
    d !== null &&
    typeof d === 'object' &&
    typeof d.handle === 'function' &&
    typeof d.handleBatch === 'function' &&
    typeof d.onHandled === 'function' &&
    typeof d.initialize === 'function' &&
    typeof d.shutdown === 'function'
  );
}

/** Creates a step's domain with its plugin, and checks that it is one, made for this step. */
export async function createDomain(p: PlannedStep, ctx: PluginContext): Promise<AnyDomain> {
  let domain: unknown;
  try {
    domain = await p.manifest.create(p.options, ctx);
  } catch (err) {
    throw new PluginError(p.id, p.manifest.name, 'create', err);
  }
  const name = p.manifest.name;
  if (!looksLikeDomain(domain)) {
    throw new PluginLoadError(
      'TAPLINE_ERR_PLUGIN_INVALID',
      p.id,
      name,
      'its create() did not return a BaseDomain',
    );
  }
  if (domain.id !== p.id) {
    throw new PluginLoadError(
      'TAPLINE_ERR_PLUGIN_INVALID',
      p.id,
      name,
      `its domain's id is "${domain.id}", not the step id; pass the context to the BaseDomain constructor (super(ctx))`,
    );
  }
  return domain;
}
