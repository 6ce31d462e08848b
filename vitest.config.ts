import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src-core/**/*.test.ts', 'electron/**/*.test.ts', 'renderer/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['node_modules', 'dist', 'test/e2e/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The CLI tests run bin/tidemark.mjs, i.e. the bundle in dist/: rebuild it from the sources first.
    globalSetup: ['test/build-lib.setup.ts'],
  },
});
