/**
 * Journey: find a bad transaction and invalidate it by clicking — the dialog previews the impact,
 * needs a reason and the txn number typed again, then the transaction row and the surface update
 * at once.
 */
import { expect, test } from './fixtures';
import { AppPage } from './pages/app-page';
import { TopicPage } from './pages/topic-page';

test('invalidate by clicking updates the txn row and the surface', async ({ page, server, store, shot }) => {
  await store.append('ledger', [
    { key: 'X', data: { v: 1 } },
    { key: 'Y', data: { v: 1 } },
  ]);
  await store.append('ledger', [{ key: 'X', data: { v: 2 } }]);
  await new AppPage(page, server.url).open('#/topic/ledger/txns');
  const t = new TopicPage(page);
  await expect(t.row('Transactions', 2)).toContainText('valid');

  await t.invalidateButton(2).click();
  const dialog = page.getByRole('dialog', { name: 'Invalidate transaction 2' });
  await expect(dialog).toBeVisible();
  const impact = dialog.getByRole('table', { name: 'Surface changes' });
  await expect(impact.getByRole('row')).toHaveCount(2);
  await expect(impact).toContainText('{"v":2} (txn 2)');
  await expect(impact).toContainText('{"v":1} (txn 1)');

  const go = dialog.getByRole('button', { name: 'Invalidate transaction 2' });
  await expect(go).toBeDisabled();
  await dialog.getByLabel('Reason').fill('bad upstream file');
  await expect(go).toBeDisabled();
  await dialog.getByLabel('Confirm transaction number').fill('1');
  await expect(go).toBeDisabled();
  await dialog.getByLabel('Confirm transaction number').fill('2');
  await expect(go).toBeEnabled();
  await shot('invalidate-dialog');
  await go.click();

  await expect(dialog).toHaveCount(0);
  await expect(t.row('Transactions', 2)).toContainText('invalid');
  await expect(t.row('Transactions', 2)).toContainText('bad upstream file');
  await expect(t.invalidateButton(2)).toHaveCount(0);
  await expect(t.row('Transactions', 3)).toContainText('marker');
  await shot('transactions');

  await t.tab('Surface').click();
  await expect(t.row('Surface', 'X')).toContainText('{"v":1}');
});

test('escape closes the invalidation dialog without writing', async ({ page, server, store }) => {
  await store.append('ledger', [{ key: 'X', data: { v: 1 } }]);
  await new AppPage(page, server.url).open('#/topic/ledger/txns');
  const t = new TopicPage(page);
  await t.invalidateButton(1).click();
  await expect(t.dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(t.dialog).toHaveCount(0);
  await expect(t.row('Transactions', 1)).toContainText('valid');
  await expect(t.bodyRows('Transactions')).toHaveCount(1);

  // Typing a number brings that transaction to the top, where it can be invalidated too.
  await page.getByLabel('Go to transaction').fill('1');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('region', { name: 'Transaction 1' })).toContainText('Seq 1–1');
});
