import { PluginError, type PluginManifest, type TypeName, type AnyDomain } from '@tapline/core';
import { resolveType } from '@tapline/core/internal';
import { checkManifest, validatePluginOptions } from '@tapline/host';
import { createTestContext, type TestContext, type TestContextOptions } from './test-context.js';

/** A step made from a manifest as the host makes it, but not wired into a pipeline. */
export interface PluginStep<D extends AnyDomain, O = unknown> {
  readonly domain: D;
  /** The options `create` received: validated, defaults applied. */
  readonly options: O;
  readonly context: TestContext;
  /** The step's input type for these options. */
  readonly input: TypeName;
  /** The step's output type for these options, when fed its own input type (or `inputType`). */
  readonly output: TypeName;
}

/** Context fields for {@link createPluginStep}, and the type the step is fed in its chain. */
export interface PluginStepOptions extends TestContextOptions {
  /** The output type of the step before, for manifests whose output depends on it. */
  inputType?: TypeName;
}

/**
 * Checks the manifest and validates raw options exactly as the host does (schema defaults, `${VAR}` in defaults,
 * `check()` problems; a `ConfigError` TAPLINE_ERR_OPTIONS_INVALID listing every problem),
 * then calls `create` with a test context. Neither initializes nor starts the domain.
 */
export async function createPluginStep<S extends object, D extends AnyDomain>(
  manifest: PluginManifest<S, D>,
  rawOptions: unknown = {},
  overrides: PluginStepOptions = {},
): Promise<PluginStep<D, Parameters<PluginManifest<S, D>['create']>[0]>> {
  const { inputType, ...contextFields } = overrides;
  const context = createTestContext({ plugin: manifest.name, ...contextFields });
  checkManifest(manifest, context.id, manifest.name);
  const options: Parameters<PluginManifest<S, D>['create']>[0] = validatePluginOptions(manifest, rawOptions, {
    step: context.id,
  });
  const input = resolveType(manifest.input, options);
  const output = resolveType(manifest.output, options, inputType ?? input);
  let domain: D;
  try {
    domain = await manifest.create(options, context);
  } catch (err) {
    throw new PluginError(context.id, manifest.name, 'create', err);
  }
  return { domain, options, context, input, output };
}
