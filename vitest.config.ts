import { defineConfig } from 'vitest/config';

// Every workspace is a project, so `pnpm test` at the root runs every test in the repo.
export default defineConfig({
  test: {
    projects: ['packages/*', 'plugins/*', 'tests', 'examples/*'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
