/**
 * Playwright (browser e2e) for the renderer: Debian's Chromium (/usr/bin/chromium, or
 * $TIDEMARK_CHROMIUM), headless, never a Playwright browser download. Each test gets its own
 * `tidemark serve` on a fresh SQLite file (see test/e2e/fixtures.ts), which serves the build in
 * dist/renderer — `npm run test:e2e` builds it first. Two workers at most (2-core machines).
 */
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '*.e2e.ts',
  outputDir: 'test-results/playwright',
  fullyParallel: true,
  workers: process.env.CI ? 1 : 2,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1400, height: 860 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.TIDEMARK_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    },
  },
});
