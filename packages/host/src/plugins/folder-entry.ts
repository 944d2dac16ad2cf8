import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { messageOf } from '@tapline/core';
import { resolve } from 'import-meta-resolve';

/**
 * The module a plugin folder stands for, found through its package.json as Node finds a
 * package's: its `exports` (the `import` condition), else `main`, else `index.js`. Resolves to
 * the file, or to why there is none, said so that the user knows what to do.
 */
export async function folderEntry(dir: string): Promise<{ file: string } | { problem: string }> {
  const manifest = path.join(dir, 'package.json');
  let pkg: { name?: unknown; exports?: unknown; main?: unknown } | undefined;
  try {
    pkg = JSON.parse(await readFile(manifest, 'utf8')) as typeof pkg;
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'ENOENT') {
      return { problem: `${manifest} cannot be read: ${messageOf(err)}` };
    }
  }
  let file: string;
  if (pkg?.exports !== undefined && typeof pkg.name === 'string') {
    try {
      // A package resolving its own name reads its exports exactly as an importer would.
      file = fileURLToPath(resolve(pkg.name, pathToFileURL(manifest).href));
    } catch (err) {
      return { problem: `the "exports" of ${manifest} name no module for import: ${messageOf(err)}` };
    }
  } else {
    file = path.resolve(dir, typeof pkg?.main === 'string' ? pkg.main : 'index.js');
  }
  if ((await stat(file).catch(() => undefined))?.isFile()) return { file };
  const named =
    pkg === undefined ? 'a folder without package.json means its index.js' : `${manifest} names it`;
  return { problem: `no file at ${file} (${named}); build the plugin first (npm run build)?` };
}
