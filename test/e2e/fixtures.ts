/**
 * The e2e fixture: EACH TEST gets its own fresh store — a `tidemark serve` on a new SQLite file —
 * plus a StoreClient to arrange data, and a `shot(name)` helper that saves a screenshot of the
 * page to test-results/screenshots/<name>.png (and attaches it to the report).
 */
import { test as base, expect } from '@playwright/test';
import { mkdir } from 'node:fs/promises';
import { startServer, type RunningServer } from './server';
import { StoreClient } from './store-client';

interface Fixtures {
  serverArgs: string[];
  server: RunningServer;
  store: StoreClient;
  shot: (name: string) => Promise<void>;
}

export const test = base.extend<Fixtures>({
  serverArgs: [[], { option: true }],
  server: async ({ serverArgs }, use) => {
    const server = await startServer({ args: serverArgs });
    try {
      await use(server);
    } finally {
      await server.stop();
    }
  },
  store: async ({ server, serverArgs }, use) => {
    const tokenArg = serverArgs.find((a) => a.includes(':admin'));
    await use(new StoreClient(server.url, tokenArg?.split(':')[0]));
  },
  shot: async ({ page }, use, testInfo) => {
    await mkdir('test-results/screenshots', { recursive: true });
    await use(async (name: string) => {
      const path = `test-results/screenshots/${name}.png`;
      await page.screenshot({ path });
      await testInfo.attach(name, { path, contentType: 'image/png' });
    });
  },
});

export { expect };
