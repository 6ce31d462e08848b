/**
 * Journey: the Surface tab — newest valid value per key (tombstones gone), prefix search, the
 * surface as of an earlier transaction, and "Show invalid" flagging rows from an invalidated
 * transaction.
 */
import { readFile } from 'node:fs/promises';
import { expect, test } from './fixtures';
import { AppPage } from './pages/app-page';
import { TopicPage } from './pages/topic-page';

test('surface views and as-of', async ({ page, server, store, shot }) => {
  await store.append('prices', [
    { key: 'A', data: { px: 1 } },
    { key: 'B', data: { px: 1 } },
    { key: 'C', data: { px: 1 } },
  ]);
  await store.append('prices', [
    { key: 'A', data: { px: 2 } },
    { key: 'B', data: null },
  ]);
  await store.append('prices', [{ key: 'C', data: { px: 3 } }]);
  await new AppPage(page, server.url).open('#/topic/prices/surface');
  const t = new TopicPage(page);

  await expect(t.bodyRows('Surface')).toHaveCount(2);
  await expect(t.row('Surface', 'A')).toContainText('{"px":2}');
  await expect(t.row('Surface', 'C')).toContainText('{"px":3}');
  await expect(t.row('Surface', 'B')).toHaveCount(0);

  await t.searchKeys.fill('C');
  await expect(t.bodyRows('Surface')).toHaveCount(1);
  await t.searchKeys.fill('');

  await t.asOf.fill('1');
  await expect(t.bodyRows('Surface')).toHaveCount(3);
  await expect(t.row('Surface', 'A')).toContainText('{"px":1}');
  await expect(t.row('Surface', 'B')).toContainText('{"px":1}');
  await t.asOf.fill('');
  await expect(t.bodyRows('Surface')).toHaveCount(2);

  await store.invalidate('prices', 3, 'wrong price');
  await page.reload();
  await expect(t.row('Surface', 'C')).toContainText('{"px":1}');
  await t.showInvalid.check();
  await expect(t.row('Surface', 'C')).toContainText('{"px":3}');
  await expect(t.row('Surface', 'C')).toContainText('invalid');
  await shot('surface');

  await t.row('Surface', 'C').click();
  await expect(page.getByRole('complementary', { name: 'Key C' })).toContainText('invalid');
});

test('export of the surface downloads a CSV with every row', async ({ page, server, store }) => {
  await store.seed('prices', 2, 5);
  await new AppPage(page, server.url).open('#/topic/prices/surface');
  const t = new TopicPage(page);
  await expect(t.bodyRows('Surface')).toHaveCount(10);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('prices-surface.csv');
  await expect(page.getByText('Exported 10 rows to prices-surface.csv')).toBeVisible();
  // The file saved is the server's export, byte for byte (the browser builds it from the chunks).
  const saved = await readFile(await file.path());
  expect(saved.equals(await store.exportSurface('prices', 'csv'))).toBe(true);
  expect(saved.toString('utf8').trimEnd().split('\n')).toHaveLength(11);
});

test('a surface export shows its rows as they arrive, and Cancel stops it with nothing saved', async ({
  page,
  server,
  store,
}) => {
  await store.seed('big', 20, 100);
  await new AppPage(page, server.url).open('#/topic/big/surface');
  const t = new TopicPage(page);
  await expect(t.bodyRows('Surface').first()).toBeVisible();
  const downloads: string[] = [];
  page.on('download', (d) => downloads.push(d.suggestedFilename()));
  // A slow link (DevTools throttling in Chromium), so the export is still arriving when Cancel is pressed.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: 16 * 1024,
    uploadThroughput: -1,
  });
  await page.getByRole('button', { name: 'Export' }).click();
  await expect(page.getByLabel('Export progress')).toBeVisible();
  // Rows counted as they arrive, out of the topic's 2,000 keys.
  await expect(page.getByText(/^[1-9][\d,]* of 2,000 rows$/)).toBeVisible({ timeout: 15_000 });
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByText('Export cancelled')).toBeVisible();
  await expect(page.getByLabel('Export progress')).toHaveCount(0);

  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: -1,
  });
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export' }).click();
  await download;
  await expect(page.getByText('Exported 2,000 rows to big-surface.csv')).toBeVisible();
  expect(downloads).toEqual(['big-surface.csv']);
});
