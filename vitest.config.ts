import { defineConfig } from 'vitest/config';

/*
 * Two projects, by the test kind in the file name: `unit` (*.unit.test.ts: one module, no server,
 * no database, no build; run by `npm run test:unit`) and `int` (*.int.test.ts: real SQLite files,
 * servers on loopback, PostgreSQL, the built CLI; run by `npm run test:int`). Unit tests of
 * src-core, electron and renderer sit beside their source; the rest live under test/.
 */
const roots = ['src-core', 'electron', 'renderer', 'test'];

export default defineConfig({
  test: {
    exclude: ['node_modules', 'dist', 'test/e2e/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: roots.map((r) => `${r}/**/*.unit.test.ts`) },
      },
      {
        extends: true,
        test: {
          name: 'int',
          include: roots.map((r) => `${r}/**/*.int.test.ts`),
          // The CLI tests run bin/tidemark.mjs, i.e. the bundle in dist/: rebuild it from the sources first.
          globalSetup: ['test/build-lib.setup.ts'],
        },
      },
    ],
  },
});
