import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isPathSpecifier } from '../config/step-ids.js';

/** The resolved file of a path plugin outside `configDir`, or undefined (packages are not paths). */
export function outsideDir(plugin: string, url: string, configDir: string): string | undefined {
  if (!isPathSpecifier(plugin)) return undefined;
  const file = fileURLToPath(url);
  const rel = path.relative(configDir, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : undefined;
}

/** The steps of a host whose plugin is a file outside the config's folder, with that file. */
export function outsidePluginFiles(host: {
  readonly config: { readonly dir: string };
  readonly steps: ReadonlyArray<{ readonly id: string; readonly specifier: string; readonly url: string }>;
}): Array<{ id: string; path: string }> {
  return host.steps.flatMap((s) => {
    const file = outsideDir(s.specifier, s.url, host.config.dir);
    return file === undefined ? [] : [{ id: s.id, path: file }];
  });
}
