/**
 * Vitest global setup: rebuilds the CLI and library bundles (dist/*.js, scripts/build-lib.mjs,
 * JavaScript only, well under a second) before any test runs, because the CLI tests spawn the real
 * `bin/tidemark.mjs`, which runs dist/cli.js: without this they would test whatever was built
 * last instead of the sources in the tree.
 */
export async function setup(): Promise<void> {
  const { buildJs } = await import('../scripts/build-lib.mjs');
  await buildJs();
}
