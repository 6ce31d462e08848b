/**
 * Playwright config of the Electron e2e suite (test/electron/*.e2e.ts, `npm run test:electron`):
 * each test launches the real app with `_electron.launch` on its own userData folder. Where the
 * Electron binary (or its better-sqlite3 build) is missing, global setup prints why and every test
 * is skipped with that reason, so the run still exits 0. One worker: each app is a whole browser.
 */
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'test/electron',
  testMatch: '*.e2e.ts',
  outputDir: 'test-results/electron',
  globalSetup: './test/electron/global-setup.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 10_000 },
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  use: { trace: 'retain-on-failure', screenshot: 'only-on-failure' },
});
