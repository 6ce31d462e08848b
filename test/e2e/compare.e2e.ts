/**
 * "Compare with…" in the browser (the app served by `tidemark serve`, real Chromium): the action is
 * desktop-only there (docs/renderer.md): a page cannot read another server (no CORS) and the
 * server does not fetch URLs for a browser (no SSRF). The dialog says so and shows the CLI command
 * with this server's URL, and opening it sends no request anywhere: no other origin, and no new
 * request to the serving one either. The desktop flow (progress, Cancel, the report) is covered
 * through the real bridge and handlers in test/electron/compare.int.test.ts.
 */
import { expect, test } from './fixtures';
import { AppPage } from './pages/app-page';

test('Compare with… in the browser explains the desktop-only action and sends nothing', async ({
  page,
  server,
  store,
  shot,
}) => {
  await store.append('cmp.t', [{ key: 'a', data: 1 }]);
  const app = new AppPage(page, server.url);
  await app.open('#/topics');
  await expect(page.getByRole('grid', { name: 'Topics' })).toContainText('cmp.t');

  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.getByRole('button', { name: 'Compare with…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Compare with…' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('note')).toContainText('runs in the desktop app');
  await expect(dialog.locator('pre')).toContainText(`tidemark compare --from ${server.url}`);
  await expect(dialog.getByRole('button', { name: 'Compare', exact: true })).toHaveCount(0);
  await shot('compare-browser');

  await dialog.getByRole('button', { name: 'Close', exact: true }).click();
  await expect(dialog).toHaveCount(0);
  expect(requests.filter((u) => !u.startsWith(server.url))).toEqual([]);
  expect(requests.filter((u) => u.includes('/v1/') && !u.endsWith('/v1/topics'))).toEqual([]);
});
