import { defineConfig } from 'vitest/config';

// Its own config, so that `pnpm test` in this folder runs these tests only.
export default defineConfig({
  test: { include: ['test/**/*.test.ts'] },
});
