import { API_VERSION, messageOf, type Logger } from '@tapline/core';
import { PluginLoadError, silentLogger, type AnyManifest } from '@tapline/core/internal';
import { outsideDir } from './outside-config.js';
import { resolvePlugin, type PluginOrigin } from './resolve-plugin.js';

/** A plugin's manifest with where it was loaded from. */
export interface LoadedPlugin {
  readonly manifest: AnyManifest;
  /** The file URL the module was imported from. */
  readonly url: string;
  /** Where it was found: the file, how, and its package's name and version. */
  readonly origin: PluginOrigin;
}

const isSpec = (v: unknown) => typeof v === 'string' || typeof v === 'function';

/** What a manifest lacks, by field; empty when it looks like one `definePlugin` made. */
function missingFields(m: Record<string, unknown>): string[] {
  const missing: string[] = [];
  if (typeof m.name !== 'string' || m.name === '') missing.push('name');
  if (typeof m.apiVersion !== 'number') missing.push('apiVersion');
  if (!isSpec(m.input)) missing.push('input');
  if (!isSpec(m.output)) missing.push('output');
  if (m.options === null || typeof m.options !== 'object') missing.push('options');
  if (typeof m.create !== 'function') missing.push('create');
  if (m.kind !== undefined && m.kind !== 'source' && m.kind !== 'domain') missing.push('kind');
  if (m.check !== undefined && typeof m.check !== 'function') missing.push('check');
  return missing;
}

/** Checks that a module's default export is a manifest for this plugin API. */
export function checkManifest(value: unknown, step: string, plugin: string): AnyManifest {
  if (value === null || typeof value !== 'object') {
    throw new PluginLoadError(
      'TAPLINE_ERR_PLUGIN_INVALID',
      step,
      plugin,
      `its default export is ${value === null ? 'null' : typeof value}, not a plugin manifest; ` +
        'export default definePlugin({ ... }) from @tapline/core',
    );
  }
  const missing = missingFields(value as Record<string, unknown>);
  if (missing.length > 0) {
    throw new PluginLoadError(
      'TAPLINE_ERR_PLUGIN_INVALID',
      step,
      plugin,
      `its default export is not a plugin manifest (missing or invalid: ${missing.join(', ')}); ` +
        'export default definePlugin({ ... }) from @tapline/core',
    );
  }
  const manifest = value as AnyManifest;
  if (manifest.apiVersion !== API_VERSION) {
    throw new PluginLoadError(
      'TAPLINE_ERR_PLUGIN_API_VERSION',
      step,
      plugin,
      `${manifest.name} was written for plugin API ${manifest.apiVersion}, this host runs API ${API_VERSION}; ` +
        'install a version of the plugin made for it',
    );
  }
  return manifest;
}

/**
 * Resolves and imports a step's plugin (see {@link resolvePlugin}) and checks its default export.
 *
 * @throws PluginLoadError `TAPLINE_ERR_PLUGIN_NOT_FOUND`, `TAPLINE_ERR_PLUGIN_INVALID` (it failed
 *   to import, or its default export is not a manifest) or `TAPLINE_ERR_PLUGIN_API_VERSION`
 */
export async function loadPlugin(
  step: string,
  plugin: string,
  configDir: string,
  log: Logger = silentLogger,
  installation: readonly string[] = [],
): Promise<LoadedPlugin> {
  const origin = await resolvePlugin(step, plugin, configDir, installation);
  const { url } = origin;
  const outside = outsideDir(plugin, url, configDir);
  // Importing runs the module's code: say so when it is not the config's own folder's.
  if (outside !== undefined) log.info({ step, plugin, path: outside }, `loading plugin code from ${outside}`);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(url)) as Record<string, unknown>;
  } catch (err) {
    throw new PluginLoadError(
      'TAPLINE_ERR_PLUGIN_INVALID',
      step,
      plugin,
      `the module failed to load: ${messageOf(err)}`,
      err,
    );
  }
  let exported = mod.default;
  // A CommonJS build of an ES module puts the manifest one level down.
  if (exported !== null && typeof exported === 'object' && 'default' in exported && !('create' in exported)) {
    exported = exported.default;
  }
  return { manifest: checkManifest(exported, step, plugin), url, origin };
}
