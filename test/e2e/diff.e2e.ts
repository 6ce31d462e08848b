/**
 * Journeys on the Diff tab: a CSV snapshot gives the right counts, detected columns and
 * highlighted differing fields, and a row leads to the transaction behind the store value; a
 * malformed snapshot shows a readable error that names the line.
 */
import { readFile } from 'node:fs/promises';
import { expect, test } from './fixtures';
import { AppPage } from './pages/app-page';
import { TopicPage } from './pages/topic-page';

test('diff upload shows the right counts and fields', async ({ page, server, store, shot }) => {
  await store.append('trades', [
    { key: 'T1', data: { qty: 1, px: '10' } },
    { key: 'T2', data: { qty: 2, px: '20' } },
    { key: 'T3', data: { qty: 3, px: '30' } },
  ]);
  await store.append('trades', [{ key: 'T2', data: { qty: 2, px: '20', note: 'x' } }]);
  await new AppPage(page, server.url).open('#/topic/trades/diff');
  const t = new TopicPage(page);
  await t.upload('upstream.csv', 'text/csv', 'key,qty,px\nT1,1,10\nT2,2,21\nT4,4,40\n');

  await expect(page.getByLabel('Key field')).toHaveValue('key');
  const fields = page.getByRole('group', { name: 'Compared fields' });
  await expect(fields.getByRole('checkbox', { name: 'qty' })).toBeChecked();
  await expect(fields.getByRole('checkbox', { name: 'px' })).toBeChecked();
  await page.getByRole('button', { name: 'Compare' }).click();

  await expect(t.count('equal')).toHaveText('1');
  await expect(t.count('different')).toHaveText('1');
  await expect(t.count('missingInStore')).toHaveText('1');
  await expect(t.count('missingInSnapshot')).toHaveText('1');
  const t2 = t.row('Diff results', 'T2');
  await expect(t2.locator('mark')).toHaveText(['px']);
  await expect(t2).toContainText('20 → 21');
  await shot('diff');

  await t2.getByRole('button', { name: 'Open transaction 2 for T2' }).click();
  await expect(t.tab('Transactions')).toHaveAttribute('aria-selected', 'true');
  const focused = page.getByRole('region', { name: 'Transaction 2' });
  await expect(focused).toBeVisible();
  await expect(focused.getByRole('button', { name: 'Invalidate' })).toBeEnabled();
  await shot('transaction-focused');

  // The diff result is still there when coming back.
  await t.tab('Diff').click();
  await expect(t.count('different')).toHaveText('1');
});

test('a malformed snapshot shows a readable error', async ({ page, server, store, shot }) => {
  await store.append('trades', [{ key: 'T1', data: { qty: 1 } }]);
  await new AppPage(page, server.url).open('#/topic/trades/diff');
  const t = new TopicPage(page);
  await t.drop('broken.ndjson', 'application/x-ndjson', '{"key":"T1","qty":1}\n{"key": oops}\n');
  await expect(page.getByText('Snapshot: broken.ndjson')).toBeVisible();
  await expect(page.getByLabel('Format')).toHaveValue('ndjson');
  await page.getByRole('button', { name: 'Compare' }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('The snapshot could not be compared');
  await expect(alert).toContainText('line 2');
  await expect(alert).toContainText('Fix the file at the record or line named above');
  await shot('diff-error');
});

test('a running comparison can be cancelled, and results export as CSV', async ({ page, server, store }) => {
  await store.append('trades', [
    { key: 'T1', data: { qty: 1 } },
    { key: 'T2', data: { qty: 2 } },
  ]);
  // Hold the first diff request back so there is time to press Cancel.
  let held = true;
  await page.route('**/v1/topics/trades/diff**', async (route) => {
    if (held) {
      held = false;
      await new Promise((r) => setTimeout(r, 5000));
    }
    await route.continue().catch(() => undefined);
  });
  await new AppPage(page, server.url).open('#/topic/trades/diff');
  const t = new TopicPage(page);
  await t.upload(
    'up.json',
    'application/json',
    JSON.stringify([
      { key: 'T1', qty: 1 },
      { key: 'T2', qty: 3 },
    ]),
  );
  await expect(page.getByLabel('Format')).toHaveValue('json');
  await page.getByRole('button', { name: 'Compare' }).click();
  await expect(page.getByLabel('Comparison progress')).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByText('Comparison cancelled')).toBeVisible();
  await expect(page.getByLabel('Diff summary')).toHaveCount(0);

  await page.getByRole('button', { name: 'Compare' }).click();
  await expect(t.count('different')).toHaveText('1');
  await expect(t.count('equal')).toHaveText('1');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('trades-diff.csv');
  const text = await readFile(await file.path(), 'utf8');
  expect(text.split('\r\n')[0]).toBe('key,status,fields,storeSeq,storeTxn,storeTime,storeHash,storeData,snapshot');
  expect(text).toContain('T2,different,qty,2,1,');
});
