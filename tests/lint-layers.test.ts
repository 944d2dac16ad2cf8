import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repo } from './cli-helpers.js';

// `pnpm lint` ends with the `lint:layers` script: the same command, with the repository's own
// rules, is run here against small trees laid out as the repository is.
const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/**
 * A tree that keeps the rules: host folders importing downward, a plugin and an example importing
 * their own files and core's index, which resolves as in the repository (through node_modules to
 * core's dist).
 */
const CLEAN: Record<string, string> = {
  'packages/core/package.json': JSON.stringify({
    name: '@tapline/core',
    type: 'module',
    exports: { '.': './dist/index.js', './internal': './dist/internal.js' },
  }),
  'packages/core/dist/index.js': 'export const DROP = Symbol("drop");\n',
  'packages/core/dist/internal.js': 'export class Monitor {}\n',
  'packages/host/src/config/config-file.ts': 'export const file = "pipeline.config.json";\n',
  'packages/host/src/runtime/host.ts':
    "import { file } from '../config/config-file.js';\nexport class Host { readonly file = file; }\n",
  'packages/host/src/app/run.ts':
    "import type { Host } from '../runtime/host.js';\nexport const run = (h: Host): string => h.file;\n",
  'packages/host/src/index.ts': "export { run } from './app/run.js';\n",
  'plugins/echo/src/options.ts': 'export const options = {};\n',
  'plugins/echo/src/index.ts':
    "import { DROP } from '@tapline/core';\nexport { options } from './options.js';\nexport const drop = DROP;\n",
  'examples/demo/src/key.ts': 'export const key = "id";\n',
  'examples/demo/src/index.ts':
    "import { DROP } from '@tapline/core';\nexport { key } from './key.js';\nexport const drop = DROP;\n",
};

/** Each way to break them, by the rule that names it. */
const BROKEN: Record<string, string> = {
  // A cycle through type-only imports.
  'packages/host/src/app/phases.ts':
    "import type { Options } from './options.js';\nexport type Phase = { options: Options };\n",
  'packages/host/src/app/options.ts':
    "import type { Phase } from './phases.js';\nexport type Options = { phases: Phase[] };\n",
  // runtime reaching up into app.
  'packages/host/src/runtime/report.ts': "import { run } from '../app/run.js';\nexport const report = run;\n",
  // A plugin importing the host's files.
  'plugins/echo/src/reach.ts':
    "import { Host } from '../../../packages/host/src/runtime/host.js';\nexport const reach = new Host();\n",
  // A plugin and an example reaching past the plugin API into core's internals.
  'plugins/echo/src/engine.ts':
    "import { Monitor } from '@tapline/core/internal';\nexport const monitor = new Monitor();\n",
  'examples/demo/src/engine.ts':
    "import { Monitor } from '@tapline/core/internal';\nexport const monitor = new Monitor();\n",
  // An example importing the host's files, as a plugin may not either.
  'examples/demo/src/reach.ts':
    "import { run } from '../../../packages/host/src/app/run.js';\nexport const reach = run;\n",
  // A host folder the layers do not place.
  'packages/host/src/misc/helper.ts':
    "import { file } from '../config/config-file.js';\nexport const helper = file;\n",
};

async function tree(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tapline-layers-'));
  dirs.push(dir);
  for (const name of ['.dependency-cruiser.cjs', 'tsconfig.base.json'])
    await copyFile(path.join(repo, name), path.join(dir, name));
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
  // As pnpm links a workspace package: a bare `@tapline/core/...` resolves through it to core's files.
  await mkdir(path.join(dir, 'node_modules/@tapline'), { recursive: true });
  await symlink('../../packages/core', path.join(dir, 'node_modules/@tapline/core'));
  return dir;
}

async function lintLayers(cwd: string): Promise<{ code: number; output: string }> {
  const pkg = JSON.parse(await readFile(path.join(repo, 'package.json'), 'utf8'));
  const script: string = pkg.scripts['lint:layers'];
  const env = { ...process.env, PATH: `${path.join(repo, 'node_modules/.bin')}:${process.env.PATH}` };
  return new Promise((resolve) =>
    execFile('/bin/sh', ['-c', script], { cwd, env }, (err, stdout, stderr) =>
      resolve({ code: err === null ? 0 : Number(err.code), output: stdout + stderr }),
    ),
  );
}

describe('pnpm lint:layers', () => {
  it('is part of pnpm lint', async () => {
    const pkg = JSON.parse(await readFile(path.join(repo, 'package.json'), 'utf8'));
    expect(pkg.scripts.lint).toMatch(/&& pnpm lint:layers$/);
  });

  it('passes a tree that keeps the layers', async () => {
    const { code, output } = await lintLayers(await tree(CLEAN));
    expect(output).toContain('no dependency violations found');
    expect(code).toBe(0);
  });

  it('fails on a cycle (type-only), a wrong-way import, a plugin or an example importing the host or core/internal, and an unplaced folder', async () => {
    const { code, output } = await lintLayers(await tree({ ...CLEAN, ...BROKEN }));
    expect(code).not.toBe(0);
    expect(output).toMatch(/error no-circular: packages\/host\/src\/app\/(phases|options)\.ts/);
    expect(output).toContain(
      'error host-layers: packages/host/src/runtime/report.ts → packages/host/src/app/run.ts',
    );
    expect(output).toContain(
      'error plugins-only-core: plugins/echo/src/reach.ts → packages/host/src/runtime/host.ts',
    );
    expect(output).toContain(
      'error plugins-only-core: examples/demo/src/reach.ts → packages/host/src/app/run.ts',
    );
    expect(output).toContain(
      'error plugins-no-core-internal: plugins/echo/src/engine.ts → packages/core/dist/internal.js',
    );
    expect(output).toContain(
      'error plugins-no-core-internal: examples/demo/src/engine.ts → packages/core/dist/internal.js',
    );
    expect(output).toContain('error host-folder-unknown: packages/host/src/misc/helper.ts');
  });
});
