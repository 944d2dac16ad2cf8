import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** The package a plugin's module belongs to. */
export interface PluginPackage {
  readonly name: string;
  /** Left out when its package.json has none. */
  readonly version?: string;
  /** The package's folder. */
  readonly dir: string;
}

/** The package name of a bare specifier: `@scope/name/sub` gives `@scope/name`. */
export function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/**
 * The nearest package.json with a name and version at or above `file`, or, when `name` is
 * given, the nearest one of that name (a package may hold package.json files of its own below).
 */
export async function findPluginPackage(file: string, name?: string): Promise<PluginPackage | undefined> {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const pkg = await readFile(path.join(dir, 'package.json'), 'utf8').then(
      (text) => JSON.parse(text) as { name?: unknown; version?: unknown },
      () => undefined,
    );
    if (typeof pkg?.name === 'string' && (name === undefined || pkg.name === name)) {
      return { name: pkg.name, ...(typeof pkg.version === 'string' ? { version: pkg.version } : {}), dir };
    }
    if (path.dirname(dir) === dir || path.basename(dir) === 'node_modules') return undefined;
  }
}
