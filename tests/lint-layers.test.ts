import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repo } from './cli-helpers.js';

// `pnpm lint` ends with the `lint:layers` script: the same command, with the repository's own
// rules, is run here against small trees laid out as the repository is.
const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/** A tree that keeps the rules: host folders importing downward, a plugin importing its own files. */
const CLEAN: Record<string, string> = {
  'packages/host/src/config/config-file.ts': 'export const file = "pipeline.config.json";\n',
  'packages/host/src/runtime/host.ts':
    "import { file } from '../config/config-file.js';\nexport class Host { readonly file = file; }\n",
  'packages/host/src/app/run.ts':
    "import type { Host } from '../runtime/host.js';\nexport const run = (h: Host): string => h.file;\n",
  'packages/host/src/index.ts': "export { run } from './app/run.js';\n",
  'plugins/echo/src/options.ts': 'export const options = {};\n',
  'plugins/echo/src/index.ts': "export { options } from './options.js';\n",
  'examples/demo/src/index.ts': 'export const demo = 1;\n',
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

  it('fails on a cycle (type-only), a wrong-way import, a plugin importing the host and an unplaced folder', async () => {
    const { code, output } = await lintLayers(await tree({ ...CLEAN, ...BROKEN }));
    expect(code).not.toBe(0);
    expect(output).toMatch(/error no-circular: packages\/host\/src\/app\/(phases|options)\.ts/);
    expect(output).toContain(
      'error host-layers: packages/host/src/runtime/report.ts → packages/host/src/app/run.ts',
    );
    expect(output).toContain(
      'error plugins-only-core: plugins/echo/src/reach.ts → packages/host/src/runtime/host.ts',
    );
    expect(output).toContain('error host-folder-unknown: packages/host/src/misc/helper.ts');
  });
});
