import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as prettier from 'prettier';
import { afterAll, describe, expect, it } from 'vitest';
import { pluginNames, scaffoldPlugin } from '../src/scaffold/index.js';
import {
  buildAndTest,
  killChildren,
  linkModules,
  runNode,
  workspaceModules,
  workspaceRoot,
} from './scaffold-helpers.js';

const cli = path.join(workspaceRoot, 'packages/cli/dist/bin.js');
const temps: string[] = [];
afterAll(async () => {
  killChildren();
  for (const dir of temps) await rm(dir, { recursive: true, force: true });
});

async function tempDir(parent: string): Promise<string> {
  const dir = await mkdtemp(path.join(parent, '.scaffold-test-'));
  temps.push(dir);
  return dir;
}

const readJson = async (file: string) => JSON.parse(await readFile(file, 'utf8')) as Record<string, any>;

describe('scaffoldPlugin', () => {
  it('names the package, its files and its classes from what the user typed', () => {
    expect(pluginNames('geo-tag')).toEqual({
      packageName: 'tapline-plugin-geo-tag',
      short: 'geo-tag',
      pascal: 'GeoTag',
      camel: 'geoTag',
    });
    expect(pluginNames('@acme/tapline-plugin-enrich')).toMatchObject({
      packageName: '@acme/tapline-plugin-enrich',
      short: 'enrich',
    });
    for (const bad of ['Enrich', '9lives', 'a b', '@x/', '']) {
      expect(() => pluginNames(bad), bad).toThrow(
        expect.objectContaining({ code: 'TAPLINE_ERR_PLUGIN_NAME_INVALID' }),
      );
    }
  });

  it('refuses a folder that is not empty', async () => {
    const dir = await tempDir(os.tmpdir());
    await writeFile(path.join(dir, 'keep.txt'), 'mine');
    await expect(scaffoldPlugin({ name: 'enrich', dir })).rejects.toMatchObject({
      code: 'TAPLINE_ERR_SCAFFOLD_EXISTS',
    });
    expect(await readFile(path.join(dir, 'keep.txt'), 'utf8')).toBe('mine');
  });

  // Both packages build and test at once: each step is a child process of a few seconds.
  it('creates packages that build and pass their tests, inside the workspace and in a folder of its own', async () => {
    const inside = path.join(await tempDir(workspaceRoot), 'enrich');
    const outside = path.join(await tempDir(os.tmpdir()), 'geo-tag');
    const a = await scaffoldPlugin({ name: 'enrich', dir: inside, workspaceRoot });
    const b = await scaffoldPlugin({
      name: '@acme/tapline-plugin-geo-tag',
      dir: outside,
      taplinePackages: 'registry',
    });

    expect(a.inWorkspace).toBe(true);
    expect([...a.files].sort()).toEqual([
      'README.md',
      'package.json',
      'src/enrich-domain.ts',
      'src/index.ts',
      'src/options.ts',
      'test/enrich.test.ts',
      'test/pipeline.config.json',
      'test/pipeline.test.json',
      'tsconfig.json',
      'vitest.config.ts',
    ]);
    const pkgA = await readJson(path.join(inside, 'package.json'));
    expect(pkgA).toMatchObject({
      name: 'tapline-plugin-enrich',
      scripts: { build: 'tsc -b', test: 'vitest run && tapline test --config test/pipeline.config.json' },
      dependencies: { '@tapline/core': 'workspace:*' },
      devDependencies: { '@tapline/testkit': 'workspace:*', '@tapline/cli': 'workspace:*' },
    });
    expect((await readJson(path.join(inside, 'tsconfig.json'))).references).toEqual([
      { path: '../../packages/core' },
    ]);
    expect(a.nextSteps[0]).toMatch(/pnpm-workspace\.yaml/); // a temp folder is no workspace member
    // Generated files already read as the workspace's Prettier config would write them.
    const style = await prettier.resolveConfig(path.join(workspaceRoot, 'package.json'));
    for (const file of a.files) {
      const text = await readFile(path.join(inside, file), 'utf8');
      expect(await prettier.check(text, { ...style, filepath: file }), file).toBe(true);
    }

    expect(b.inWorkspace).toBe(false);
    const pkgB = await readJson(path.join(outside, 'package.json'));
    expect(pkgB.peerDependencies['@tapline/core']).toMatch(/^\^\d+\.\d+\.\d+$/);
    expect(pkgB.devDependencies['@tapline/testkit']).toMatch(/^\^\d+\.\d+\.\d+$/);
    expect((await readJson(path.join(outside, 'tsconfig.json'))).references).toBeUndefined();
    expect(pkgB.devDependencies['@tapline/cli']).toMatch(/^\^\d+\.\d+\.\d+$/);
    expect(b.files).toContain('pnpm-workspace.yaml');
    expect(await readFile(path.join(outside, 'pnpm-workspace.yaml'), 'utf8')).toMatch(
      /allowBuilds:\n {2}zeromq: false/,
    );
    expect(b.nextSteps).toEqual(['npm install', 'npm run build', 'npm test']);
    // Every link of the README resolves: a relative one in the package, the guide in this repository.
    const readme = await readFile(path.join(outside, 'README.md'), 'utf8');
    const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) {
      const project = 'https://github.com/tapline/tapline/blob/main/';
      const file = link.startsWith(project)
        ? path.join(workspaceRoot, link.slice(project.length))
        : path.join(outside, link);
      expect(existsSync(file), link).toBe(true);
    }

    await linkModules(inside, workspaceModules(false));
    await linkModules(outside, workspaceModules(true));
    const [runA, runB] = await Promise.all([
      buildAndTest(inside, workspaceRoot),
      buildAndTest(outside, outside),
    ]);
    expect(runA.codes, `${runA.build}\n${runA.test}`).toEqual([0, 0]);
    expect(runB.codes, `${runB.build}\n${runB.test}`).toEqual([0, 0]);
    expect(existsSync(path.join(inside, 'dist/index.js'))).toBe(true);
    // The sample pipeline tests pass as written, with the built-in plugins of the workspace.
    const sample = await runNode(inside, [cli, 'test', '--config', 'test/pipeline.config.json']);
    expect(sample.output, sample.output).toMatch(/^3 passed, 0 failed$/m);
    expect(sample.code).toBe(0);
    expect(existsSync(path.join(outside, 'dist/index.d.ts'))).toBe(true);
    // The contract suite and the behaviour test, all run and passed.
    for (const run of [runA, runB]) expect(run.test).toMatch(/Tests\s+10 passed \(10\)/);
    const { default: manifest } = (await import(path.join(outside, 'dist/index.js'))) as {
      default: { name: string };
    };
    expect(manifest.name).toBe('@acme/tapline-plugin-geo-tag');
  }, 120_000);
});
