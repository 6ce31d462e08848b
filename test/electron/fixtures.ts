/**
 * Fixtures of the Electron e2e suite: each test gets its own userData folder (so its own default
 * store `tidemark.db` and recent list), a `seed` helper that writes to that store file from the
 * test process (before launch, or while the app runs: another process writing, as the live tail
 * must notice), and `launch()` which starts the real app with `_electron.launch` and returns it and
 * its first window. When Electron cannot start here, every test is skipped with the reason.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test as base, type ElectronApplication, type Page } from '@playwright/test';
import { openSqliteStore } from '../../src-core/store/sqlite';
import type { EventStore } from '../../src-core/store/types';
import { electronEnv, root } from './electron-env';

interface Fixtures {
  userData: string;
  seed: (fn: (store: EventStore) => Promise<unknown>) => Promise<void>;
  launch: () => Promise<{ app: ElectronApplication; page: Page }>;
}

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take an object pattern
  userData: async ({}, use) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tidemark-electron-e2e-'));
    try {
      await use(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  seed: async ({ userData }, use) => {
    await use(async (fn) => {
      const store = openSqliteStore(path.join(userData, 'tidemark.db'));
      try {
        await fn(store);
      } finally {
        await store.close();
      }
    });
  },
  launch: async ({ userData }, use) => {
    const env = electronEnv();
    const apps: ElectronApplication[] = [];
    await use(async () => {
      const app = await electron.launch({
        executablePath: env.executablePath ?? undefined,
        args: [root],
        cwd: root,
        env: { ...process.env, TIDEMARK_USER_DATA: userData, NODE_ENV: 'production' },
      });
      apps.push(app);
      const page = await app.firstWindow();
      await page.waitForLoadState('domcontentloaded');
      return { app, page };
    });
    for (const app of apps) await app.close().catch(() => undefined);
  },
});

/**
 * Skips the whole file where Electron cannot start, printing why and which tests that DO run here
 * cover the same ground (`coveredBy`: test files, relative to the repository root), so a skip is
 * never silent and never the only check of what it covers.
 */
export function skipWithoutElectron(file: string, coveredBy: readonly string[]): void {
  const env = electronEnv();
  if (env.available) return;
  const reason = `${env.reason}; covered here by ${coveredBy.join(', ')}`;
  console.log(`[electron e2e] skipping ${path.relative(root, file)}: ${reason}`);
  test.skip(true, reason);
}

/** Moves the app to a hash route (the renderer's router). */
export async function goto(page: Page, hash: string): Promise<void> {
  await page.evaluate((h) => {
    (globalThis as unknown as { location: { hash: string } }).location.hash = h;
  }, hash);
}

export { expect };
