/**
 * Journey: who did what. On a server with named tokens, the Transactions tab shows who wrote each
 * transaction (`by`), its `meta` and an invalidation's reason, and "Written by" lists only one
 * writer's transactions through the store's filter: a match beyond the first page is listed too
 * (nothing is missed because it was not loaded), the toolbar says what is filtered, and an
 * invalid name is refused in the store's words.
 */
import { expect, test } from './fixtures';
import { AppPage } from './pages/app-page';
import { TopicPage } from './pages/topic-page';
import { StoreClient } from './store-client';

test.describe('with named tokens', () => {
  test.use({ serverArgs: ['--token', 'ann-secret:admin:ann', '--token', 'bob-secret:write:bob'] });

  test('Transactions shows by, meta and reason, and filters by writer', async ({ page, server, store, shot }) => {
    const bob = new StoreClient(server.url, 'bob-secret');
    await bob.append('ledger', [{ key: 'B-0', data: 0 }], { ticket: 'OPS-7' });
    // 250 of ann's transactions: more than one page (200), so bob's first one is not loaded.
    for (let i = 0; i < 250; i++) await store.append('ledger', [{ key: `A-${i}`, data: i }]);
    await bob.append('ledger', [{ key: 'B-1', data: 1 }]);
    await store.invalidate('ledger', 252, 'wrong file');

    const app = new AppPage(page, server.url);
    await app.open('#/topics');
    await page.getByLabel('Token').fill('ann-secret');
    await page.getByRole('button', { name: 'Connect' }).click();
    // Connecting ends on the topics list: wait for it, or it may replace the route opened next.
    await expect(app.statusBar).toContainText('role: admin');
    await app.open('#/topic/ledger/txns');
    const t = new TopicPage(page);
    await expect(t.row('Transactions', 253)).toContainText('ann');
    await expect(t.row('Transactions', 253)).toContainText('marker');
    await expect(t.row('Transactions', 252)).toContainText('bob');
    await expect(t.row('Transactions', 252)).toContainText('wrong file');
    await expect(t.row('Transactions', 251)).toContainText('ann');

    const filter = page.getByLabel('Written by');
    await filter.fill('bob');
    await filter.press('Enter');
    await expect(page.getByRole('status').filter({ hasText: 'Showing only transactions by' })).toContainText('bob');
    await expect(t.bodyRows('Transactions')).toHaveCount(2);
    await expect(t.row('Transactions', 1)).toContainText('{"ticket":"OPS-7"}');
    await expect(t.row('Transactions', 252)).toContainText('bob');
    await shot('txns-by-filter');

    await filter.fill('x'.repeat(201));
    await expect(
      page.getByRole('alert').filter({ hasText: 'by: must be a string of 1 to 200 characters' }),
    ).toBeVisible();
    await expect(page.getByRole('button', { name: 'Filter' })).toBeDisabled();

    await page.getByRole('button', { name: 'Show all' }).click();
    await expect(t.row('Transactions', 251)).toBeVisible();
    await expect(page.getByText('Showing only transactions by')).toHaveCount(0);
  });
});
