/**
 * Journey: undo a mistaken invalidation by re-publishing. The dialog previews the impact (the same
 * table as Invalidate: each key's value now → after) and lists the key a later transaction changed
 * as left alone; after it the surface shows the old values again for the other keys, and the new
 * transaction's meta names the invalidated one (`republishOf`) with the note.
 */
import { expect, test } from './fixtures';
import { AppPage } from './pages/app-page';
import { TopicPage } from './pages/topic-page';

test('re-publish an invalidated transaction', async ({ page, server, store, shot }) => {
  await store.append('ledger', [
    { key: 'A', data: { v: 1 } },
    { key: 'B', data: { v: 1 } },
    { key: 'C', data: { v: 1 } },
  ]);
  await store.append('ledger', [
    { key: 'A', data: { v: 2 } },
    { key: 'B', data: { v: 2 } },
    { key: 'C', data: null },
  ]);
  await store.append('ledger', [{ key: 'B', data: { v: 3 } }]);
  await store.invalidate('ledger', 2, 'thought it was wrong');

  await new AppPage(page, server.url).open('#/topic/ledger/txns');
  const t = new TopicPage(page);
  await expect(t.row('Transactions', 2)).toContainText('invalid');
  await expect(t.row('Transactions', 1).getByRole('button', { name: 'Re-publish' })).toHaveCount(0);
  await t.row('Transactions', 2).getByRole('button', { name: 'Re-publish' }).click();

  const dialog = page.getByRole('dialog', { name: 'Re-publish transaction 2' });
  await expect(dialog).toBeVisible();
  const impact = dialog.getByRole('table', { name: 'Surface changes' });
  await expect(impact.getByRole('row')).toHaveCount(3);
  await expect(impact).toContainText('{"v":1} (txn 1)');
  await expect(impact).toContainText('{"v":2} (txn 2)');
  await expect(impact).toContainText('— removed');
  const skipped = dialog.getByRole('table', { name: 'Skipped keys' });
  await expect(skipped.getByRole('row')).toHaveCount(2);
  await expect(skipped).toContainText('changed later by txn 3; left alone');
  await dialog.getByLabel('Note (optional)').fill('the invalidation was a mistake');
  const go = dialog.getByRole('button', { name: 'Re-publish 2 keys' });
  await expect(go).toBeEnabled();
  await shot('republish-preview');
  await go.click();

  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Transaction 5' })).toBeVisible();
  const txn = await store.getTxn('ledger', 5);
  expect(txn.meta).toEqual({ note: 'the invalidation was a mistake', republishOf: 2 });
  expect(txn.events.map((e) => [e.key, e.data])).toEqual([
    ['A', { v: 2 }],
    ['C', null],
  ]);
  // The surface is what it was before the invalidation; B keeps the later write.
  const surface = await store.surface('ledger');
  expect(surface.rows.map((r) => [r.key, r.data])).toEqual([
    ['A', { v: 2 }],
    ['B', { v: 3 }],
  ]);
  await t.tab('Surface').click();
  await expect(t.row('Surface', 'A')).toContainText('{"v":2}');
  await expect(t.row('Surface', 'C')).toHaveCount(0);
});

test('a stale preview is refused and can be previewed again', async ({ page, server, store }) => {
  await store.append('ledger', [{ key: 'A', data: 1 }]);
  await store.append('ledger', [{ key: 'A', data: 2 }]);
  await store.invalidate('ledger', 2, 'oops');
  await new AppPage(page, server.url).open('#/topic/ledger/txns');
  const t = new TopicPage(page);
  await t.row('Transactions', 2).getByRole('button', { name: 'Re-publish' }).click();
  const dialog = page.getByRole('dialog', { name: 'Re-publish transaction 2' });
  await expect(dialog.getByRole('button', { name: 'Re-publish 1 key' })).toBeEnabled();
  // Someone else writes meanwhile.
  await store.append('ledger', [{ key: 'Z', data: 1 }]);
  await dialog.getByRole('button', { name: 'Re-publish 1 key' }).click();
  await expect(dialog.getByRole('alert')).toContainText('The topic moved on; preview again');
  expect((await store.surface('ledger')).rows.map((r) => [r.key, r.data])).toEqual([
    ['A', 1],
    ['Z', 1],
  ]);
  await dialog.getByRole('button', { name: 'Preview again' }).click();
  await dialog.getByRole('button', { name: 'Re-publish 1 key' }).click();
  await expect(dialog).toHaveCount(0);
  expect((await store.getTxn('ledger', 5)).meta).toEqual({ republishOf: 2 });
});
