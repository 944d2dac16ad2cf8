import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repo } from './cli-helpers.js';

const packages = ['packages', 'plugins']
  .flatMap((group) => readdirSync(path.join(repo, group)).map((name) => path.join(group, name)))
  .filter((dir) => existsSync(path.join(repo, dir, 'package.json')))
  .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(path.join(repo, dir, 'package.json'), 'utf8')) }));

describe('the published packages', () => {
  it('are every @tapline package of packages/ and plugins/, at one version', () => {
    expect(packages.map((p) => p.pkg.name).sort()).toEqual([
      '@tapline/cli',
      '@tapline/core',
      '@tapline/host',
      '@tapline/plugin-exporter',
      '@tapline/plugin-metrics',
      '@tapline/plugin-nats',
      '@tapline/plugin-processor',
      '@tapline/plugin-zmq-source',
      '@tapline/testkit',
    ]);
    expect(new Set(packages.map((p) => p.pkg.version)).size).toBe(1);
  });

  for (const { dir, pkg } of packages) {
    it(`${pkg.name} has what a publish needs`, () => {
      expect(pkg.private).toBeUndefined();
      expect(pkg.license).toBe('MIT');
      expect(pkg.repository).toMatchObject({ type: 'git', directory: dir });
      expect(pkg.files).toEqual(expect.arrayContaining(['dist']));
      expect(pkg.types).toBe('./dist/index.d.ts');
      expect(pkg.exports['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
      expect(pkg.publishConfig).toEqual({ access: 'public' });
      expect(existsSync(path.join(repo, dir, 'README.md'))).toBe(true);
      // pnpm pack turns these into the exact version the packages share.
      const internal = Object.entries({ ...pkg.dependencies, ...pkg.peerDependencies }).filter(([name]) =>
        name.startsWith('@tapline/'),
      );
      for (const [name, range] of internal) expect(range, name).toBe('workspace:*');
    });
  }
});
