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

test('comparison options: map, tolerance, normalise and as of txn, checked in place and remembered per topic', async ({
  page,
  server,
  store,
  shot,
}) => {
  await store.append('fx', [
    { key: 'EUR', data: { rate: 1.0842, name: 'Euro' } },
    { key: 'GBP', data: { rate: 1.2671, name: 'Pound' } },
  ]);
  await store.append('fx', [{ key: 'GBP', data: { rate: 1.27, name: 'Pound' } }]);
  await store.append('fx.other', [{ key: 'EUR', data: { rate: 1 } }]);
  await new AppPage(page, server.url).open('#/topic/fx/diff');
  const t = new TopicPage(page);
  const upload = (): Promise<void> =>
    t.upload('rates.csv', 'text/csv', 'key,mid,name\nEUR,1.0840, euro\nGBP,1.2700,POUND\n');
  await upload();
  const opts = page.getByRole('group', { name: 'Comparison options' });
  const compare = page.getByRole('button', { name: 'Compare' });

  // Checked as typed, with the server's words; Compare waits for a fix.
  await opts.getByLabel('Tolerance').fill('-1');
  await expect(opts.getByRole('alert')).toHaveText('tolerance: "-1" must not be negative');
  await expect(compare).toBeDisabled();
  await opts.getByLabel('Tolerance').fill('rate:0.001');
  await opts.getByLabel('Map fields').fill('mid:rate');
  await opts.getByRole('checkbox', { name: 'Trim spaces' }).check();
  await opts.getByRole('checkbox', { name: 'Ignore case' }).check();
  await expect(opts.getByRole('alert')).toHaveCount(0);
  await compare.click();
  await expect(t.count('equal')).toHaveText('2');
  await expect(t.count('different')).toHaveText('0');
  await expect(page.getByTestId('diff-as-of')).toHaveText('Compared with the topic as of txn 2 (seq 3).');
  await shot('diff-options');

  // As of txn 1 GBP was 1.2671: beyond the tolerance.
  await opts.getByLabel('As of txn').fill('1');
  await compare.click();
  await expect(t.count('different')).toHaveText('1');
  await expect(page.getByTestId('diff-as-of')).toHaveText('Compared with the topic as of txn 1 (seq 2).');
  await expect(t.row('Diff results', 'GBP').locator('mark')).toHaveText(['rate']);
  // Compared fields are picked by their snapshot names and compared under their mapped ones.
  await page.getByRole('group', { name: 'Compared fields' }).getByRole('checkbox', { name: 'name' }).uncheck();
  await compare.click();
  await expect(t.count('different')).toHaveText('1');
  await expect(t.count('equal')).toHaveText('1');

  // A refusal only the server can make (a mapping onto the key field) is shown at the option.
  await opts.getByLabel('Map fields').fill('mid:key');
  await compare.click();
  await expect(opts.getByRole('alert')).toHaveText('map: "mid" cannot be renamed to the key field "key"');
  await expect(page.getByText('Fix the comparison option marked above')).toBeVisible();
  await shot('diff-options-error');
  await opts.getByLabel('Map fields').fill('mid:rate');

  // Remembered for this topic on this connection: a reload brings them back; another topic starts empty.
  await page.reload();
  await upload();
  await expect(opts.getByLabel('Map fields')).toHaveValue('mid:rate');
  await expect(opts.getByLabel('Tolerance')).toHaveValue('rate:0.001');
  await expect(opts.getByRole('checkbox', { name: 'Ignore case' })).toBeChecked();
  await expect(opts.getByLabel('As of txn')).toHaveValue('1');
  await new AppPage(page, server.url).open('#/topic/fx.other/diff');
  await upload();
  await expect(opts.getByLabel('Map fields')).toHaveValue('');
});
