import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
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
    // Most files spend their time waiting on the processes they start (tapline run, nats-server,
    // npm): two files at once keep a 2-core machine busy, where vitest's default (one fewer
    // worker than cores) would run them one after another.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    hookTimeout: 30_000,
    projects: workspaces.map((dir) => ({
      extends: true,
      root: dir,
      test: { name: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name as string },
    })),
  },
});
