import { stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PluginLoadError, messageOf } from '@tapline/core';
import { resolve } from 'import-meta-resolve';
import { isPathSpecifier } from '../config/step-ids.js';

/**
 * Resolves a step's `plugin` to the file URL to import: a path against the config's directory,
 * a package name as Node's ESM resolver would from a module in that directory (its
 * node_modules up the tree, the `import` condition of `exports`). Node 20 has no
 * `import.meta.resolve(name, parent)` without a flag; import-meta-resolve is that algorithm.
 *
 * @throws PluginLoadError `TAPLINE_ERR_PLUGIN_NOT_FOUND`
 */
export async function resolvePlugin(step: string, plugin: string, configDir: string): Promise<string> {
  const parent = pathToFileURL(path.join(configDir, 'pipeline.config.json')).href;
  if (isPathSpecifier(plugin)) {
    const file = plugin.startsWith('file:') ? new URL(plugin) : path.resolve(configDir, plugin);
    const found = await stat(file).catch(() => undefined);
    if (found?.isFile()) return pathToFileURL(typeof file === 'string' ? file : file.pathname).href;
    throw new PluginLoadError(
      'TAPLINE_ERR_PLUGIN_NOT_FOUND',
      step,
      plugin,
      `no file at ${typeof file === 'string' ? file : file.pathname}; paths are relative to the config file's directory`,
    );
  }
  try {
    return resolve(plugin, parent);
  } catch (err) {
    throw new PluginLoadError(
      'TAPLINE_ERR_PLUGIN_NOT_FOUND',
      step,
      plugin,
      `the package cannot be resolved from ${configDir} (${messageOf(err)}); install it there, e.g. \`npm install ${plugin}\``,
      err,
    );
  }
}
