/**
 * Journeys of repair from a diff on the Diff tab: tick rows, preview what the Repair dialog would
 * write, be told in place that a reason is needed, write, and see the rows equal and linked to the
 * repair transaction (whose meta.repair the server kept); repair all 10,000 different rows of a
 * diff without sending their keys; a topic that moved on since the diff writes nothing (the rows
 * picked with Ctrl+A); and a
 * read-only connection or a read-role token shows no repair control at all.
 */
import type { Page, Request } from '@playwright/test';
import { expect, test } from './fixtures';
import { AppPage } from './pages/app-page';
import { TopicPage } from './pages/topic-page';
import type { StoreClient } from './store-client';

const PRICES = 'key,qty,px\nT1,1,11\nT2,2,21\nT3,3,31\nT5,5,50\n';

async function seedTrades(store: StoreClient): Promise<void> {
  await store.append('trades', [
    { key: 'T1', data: { qty: 1, px: 10, desk: 'rates' } },
    { key: 'T2', data: { qty: 2, px: 20, desk: 'fx' } },
    { key: 'T3', data: { qty: 3, px: 30, desk: 'rates' } },
    { key: 'T4', data: { qty: 4, px: 40, desk: 'fx' } },
  ]);
}

async function compareTrades(page: Page, url: string): Promise<TopicPage> {
  await new AppPage(page, url).open('#/topic/trades/diff');
  const t = new TopicPage(page);
  await t.upload('prices.csv', 'text/csv', PRICES);
  await page.getByRole('button', { name: 'Compare' }).click();
  await expect(t.count('different')).toHaveText('3');
  return t;
}

/** The next POST to the repair route that writes (not the dry run). */
function repairWrite(page: Page): Promise<Request> {
  return page.waitForRequest(
    (r) => r.method() === 'POST' && r.url().includes('/repair?') && !r.url().includes('dryRun=true'),
  );
}

test('repair selected rows', async ({ page, server, store, shot }) => {
  await seedTrades(store);
  const t = await compareTrades(page, server.url);
  await expect(t.count('missingInStore')).toHaveText('1');
  await expect(t.count('missingInSnapshot')).toHaveText('1');

  const repair = page.getByRole('button', { name: 'Repair selected' });
  await expect(repair).toBeDisabled();
  await expect(page.getByText('Select rows to repair.')).toBeVisible();
  await t.row('Diff results', 'T1').getByRole('checkbox', { name: 'Select T1' }).check();
  // Space ticks the active row: T2 is the second row, and unticking it again leaves two.
  const grid = t.grid('Diff results');
  await grid.focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Space');
  await expect(t.row('Diff results', 'T2').getByRole('checkbox')).toBeChecked();
  await page.keyboard.press('Space');
  await expect(t.row('Diff results', 'T2').getByRole('checkbox')).not.toBeChecked();
  await t.row('Diff results', 'T3').getByRole('checkbox', { name: 'Select T3' }).check();
  await expect(page.getByTestId('repair-selected-count')).toHaveText('2 selected');
  await expect(repair).toBeEnabled();
  await shot('repair-selected');

  await repair.click();
  const dialog = page.getByRole('dialog', { name: 'Repair' });
  await expect(dialog.getByTestId('repair-count')).toHaveText('2 rows will be written in 1 transaction.');
  const preview = dialog.getByRole('table', { name: 'Repair preview' });
  await expect(preview.locator('tbody tr')).toHaveCount(2);
  await expect(preview.locator('tr[data-key="T1"]')).toContainText('px');
  await expect(preview.locator('tr[data-key="T1"]')).toContainText('10');
  await expect(preview.locator('tr[data-key="T1"]')).toContainText('→ 11');
  await expect(preview.locator('tr[data-key="T3"]')).toContainText('→ 31');

  // No reason: refused in place, in the store's words, and nothing is sent.
  await dialog.getByRole('button', { name: 'Write repair transaction' }).click();
  await expect(dialog.getByRole('alert')).toHaveText('reason: must be a string of 1 to 1000 characters');
  expect((await store.getTxn('trades', 1)).txn).toBe(1);
  await expect(store.getTxn('trades', 2)).rejects.toThrow(/404/);
  await shot('repair-dialog');

  await dialog.getByLabel('Reason').fill('upstream prices corrected');
  await expect(dialog.getByRole('alert')).toHaveCount(0);
  const sent = repairWrite(page);
  await dialog.getByRole('button', { name: 'Write repair transaction' }).click();
  // Chosen keys travel as a multipart body (snapshot + keys).
  expect((await sent).headers()['content-type']).toMatch(/^multipart\/form-data; boundary=/);
  await expect(dialog).toHaveCount(0);

  await expect(page.getByTestId('repair-done')).toContainText('Repaired 2 rows in transaction 2.');
  await expect(t.count('different')).toHaveText('1');
  for (const key of ['T1', 'T3']) {
    const row = t.row('Diff results', key);
    await expect(row).toContainText('Equal');
    await expect(row).toContainText('repaired');
    await expect(row.getByRole('button', { name: `Open transaction 2 for ${key}` })).toBeVisible();
  }
  await expect(t.row('Diff results', 'T2')).toContainText('Different');

  const txn = await store.getTxn('trades', 2);
  const meta = txn.meta as { repair?: { reason?: unknown } } | null;
  expect(meta?.repair?.reason).toBe('upstream prices corrected');
  expect(txn.events.map((e) => [e.key, e.data])).toEqual([
    ['T1', { qty: 1, px: 11, desk: 'rates' }],
    ['T3', { qty: 3, px: 31, desk: 'rates' }],
  ]);

  await t.row('Diff results', 'T1').getByRole('button', { name: 'Open transaction 2 for T1' }).click();
  await expect(t.tab('Transactions')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('region', { name: 'Transaction 2' })).toBeVisible();
});

test('repair all different rows of a 10,000-key diff', async ({ page, server, store, shot }) => {
  const n = 10_000;
  const key = (i: number): string => `K-${String(i).padStart(5, '0')}`;
  await store.append(
    'big',
    Array.from({ length: n }, (_, i) => ({ key: key(i), data: { n: i, name: `item ${i}` } })),
  );
  const csv = 'key,n\n' + Array.from({ length: n }, (_, i) => `${key(i)},${i + 1}\n`).join('');
  await new AppPage(page, server.url).open('#/topic/big/diff');
  const t = new TopicPage(page);
  await t.upload('big.csv', 'text/csv', csv);
  await page.getByRole('button', { name: 'Compare' }).click();
  await expect(t.count('different')).toHaveText('10,000');

  await page.getByRole('checkbox', { name: 'All 10,000 different' }).check();
  await expect(page.getByTestId('repair-selected-count')).toHaveText('10,000 selected');
  await expect(t.row('Diff results', key(0)).getByRole('checkbox')).toBeChecked();
  await page.getByRole('button', { name: 'Repair selected' }).click();
  const dialog = page.getByRole('dialog', { name: 'Repair' });
  await expect(dialog.getByTestId('repair-count')).toHaveText('10,000 rows will be written in 1 transaction.');
  await expect(dialog.getByText('and 9,950 more')).toBeVisible();
  await dialog.getByLabel('Reason').fill('reload from upstream');
  const sent = repairWrite(page);
  await dialog.getByRole('button', { name: 'Write repair transaction' }).click();
  // All of a category: the snapshot alone, the category in the query, no keys.
  const req = await sent;
  expect(req.headers()['content-type']).toBe('text/csv');
  expect(new URL(req.url()).searchParams.get('include')).toBe('different');

  await expect(page.getByTestId('repair-done')).toContainText(
    'Repaired 10,000 rows in transaction 2. The diff now shows 0 different',
  );
  await expect(t.count('different')).toHaveText('0');
  await expect(t.count('equal')).toHaveText('10,000');
  const first = t.row('Diff results', key(0));
  await expect(first).toContainText('repaired');
  await expect(first.getByRole('button', { name: `Open transaction 2 for ${key(0)}` })).toBeVisible();
  await shot('repair-all');

  const after = await store.diff('big', csv, 'text/csv');
  expect(after.summary).toMatchObject({ different: 0, equal: n });
  const txn = await store.getTxn('big', 2);
  expect(txn.events).toHaveLength(n);
  expect((txn.meta as { repair?: { reason?: unknown } }).repair?.reason).toBe('reload from upstream');
});

test('a topic that moved on since the diff writes nothing', async ({ page, server, store }) => {
  await seedTrades(store);
  const t = await compareTrades(page, server.url);
  // Ctrl+A in the results picks all of a category (with the filter on "All" and no active row: Different).
  await t.grid('Diff results').focus();
  await page.keyboard.press('Control+a');
  await expect(page.getByRole('checkbox', { name: 'All 3 different' })).toBeChecked();
  await expect(page.getByTestId('repair-selected-count')).toHaveText('3 selected');
  await page.getByRole('button', { name: 'Repair selected' }).click();
  const dialog = page.getByRole('dialog', { name: 'Repair' });
  await expect(dialog.getByTestId('repair-count')).toHaveText('3 rows will be written in 1 transaction.');
  await store.append('trades', [{ key: 'T9', data: { qty: 9 } }]);
  await dialog.getByLabel('Reason').fill('too late');
  await dialog.getByRole('button', { name: 'Write repair transaction' }).click();
  await expect(dialog.getByRole('alert')).toHaveText(
    'The topic moved on since this diff; run it again. Nothing was written.',
  );
  // Transaction 2 is the write from elsewhere; no repair transaction follows it.
  await expect(store.getTxn('trades', 3)).rejects.toThrow(/404/);
  expect((await store.getTxn('trades', 2)).meta).toBeNull();
  await dialog.getByRole('button', { name: 'Close' }).first().click();
  await expect(t.count('different')).toHaveText('3');
});

test('a read-only connection shows no repair control', async ({ page, server, store }) => {
  await seedTrades(store);
  const app = new AppPage(page, server.url);
  await app.open('#/topics');
  await app.setReadOnly(true);
  const t = await compareTrades(page, server.url);
  await expect(t.row('Diff results', 'T1')).toBeVisible();
  await expect(page.getByRole('group', { name: 'Repair selection' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Repair selected' })).toHaveCount(0);
  await expect(t.grid('Diff results').getByRole('checkbox')).toHaveCount(0);
});

test.describe('with tokens', () => {
  test.use({ serverArgs: ['--token', 'adm1n:admin', '--token', 'view:read'] });

  test('a read token shows no repair control', async ({ page, server, store }) => {
    await seedTrades(store);
    const app = new AppPage(page, server.url);
    await app.open('#/topics');
    await page.getByLabel('Token').fill('view');
    await page.getByRole('button', { name: 'Connect' }).click();
    await expect(app.statusBar).toContainText('role: read');
    const t = await compareTrades(page, server.url);
    await expect(t.row('Diff results', 'T1')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Repair selected' })).toHaveCount(0);
    await expect(t.grid('Diff results').getByRole('checkbox')).toHaveCount(0);
  });
});
