import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { didYouMean } from '../config/ajv-problems.js';

/** A package named as Tapline plugins are: `@tapline/plugin-x`, `tapline-plugin-x`, `@acme/tapline-plugin-x`. */
const PLUGIN_NAME = /^(@tapline\/plugin-|(@[^/]+\/)?tapline-plugin-)./;

/** The part of a plugin's name that says what it does: `processor` of `@tapline/plugin-processor`. */
const shortName = (name: string) =>
  name.replace(/^(@tapline\/plugin-|(@[^/]+\/)?tapline-plugin-|@[^/]+\/)/, '');

async function entries(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}

/**
 * The plugin packages installed where a package name is resolved from `dirs`: the node_modules
 * folder of each and of every folder above it. Read only when a name was not found, to say
 * which names exist.
 */
export async function knownPlugins(dirs: readonly string[]): Promise<string[]> {
  const folders = new Set<string>();
  for (let dir of dirs) {
    for (;;) {
      folders.add(path.join(dir, 'node_modules'));
      const up = path.dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  const names = new Set<string>();
  for (const folder of folders) {
    for (const entry of await entries(folder)) {
      const scoped = entry.startsWith('@')
        ? (await entries(path.join(folder, entry))).map((n) => `${entry}/${n}`)
        : [entry];
      for (const name of scoped) if (PLUGIN_NAME.test(name)) names.add(name);
    }
  }
  return [...names].sort();
}

/** The one known plugin a misspelt or shortened `name` most likely means, if there is one. */
export function nearestPlugin(name: string, known: readonly string[]): string | undefined {
  const whole = didYouMean(name, known);
  if (whole !== undefined) return whole;
  const short = didYouMean(shortName(name), known.map(shortName));
  const matches = known.filter((k) => shortName(k) === short);
  return matches.length === 1 ? matches[0] : undefined;
}
