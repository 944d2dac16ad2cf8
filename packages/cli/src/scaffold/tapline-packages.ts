import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { TaplineError, messageOf } from '@tapline/core';

const run = promisify(execFile);

/**
 * What a plugin package needs of Tapline to build and test: the testkit needs the host, and the
 * sample pipeline's `tapline test` the CLI and the built-in plugins it depends on.
 */
export function pluginNeeds(): string[] {
  const require = createRequire(import.meta.url);
  const cli = JSON.parse(readFileSync(require.resolve('@tapline/cli/package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  const fromCli = Object.keys(cli.dependencies ?? {}).filter((name) => name.startsWith('@tapline/'));
  return [
    ...new Set(['@tapline/cli', '@tapline/core', '@tapline/host', '@tapline/testkit', ...fromCli]),
  ].sort();
}

/** Where the plugin's copies of the Tapline packages live until they are on the registry. */
export const LOCAL_FOLDER = 'tapline-packages';

/**
 * Whether `@tapline/core` at `version` is on the npm registry the user's npm points at. No
 * answer (no npm, no network, a timeout) counts as no: the local packages work offline.
 */
export async function onRegistry(version: string): Promise<boolean> {
  try {
    const { stdout } = await run('npm', ['view', `@tapline/core@${version}`, 'version', '--json'], {
      timeout: 15_000,
    });
    return stdout.trim() !== '';
  } catch {
    return false;
  }
}

/**
 * Packs the Tapline packages a plugin needs from the installation running this command into
 * `dir/tapline-packages`, and returns each one's `file:` range for package.json. A package in
 * this repository's workspace is packed with pnpm, which turns `workspace:` ranges into versions;
 * an installed one (from npm or tarballs) is packed with npm as it is.
 *
 * @throws TaplineError `TAPLINE_ERR_SCAFFOLD_PACK` when a package is missing or cannot be packed
 */
export async function packLocal(dir: string): Promise<Record<string, string>> {
  const destination = path.join(dir, LOCAL_FOLDER);
  await mkdir(destination, { recursive: true });
  const require = createRequire(import.meta.url);
  // All at once: each pack is a process of its own, mostly waiting on its start-up and the disk.
  const packed = await Promise.all(
    pluginNeeds().map(async (name) => [name, await packOne(require, name, destination)] as const),
  );
  return Object.fromEntries(packed);
}

/** Packs `name` into `destination`; returns its `file:` range. */
async function packOne(require: NodeJS.Require, name: string, destination: string): Promise<string> {
  try {
    const manifest = require.resolve(`${name}/package.json`);
    const text = await readFile(manifest, 'utf8');
    const packageDir = path.dirname(manifest);
    const [cmd, args, cwd] = text.includes('"workspace:')
      ? ['pnpm', ['pack', '--pack-destination', destination], packageDir]
      : ['npm', ['pack', packageDir, '--pack-destination', destination], destination];
    const { stdout } = await run(cmd, args, { cwd, timeout: 60_000 });
    const tarball = path.basename(stdout.trim().split('\n').pop()!.trim());
    return `file:${LOCAL_FOLDER}/${tarball}`;
  } catch (err) {
    throw new TaplineError(
      'TAPLINE_ERR_SCAFFOLD_PACK',
      `Could not pack ${name} from this Tapline installation for the new plugin (${messageOf(err)}). ` +
        'Check that npm (and, in the Tapline repository, pnpm) runs here, and that @tapline/cli is installed whole.',
      { cause: err },
    );
  }
}
