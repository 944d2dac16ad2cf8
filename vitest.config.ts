import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// Every workspace with a package.json is a project, so `pnpm test` at the root runs every test
// in the repo. Projects are listed inline (not as globs) so that they extend this file's options.
const workspaces = ['packages', 'plugins', 'examples']
  .flatMap((group) => (existsSync(group) ? readdirSync(group).map((name) => join(group, name)) : []))
  .concat('tests')
  .filter((dir) => existsSync(join(dir, 'package.json')));

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: workspaces.map((dir) => ({
      extends: true,
      root: dir,
      test: { name: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name as string },
    })),
  },
});
