/**
 * Journeys on connections and access: a connection marked read-only cannot write (every write
 * control disabled, the status bar says so, and the mark survives a reload); a server with tokens
 * asks for one, and a read-role token disables writes; a link opened before the token was asked
 * for is where the app goes once connected.
 */
import { expect, test } from './fixtures';
import { AppPage } from './pages/app-page';
import { TopicPage } from './pages/topic-page';
import { TopicsPage } from './pages/topics-page';

test('a read-only connection cannot write', async ({ page, server, store, shot }) => {
  const app = new AppPage(page, server.url);
  await app.open('#/topics');
  await expect(new TopicsPage(page).loadSample).toBeEnabled();
  await app.setReadOnly(true);
  await expect(app.statusBar).toContainText('read-only');
  await page.getByLabel('Colour').first().selectOption({ label: 'Red (production)' });
  await expect(page.getByRole('list', { name: 'Recent connections' })).toContainText('read-only');
  await shot('connections');
  await page.getByRole('link', { name: 'Open topics' }).click();
  await expect(new TopicsPage(page).loadSample).toBeDisabled();
  await shot('connections-read-only');

  await store.append('ledger', [{ key: 'X', data: { v: 1 } }]);
  await app.open('#/topic/ledger/txns');
  await page.reload();
  const t = new TopicPage(page);
  await expect(app.statusBar).toContainText('read-only');
  await expect(t.invalidateButton(1)).toBeDisabled();

  await app.setReadOnly(false);
  await app.open('#/topic/ledger/txns');
  await expect(t.invalidateButton(1)).toBeEnabled();
});

test.describe('with tokens', () => {
  test.use({ serverArgs: ['--token', 'adm1n:admin', '--token', 'view:read'] });

  test('the app asks for a token and a read token cannot write', async ({ page, server, store, shot }) => {
    await store.append('ledger', [{ key: 'X', data: { v: 1 } }]);
    const app = new AppPage(page, server.url);
    await app.open('#/topics');
    await expect(page.getByText('This server needs a token')).toBeVisible();
    await page.getByLabel('Token').fill('wrong');
    await page.getByRole('button', { name: 'Connect' }).click();
    await expect(page.getByRole('alert')).toContainText('Could not connect');
    await page.getByLabel('Token').fill('view');
    await page.getByRole('button', { name: 'Connect' }).click();
    await expect(app.statusBar).toContainText('role: read');
    await new TopicsPage(page).open('ledger');
    const t = new TopicPage(page);
    await t.tab('Transactions').click();
    await expect(t.invalidateButton(1)).toBeDisabled();
    await shot('token-read-role');
  });

  test('a link opened before the token was asked for is kept once connected', async ({ page, server, store }) => {
    await store.append('ledger', [{ key: 'X', data: { v: 1 } }]);
    await store.append('ledger', [{ key: 'Y', data: { v: 2 } }]);
    const app = new AppPage(page, server.url);
    await app.open('#/topic/ledger/txns?txn=2');
    await expect(page.getByText('This server needs a token')).toBeVisible();
    await page.getByLabel('Token').fill('adm1n');
    await page.getByRole('button', { name: 'Connect' }).click();
    await expect(app.statusBar).toContainText('role: admin');
    await expect(page).toHaveURL(/#\/topic\/ledger\/txns\?txn=2$/);
    const t = new TopicPage(page);
    await expect(t.invalidateButton(2)).toBeEnabled();
  });
});
