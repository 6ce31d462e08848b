/**
 * Journeys: write from the app. New transaction on the Events tab: a validation error is shown in
 * place in the store's words and nothing can be written; once fixed, the store's dry run lists the
 * duplicate, and the transaction is written with the note in meta. A file larger than one
 * transaction imports as consecutive transactions with progress, and Cancel stops after the
 * transaction being written, saying exactly what was written. And a read-only connection or a
 * read token shows none of the write controls (New transaction, Re-publish).
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { AppPage } from './pages/app-page';
import { TopicPage } from './pages/topic-page';

function newTxn(page: Page) {
  return page.getByRole('button', { name: 'New transaction' });
}

test('new transaction: a validation error in place, then fixed and written with a note', async ({
  page,
  server,
  store,
  shot,
}) => {
  await store.append('ledger', [{ key: 'X', data: { v: 1 } }]);
  await new AppPage(page, server.url).open('#/topic/ledger/events');
  await newTxn(page).click();
  const dialog = page.getByRole('dialog', { name: 'New transaction' });
  await expect(dialog).toBeVisible();

  const events = dialog.getByRole('textbox', { name: 'Events' });
  await events.fill('{"key":"X","data":{"v":1}}\n{"key":"","data":2}');
  const problems = dialog.getByRole('alert', { name: 'Problems' });
  await expect(problems).toHaveText('line 2: key: must be a non-empty string of at most 1024 characters');
  const write = dialog.getByRole('button', { name: 'Write transaction' });
  await expect(write).toBeDisabled();

  await events.fill('{"key":"X","data":{"v":1}}\n{"key":"Y","data":2}');
  await expect(problems).toHaveCount(0);
  // The store's dry run: X equals its current value, so it would be a duplicate.
  const check = dialog.getByRole('region', { name: 'Check' });
  await expect(check).toContainText('2 events ready; 1 would be duplicate');
  await expect(check.locator('.duplicates')).toHaveText('X');
  await dialog.getByLabel('Note (optional)').fill('typed in the app');
  await expect(write).toBeEnabled();
  await shot('new-transaction');
  // The dry run wrote nothing.
  expect((await store.topicInfo('ledger')).maxSeq).toBe(1);

  await write.click();
  await expect(dialog.getByRole('status').last()).toHaveText(
    'Wrote txn 2 (2 events, 1 of them duplicates not stored).',
  );
  const txn = await store.getTxn('ledger', 2);
  expect(txn.meta).toEqual({ note: 'typed in the app' });
  expect(txn.events.map((e) => [e.key, e.data])).toEqual([['Y', 2]]);
  await dialog.getByRole('button', { name: 'Done' }).click();
  const t = new TopicPage(page);
  await expect(t.row('Events', 2)).toContainText('Y');
});

test('a large file imports as consecutive transactions, and Cancel stops after the current one', async ({
  page,
  server,
  store,
}) => {
  await store.append('ledger', [{ key: 'seed', data: 0 }]);
  const lines = Array.from({ length: 25_001 }, (_, i) => JSON.stringify({ key: `k${i}`, data: { i } }));
  const file = { name: 'big.ndjson', mimeType: 'application/x-ndjson', buffer: Buffer.from(lines.join('\n')) };
  await new AppPage(page, server.url).open('#/topic/ledger/events');

  // Hold the first write until Cancel has been pressed: Cancel lands while transaction 2 is on its way.
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let writes = 0;
  await page.route('**/v1/topics/ledger/txns', async (route) => {
    if (route.request().method() === 'POST' && !route.request().url().includes('dryRun')) {
      writes++;
      if (writes === 1) await held;
    }
    await route.continue();
  });

  await newTxn(page).click();
  const dialog = page.getByRole('dialog', { name: 'New transaction' });
  await dialog.getByLabel('Events file').setInputFiles(file);
  await expect(dialog).toContainText('File big.ndjson: 25,001 events in 3 transactions');
  await dialog.getByRole('button', { name: 'Import 3 transactions' }).click();
  await expect(dialog.getByRole('progressbar', { name: 'Transactions written' })).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog.getByRole('button', { name: 'Cancelling after this transaction…' })).toBeDisabled();
  release();
  await expect(dialog.getByRole('status').last()).toHaveText(
    'Wrote txn 2 (10,000 events); cancelled before the rest (2 transactions, 15,001 events).',
  );
  expect(writes).toBe(1);
  expect((await store.getTxn('ledger', 2)).count).toBe(10_000);
  expect((await store.topicInfo('ledger')).keys).toBe(10_001);

  // Without Cancel, the whole file goes in.
  await page.unroute('**/v1/topics/ledger/txns');
  await dialog.getByRole('button', { name: 'Done' }).click();
  await newTxn(page).click();
  await dialog.getByLabel('Events file').setInputFiles(file);
  await dialog.getByRole('button', { name: 'Import 3 transactions' }).click();
  // The first 10,000 were written already: that transaction is all duplicates and uses no number.
  await expect(dialog.getByRole('status').last()).toHaveText(
    'Wrote txns 3-4 (25,001 events, 10,000 of them duplicates not stored).',
  );
  expect((await store.topicInfo('ledger')).keys).toBe(25_002);
});

test.describe('read-only', () => {
  test.use({ serverArgs: ['--token', 'adm1n:admin', '--token', 'view:read'] });

  test('a read token and a read-only connection show none of the write controls', async ({
    page,
    server,
    store,
    shot,
  }) => {
    await store.append('ledger', [{ key: 'X', data: { v: 1 } }]);
    await store.append('ledger', [{ key: 'X', data: { v: 2 } }]);
    await store.invalidate('ledger', 2, 'wrong');
    const app = new AppPage(page, server.url);
    const t = new TopicPage(page);

    // The admin token sees them.
    await app.open('#/topics');
    await page.getByLabel('Token').fill('adm1n');
    await page.getByRole('button', { name: 'Connect' }).click();
    // Connecting ends on the topics list: wait for it, or it may replace the route opened next.
    await expect(app.statusBar).toContainText('role: admin');
    await app.open('#/topic/ledger/events');
    await expect(newTxn(page)).toBeVisible();
    await t.tab('Transactions').click();
    await expect(t.row('Transactions', 2).getByRole('button', { name: 'Re-publish' })).toBeVisible();

    // Marked read-only: gone.
    await app.setReadOnly(true);
    await app.open('#/topic/ledger/events');
    await expect(t.grid('Events')).toBeVisible();
    await expect(newTxn(page)).toHaveCount(0);
    await t.tab('Transactions').click();
    await expect(t.row('Transactions', 2)).toBeVisible();
    await expect(page.getByRole('button', { name: 'Re-publish' })).toHaveCount(0);
    await expect(t.invalidateButton(1)).toBeDisabled();
    await app.setReadOnly(false);

    // A read token: gone too, and the settings say the server records the token's name.
    await app.gotoConnections();
    await page.getByLabel('Token').fill('view');
    await page.getByRole('button', { name: 'Connect' }).click();
    await expect(app.statusBar).toContainText('role: read');
    await app.gotoConnections();
    await expect(page.getByRole('region', { name: 'Settings' })).toContainText(
      "The server records your token's name: read-2",
    );
    await app.open('#/topic/ledger/txns');
    await expect(t.row('Transactions', 2)).toBeVisible();
    await expect(page.getByRole('button', { name: 'Re-publish' })).toHaveCount(0);
    await shot('read-only-controls');
    await t.tab('Events').click();
    await expect(t.grid('Events')).toBeVisible();
    await expect(newTxn(page)).toHaveCount(0);
  });
});
