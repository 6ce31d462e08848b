/**
 * The browser e2e journeys, run in the real desktop app over its IPC bridge and a local store
 * file: load the sample and open a topic, filter events, the live tail (written by another
 * process), surface views, a diff of a snapshot file picked from disk, invalidation with its
 * preview, surface export through the (stubbed) save dialog, and a read-only connection refusing
 * writes both in the UI and in main. Page objects are the browser suite's (test/e2e/pages).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { EventInput } from '../../src-core/model/types';
import type { EventStore } from '../../src-core/store/types';
import { TopicPage } from '../e2e/pages/topic-page';
import { TopicsPage } from '../e2e/pages/topics-page';
import { expect, goto, skipWithoutElectron, test } from './fixtures';

skipWithoutElectron(import.meta.filename, [
  'test/e2e/*.e2e.ts (the same journeys in Chromium, same page objects)',
  'test/electron/bridge.int.test.ts',
  'test/electron/jobs.int.test.ts',
  'test/electron/connect-server.int.test.ts',
  'test/electron/bundle.int.test.ts',
]);

async function seed(store: EventStore, topic: string, txns: number, perTxn: number): Promise<void> {
  for (let t = 0; t < txns; t++) {
    const events: EventInput[] = [];
    for (let i = 0; i < perTxn; i++) {
      const k = t * perTxn + i;
      events.push({ key: `K-${String(k).padStart(4, '0')}`, data: { n: k, name: `item ${k}` } });
    }
    await store.append(topic, { events });
  }
}

test('load the sample data and open the demo topic', async ({ launch }) => {
  const { page } = await launch();
  await goto(page, '#/topics');
  await expect(page.getByRole('heading', { name: 'This store has no topics yet' })).toBeVisible();
  await new TopicsPage(page).loadSample.click();
  const topic = new TopicPage(page);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('demo.trades');
  await expect(topic.bodyRows('Events').first()).toBeVisible();
  await goto(page, '#/topics');
  await expect(new TopicsPage(page).row('demo.trades')).toBeVisible();
});

test('filter events by key and by txn', async ({ launch, seed: seedStore }) => {
  await seedStore((s) => seed(s, 'orders', 3, 10));
  const { page } = await launch();
  await goto(page, '#/topics');
  await new TopicsPage(page).open('orders');
  const t = new TopicPage(page);
  await expect(t.bodyRows('Events').first()).toHaveAttribute('data-key', '30');
  await t.keyFilter.fill('K-0007');
  await expect(t.bodyRows('Events')).toHaveCount(1);
  await t.keyFilter.fill('');
  await t.txnFilter.fill('2');
  await expect(t.bodyRows('Events')).toHaveCount(10);
});

test('the live tail shows an event written by another process', async ({ launch, seed: seedStore }) => {
  await seedStore((s) => seed(s, 'feed', 2, 5));
  const { page } = await launch();
  await goto(page, '#/topic/feed/events');
  const t = new TopicPage(page);
  await expect(t.bodyRows('Events')).toHaveCount(10);
  await t.live.check();
  await expect(page.getByText('Live — 0 new')).toBeVisible();
  await seedStore((s) => s.append('feed', { events: [{ key: 'LIVE-1', data: { fresh: true } }] }));
  await expect(t.bodyRows('Events').first()).toContainText('LIVE-1');
  await expect(page.getByText('Live — 1 new')).toBeVisible();
});

test('surface: newest valid value per key, and as of an earlier transaction', async ({ launch, seed: seedStore }) => {
  await seedStore(async (s) => {
    await s.append('prices', {
      events: [
        { key: 'A', data: { px: 1 } },
        { key: 'B', data: { px: 1 } },
      ],
    });
    await s.append('prices', {
      events: [
        { key: 'A', data: { px: 2 } },
        { key: 'B', data: null },
      ],
    });
  });
  const { page } = await launch();
  await goto(page, '#/topic/prices/surface');
  const t = new TopicPage(page);
  await expect(t.bodyRows('Surface')).toHaveCount(1);
  await expect(t.row('Surface', 'A')).toContainText('{"px":2}');
  await t.asOf.fill('1');
  await expect(t.bodyRows('Surface')).toHaveCount(2);
});

test('diff a snapshot file picked from disk', async ({ launch, seed: seedStore, userData }) => {
  await seedStore((s) =>
    s.append('trades', {
      events: [
        { key: 'T1', data: { qty: 1, px: '10' } },
        { key: 'T2', data: { qty: 2, px: '20' } },
        { key: 'T3', data: { qty: 3, px: '30' } },
      ],
    }),
  );
  const snapshot = path.join(userData, 'upstream.csv');
  writeFileSync(snapshot, 'key,qty,px\nT1,1,10\nT2,2,21\nT4,4,40\n');
  const { page } = await launch();
  await goto(page, '#/topic/trades/diff');
  const t = new TopicPage(page);
  await page.getByLabel('Upload snapshot').setInputFiles(snapshot);
  await page.getByRole('button', { name: 'Compare' }).click();
  await expect(t.count('equal')).toHaveText('1');
  await expect(t.count('different')).toHaveText('1');
  await expect(t.count('missingInStore')).toHaveText('1');
  await expect(t.count('missingInSnapshot')).toHaveText('1');
});

test('invalidate a transaction after previewing its impact', async ({ launch, seed: seedStore }) => {
  await seedStore(async (s) => {
    await s.append('ledger', { events: [{ key: 'X', data: { v: 1 } }] });
    await s.append('ledger', { events: [{ key: 'X', data: { v: 2 } }] });
  });
  const { page } = await launch();
  await goto(page, '#/topic/ledger/txns');
  const t = new TopicPage(page);
  await t.invalidateButton(2).click();
  const dialog = page.getByRole('dialog', { name: 'Invalidate transaction 2' });
  await expect(dialog.getByRole('table', { name: 'Surface changes' })).toContainText('{"v":1} (txn 1)');
  await dialog.getByLabel('Reason').fill('bad upstream file');
  await dialog.getByLabel('Confirm transaction number').fill('2');
  await dialog.getByRole('button', { name: 'Invalidate transaction 2' }).click();
  await expect(t.row('Transactions', 2)).toContainText('invalid');
});

test('export the surface to the file chosen in the save dialog', async ({ launch, seed: seedStore, userData }) => {
  await seedStore((s) => seed(s, 'prices', 2, 5));
  const { app, page } = await launch();
  const target = path.join(userData, 'prices.csv');
  await app.evaluate(({ dialog }, file) => {
    dialog.showSaveDialog = () => Promise.resolve({ canceled: false, filePath: file });
  }, target);
  await goto(page, '#/topic/prices/surface');
  const t = new TopicPage(page);
  await expect(t.bodyRows('Surface')).toHaveCount(10);
  await page.getByRole('button', { name: 'Export' }).click();
  await expect(page.getByText(`Exported 10 rows to ${target}`)).toBeVisible();
  expect(readFileSync(target, 'utf8').split('\r\n')[0]).toBe('key,seq,txn,hash,time,invalid,data');
});

test('a read-only connection cannot write, in the UI and in main', async ({ launch, seed: seedStore }) => {
  await seedStore((s) => s.append('ledger', { events: [{ key: 'X', data: { v: 1 } }] }));
  const { page } = await launch();
  await goto(page, '#/connections');
  await page.getByRole('checkbox', { name: 'Read-only', exact: true }).setChecked(true);
  await goto(page, '#/topic/ledger/txns');
  const t = new TopicPage(page);
  await expect(t.invalidateButton(1)).toBeDisabled();
  const code = await page.evaluate(async () => {
    const api = (globalThis as unknown as { tidemark: { append(t: string, r: unknown): Promise<unknown> } }).tidemark;
    try {
      await api.append('ledger', { events: [{ key: 'Y', data: 1 }] });
      return 'written';
    } catch (e) {
      return (e as { code?: string }).code ?? 'no code';
    }
  });
  expect(code).toBe('FORBIDDEN');
});
