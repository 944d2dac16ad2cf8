import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { messageOf } from '@tapline/core';
import { PluginLoadError } from '@tapline/core/internal';
import { resolve } from 'import-meta-resolve';
import { isPathSpecifier } from '../config/step-ids.js';
import { knownPlugins, nearestPlugin } from './known-plugins.js';
import { folderEntry } from './folder-entry.js';
import { findPluginPackage, packageNameOf, type PluginPackage } from './plugin-package.js';

/** Where a step's plugin was found. */
export interface PluginOrigin {
  /** The file URL the module is imported from. */
  readonly url: string;
  /** The same, as a path. */
  readonly file: string;
  /**
   * `path`: the config named a file; `config`: a package found from the config file's folder;
   * `installation`: a package found from the Tapline installation (the built-in plugins).
   */
  readonly from: 'path' | 'config' | 'installation';
  /** The package holding the module, when there is one. */
  readonly package?: PluginPackage;
}

/**
 * This host's own files: the Tapline installation it belongs to is searched for plugins after
 * the config's folder. A command that depends on the built-in plugins passes its own files too
 * (`installation`), since a strict layout (pnpm) shows a package only its own dependencies.
 */
const HOST_FILES = import.meta.url;

const notHere = (err: unknown) =>
  (err as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND' &&
  messageOf(err).startsWith('Cannot find package');

/**
 * Resolves a step's `plugin`: a path against the config's folder; a package name as Node's ESM
 * resolver would (node_modules up the tree, the `import` condition of `exports`), first from the
 * config's folder, so that a user's own install wins, then from each of `installation` (file
 * URLs or paths of Tapline's own modules) and this host's files. Node 20 has no
 * `import.meta.resolve(name, parent)` without a flag; import-meta-resolve is that algorithm.
 *
 * @throws PluginLoadError `TAPLINE_ERR_PLUGIN_NOT_FOUND`, naming every place tried
 */
export async function resolvePlugin(
  step: string,
  plugin: string,
  configDir: string,
  installation: readonly string[] = [],
): Promise<PluginOrigin> {
  if (isPathSpecifier(plugin)) {
    let file = plugin.startsWith('file:') ? fileURLToPath(plugin) : path.resolve(configDir, plugin);
    const found = await stat(file).catch(() => undefined);
    if (found?.isDirectory()) {
      const entry = await folderEntry(file);
      if ('problem' in entry)
        throw new PluginLoadError('TAPLINE_ERR_PLUGIN_NOT_FOUND', step, plugin, entry.problem);
      file = entry.file;
    } else if (!found?.isFile()) {
      throw new PluginLoadError(
        'TAPLINE_ERR_PLUGIN_NOT_FOUND',
        step,
        plugin,
        `no file at ${file}; paths are relative to the config file's directory`,
      );
    }
    return { url: pathToFileURL(file).href, file, from: 'path', package: await findPluginPackage(file) };
  }
  const places = [
    { from: 'config' as const, parent: pathToFileURL(path.join(configDir, 'pipeline.config.json')).href },
    ...[...installation, HOST_FILES].map((p) => ({
      from: 'installation' as const,
      parent: p.startsWith('file:') ? p : pathToFileURL(p).href,
    })),
  ];
  for (const { from, parent } of places) {
    let url: string;
    try {
      url = resolve(plugin, parent);
    } catch (err) {
      if (notHere(err)) continue;
      throw new PluginLoadError(
        'TAPLINE_ERR_PLUGIN_NOT_FOUND',
        step,
        plugin,
        `the package was found from ${path.dirname(fileURLToPath(parent))} but cannot be loaded: ${messageOf(err)}`,
        err,
      );
    }
    const file = fileURLToPath(url);
    return { url, file, from, package: await findPluginPackage(file, packageNameOf(plugin)) };
  }
  const tried = [...new Set(places.slice(1).map((p) => installationDir(p.parent)))];
  const known = await knownPlugins(places.map((p) => path.dirname(fileURLToPath(p.parent))));
  const looked =
    `from the config's folder ${configDir} or from the Tapline installation (${tried.join(', ')}), ` +
    'each with the node_modules folders above it';
  throw new PluginLoadError('TAPLINE_ERR_PLUGIN_NOT_FOUND', step, plugin, notFound(plugin, known, looked));
}

/** Why a package name was not found, and what to do: the name meant, or what to install. */
function notFound(plugin: string, known: readonly string[], looked: string): string {
  const meant = nearestPlugin(plugin, known);
  if (meant !== undefined) return `no package of that name can be resolved ${looked}; did you mean ${meant}?`;
  const installed = known.length > 0 ? `; the plugins installed are ${known.join(', ')}` : '';
  return (
    `the package cannot be resolved ${looked}${installed}. Check the name; if ${plugin} is a ` +
    `published package, install it next to the config: \`npm install ${plugin}\``
  );
}

/** The package folder of one of Tapline's own modules, for naming it in errors. */
function installationDir(parent: string): string {
  const file = fileURLToPath(parent);
  const dist = file.lastIndexOf(`${path.sep}dist${path.sep}`);
  return dist === -1 ? path.dirname(file) : file.slice(0, dist);
}
