/**
 * Journey: see a topic at a glance. The Overview tab comes first; its chart shows the store's
 * timeline (transactions aggregated into time buckets server-side), the summary beside it names
 * the outlier, and a click on the outlier's bar (or the summary's link) opens that transaction.
 * Dragging zooms into a range (asked of the store again) and "Reset zoom" returns. The chart runs
 * under the desktop app's strict CSP (uPlot sets styles through the DOM only). A topic of 100,000
 * transactions answers at most the buckets asked for and its tab renders.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { BatchTxn, Timeline } from '../../src-core/model/types';
import { openSqliteStore } from '../../src-core/store/sqlite/index';
import { withDesktopCsp } from './csp';
import { expect, test } from './fixtures';
import { AppPage } from './pages/app-page';
import { TopicPage } from './pages/topic-page';
import { startServer } from './server';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Writes `txns` through `POST /v1/batch` (one request, each transaction atomic). */
async function batch(url: string, txns: BatchTxn[]): Promise<void> {
  const res = await fetch(`${url}/v1/batch`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ txns }),
  });
  expect(res.status).toBe(200);
}

const small = (topic: string, n: number, i: number): BatchTxn => ({
  topic,
  events: Array.from({ length: n }, (_, j) => ({ key: `K-${i}-${j}`, data: { i, j } })),
});

/** Clicks the chart at the middle of the bucket holding transaction `txn`, near the bottom of its bar. */
async function clickBucketOf(page: Page, tl: Timeline, txn: number): Promise<void> {
  const b = tl.buckets.find((x) => x.firstTxn <= txn && txn <= x.lastTxn)!;
  const from = Date.parse(tl.from!);
  const span = Date.parse(tl.to!) - from;
  const over = await page.locator('[data-testid=timeline-chart] .u-over').boundingBox();
  const mid = Date.parse(b.start) - from + tl.bucketMs! / 2;
  const x = over!.x + (mid / span) * over!.width;
  const y = over!.y + over!.height - 3;
  await page.mouse.move(x, y);
  await expect(page.getByRole('tooltip')).toContainText(`txn ${txn}`);
  await page.mouse.click(x, y);
}

test('the Overview tab shows the outlier, and a click opens it', async ({ page, server, store, shot }) => {
  // Many small transactions over some time, one big batch among them, one invalidated.
  let i = 0;
  for (let round = 0; round < 8; round++) {
    await batch(
      server.url,
      Array.from({ length: 5 }, () => small('orders', 1 + (i++ % 3), i)),
    );
    if (round === 4) await store.append('orders', small('orders', 400, 999).events);
    await sleep(25);
  }
  await store.invalidate('orders', 7, 'wrong prices');

  // Under the desktop app's CSP, so a style the chart injected inline would be reported.
  const violations = await withDesktopCsp(page);

  const timeline = page.waitForResponse((r) => r.url().includes('/timeline'));
  await new AppPage(page, server.url).open('#/topic/orders/overview');
  const tl = (await (await timeline).json()) as Timeline;
  const t = new TopicPage(page);
  await expect(page.getByRole('tab').first()).toHaveText('Overview');
  await expect(t.tab('Overview')).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('[data-testid=timeline-chart] canvas')).toBeVisible();
  const summary = page.getByLabel('Summary');
  await expect(summary).toHaveText('42 transactions, 1 invalidated, biggest txn 26 with 400 events');
  await expect(page.getByRole('figure', { name: /^Transactions over time: 42 transactions/ })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Legend' })).toContainText('Events of invalidated transactions');
  expect(tl.buckets.length).toBeLessThanOrEqual(200);
  expect(tl.buckets.reduce((s, b) => s + b.txns, 0)).toBe(42);
  await shot('overview');

  // A click on the outlier's bar opens it.
  await clickBucketOf(page, tl, 26);
  await expect(page).toHaveURL(/#\/topic\/orders\/txns\?txn=26$/);
  await expect(page.getByRole('region', { name: 'Transaction 26' })).toBeVisible();

  // So does the summary's link.
  await t.tab('Overview').click();
  await summary.getByRole('button', { name: 'txn 26' }).click();
  await expect(page.getByRole('region', { name: 'Transaction 26' })).toBeVisible();

  // The invalidated one's bar is marked; its tooltip says so.
  await t.tab('Overview').click();
  await expect(summary).toContainText('biggest txn 26');
  const b7 = tl.buckets.find((x) => x.firstTxn <= 7 && 7 <= x.lastTxn)!;
  expect(b7.invalidated).toBe(1);
  const from = Date.parse(tl.from!);
  const over = (await page.locator('[data-testid=timeline-chart] .u-over').boundingBox())!;
  const span = Date.parse(tl.to!) - from;
  await page.mouse.move(
    over.x + ((Date.parse(b7.start) - from + tl.bucketMs! / 2) / span) * over.width,
    over.y + over.height - 3,
  );
  await expect(page.getByRole('tooltip')).toContainText('1 invalidated');
  expect(violations).toEqual([]);
});

test('dragging zooms into a range asked of the store; Reset zoom returns', async ({ page, server, store, shot }) => {
  for (let round = 0; round < 6; round++) {
    await store.append('zoomed', small('zoomed', 2, round).events);
    await sleep(40);
  }
  await new AppPage(page, server.url).open('#/topic/zoomed/overview');
  const summary = page.getByLabel('Summary');
  await expect(summary).toHaveText('6 transactions, 0 invalidated, biggest txn 1 with 2 events');
  const range = page.getByTestId('timeline-range');
  const before = await range.textContent();
  const over = (await page.locator('[data-testid=timeline-chart] .u-over').boundingBox())!;
  const zoomed = page.waitForResponse((r) => r.url().includes('/timeline?') && r.url().includes('from='));
  await page.mouse.move(over.x + 2, over.y + 20);
  await page.mouse.down();
  await page.mouse.move(over.x + over.width * 0.3, over.y + 20, { steps: 5 });
  await page.mouse.up();
  const answer = (await (await zoomed).json()) as Timeline;
  expect(answer.from).not.toBeNull();
  await expect(page.getByRole('button', { name: 'Reset zoom' })).toBeVisible();
  await expect(range).not.toHaveText(before!);
  await expect(summary).toContainText('in this range');
  await shot('overview-zoomed');
  await page.getByRole('button', { name: 'Reset zoom' }).click();
  await expect(range).toHaveText(before!);
  await expect(summary).toHaveText('6 transactions, 0 invalidated, biggest txn 1 with 2 events');

  // The chart follows the theme: redrawn in the dark theme's colours.
  await page.getByLabel('Dark mode').check();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page.locator('[data-testid=timeline-chart] canvas')).toBeVisible();
  await shot('overview-dark');
});

test('a topic without transactions says so', async ({ page, server }) => {
  await new AppPage(page, server.url).open('#/topic/nothing.here/overview');
  await expect(page.getByText('No transactions in this topic yet.')).toBeVisible();
});

test('100,000 transactions: the store answers at most the buckets asked for and the tab renders', async ({ page }) => {
  test.setTimeout(180_000);
  const dir = await mkdtemp(join(tmpdir(), 'tidemark-overview-'));
  const dbPath = join(dir, 'big.db');
  const local = openSqliteStore(dbPath);
  for (let start = 0; start < 100_000; start += 10_000) {
    const txns = Array.from({ length: 10_000 }, (_, j) => ({
      topic: 'big',
      events: [{ key: `k${(start + j) % 5000}`, data: start + j }],
    }));
    const r = await local.appendBatch(txns);
    expect(r.error).toBeNull();
    await sleep(5);
  }
  await local.append('big', small('big', 3000, 0));
  await local.invalidate('big', 500, 'test');
  await local.close();
  const server = await startServer({ dbPath });
  try {
    const timeline = page.waitForResponse((r) => r.url().includes('/timeline'));
    await new AppPage(page, server.url).open('#/topic/big/overview');
    const tl = (await (await timeline).json()) as Timeline;
    expect(tl.buckets.length).toBeLessThanOrEqual(200);
    expect(tl.buckets.reduce((s, b) => s + b.txns, 0)).toBe(100_002);
    await expect(page.getByLabel('Summary')).toHaveText(
      '100,002 transactions, 1 invalidated, biggest txn 100001 with 3,000 events',
    );
    await expect(page.locator('[data-testid=timeline-chart] canvas')).toBeVisible();
    await page.getByLabel('Summary').getByRole('button', { name: 'txn 100001' }).click();
    await expect(page.getByRole('region', { name: 'Transaction 100001' })).toBeVisible();
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
