/**
 * Journeys of the Events tab's live tail (renderer/queries/live.ts) against a real server: live
 * rows survive paging through the whole log; a refetch that already holds live rows shows each
 * event once, as fetched; a burst beyond the bound is reported and "Reload events" brings every
 * event back; a failed first lookup shows its error, subscribes to nothing and Retry starts from the
 * topic's newest seq (never a replay from 0); a topic nobody wrote to yet is tailed from its start.
 */
import type { Page } from '@playwright/test';
import { LIVE_LIMIT } from '../../renderer/queries/live';
import { expect, test } from './fixtures';
import { AppPage } from './pages/app-page';
import { TopicPage } from './pages/topic-page';
import type { StoreClient } from './store-client';

const n = (x: number): string => x.toLocaleString('en-US');

/** Writes `txns` transactions of `perTxn` events to `topic`, opens its Events tab and waits for the newest. */
async function openSeeded(page: Page, url: string, store: StoreClient, topic: string, txns: number, perTxn: number) {
  await store.seed(topic, txns, perTxn);
  await new AppPage(page, url).open(`#/topic/${topic}/events`);
  const t = new TopicPage(page);
  await expect(t.bodyRows('Events').first()).toHaveAttribute('data-key', String(txns * perTxn));
  return t;
}

/**
 * Switches Live on and waits until going live is done: the stream requested and the fetched list,
 * which going live refreshes (renderer/queries/live.ts), answered, so what a test writes next
 * meets a settled screen. Returns the `after` the stream asked for.
 */
async function goLive(page: Page, t: TopicPage): Promise<string | null> {
  const streaming = page.waitForRequest((r) => r.url().includes('/events/stream'));
  const refreshed = page.waitForResponse(
    (r) => r.request().method() === 'GET' && new URL(r.url()).pathname.endsWith('/events'),
  );
  await t.live.check();
  await refreshed;
  return new URL((await streaming).url()).searchParams.get('after');
}

/** Presses End in the Events grid until the first event of the log has been paged in. */
async function pageToFirstEvent(page: Page, t: TopicPage): Promise<void> {
  await t.grid('Events').focus();
  await expect(async () => {
    await page.keyboard.press('End');
    await expect(t.row('Events', 1)).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 30_000 });
}

test('live rows survive paging through the whole log', async ({ page, server, store }) => {
  const t = await openSeeded(page, server.url, store, 'big', 3, 400);
  expect(await goLive(page, t)).toBe('1200');
  await store.append('big', [
    { key: 'LIVE-1', data: 1 },
    { key: 'LIVE-2', data: 2 },
  ]);
  await expect(page.getByText('Live — 2 new')).toBeVisible();
  await expect(t.bodyRows('Events').first()).toHaveAttribute('data-key', '1202');

  await pageToFirstEvent(page, t);
  // Every event once: 1,200 fetched and the 2 live ones above them.
  await expect(page.getByText('1,202 loaded', { exact: true })).toBeVisible();
  await page.keyboard.press('Home');
  await expect(t.bodyRows('Events').first()).toHaveAttribute('data-key', '1202');
  await expect(t.row('Events', 1202)).toContainText('LIVE-2');
  await expect(t.row('Events', 1201)).toContainText('LIVE-1');
});

test('a live marker refetches the list; events it holds twice are shown once, as fetched', async ({
  page,
  server,
  store,
}) => {
  const t = await openSeeded(page, server.url, store, 'feed', 2, 5);
  await goLive(page, t);
  await store.append('feed', [
    { key: 'LIVE-1', data: 1 },
    { key: 'LIVE-2', data: 2 },
  ]);
  await expect(page.getByText('Live — 2 new')).toBeVisible();
  await store.invalidate('feed', 3, 'bad upstream file');
  await expect(page.getByText('Live — 3 new')).toBeVisible();
  // The marker refetched the list, which now holds 11-13 as the live rows do: each shows once, and
  // as fetched (the live copies of 11 and 12 predate their invalidation).
  await expect(t.row('Events', 11)).toContainText('invalid');
  await expect(t.row('Events', 12)).toContainText('invalid');
  await expect(t.row('Events', 13)).toContainText('marker → 3');
  await expect(t.bodyRows('Events')).toHaveCount(13);
  await expect(page.getByText('13 loaded', { exact: true })).toBeVisible();
});

test('a burst beyond the bound is reported, and Reload events brings every event back', async ({
  page,
  server,
  store,
  shot,
}) => {
  const t = await openSeeded(page, server.url, store, 'feed', 1, 5);
  expect(await goLive(page, t)).toBe('5');
  const burst = Array.from({ length: LIVE_LIMIT + 100 }, (_, i) => ({ key: `B-${i}`, data: i }));
  await store.append('feed', burst);
  await expect(page.getByText(`Live — ${n(LIVE_LIMIT + 100)} new`)).toBeVisible();
  const notice = page.getByRole('status').filter({ hasText: 'not shown' });
  await expect(notice).toContainText(`100 live events older than the newest ${n(LIVE_LIMIT)} are not shown.`);
  // The newest LIVE_LIMIT live rows and the 5 fetched: the 100 in between are said, not hidden.
  await expect(t.bodyRows('Events').first()).toHaveAttribute('data-key', String(LIVE_LIMIT + 105));
  await expect(page.getByText(`${n(LIVE_LIMIT + 5)} loaded`, { exact: true })).toBeVisible();
  await shot('events-live-bound');

  await notice.getByRole('button', { name: 'Reload events' }).click();
  await expect(notice).toHaveCount(0);
  await expect(t.bodyRows('Events').first()).toHaveAttribute('data-key', String(LIVE_LIMIT + 105));
  await pageToFirstEvent(page, t);
  await expect(page.getByText(`${n(LIVE_LIMIT + 105)} loaded`, { exact: true })).toBeVisible();
  // The tail goes on after the reload.
  await store.append('feed', [{ key: 'AFTER', data: 1 }]);
  await expect(page.getByText(`Live — ${n(LIVE_LIMIT + 101)} new`)).toBeVisible();
});

test('a failed first lookup shows its error and subscribes to nothing; Retry starts from the newest seq', async ({
  page,
  server,
  store,
}) => {
  const t = await openSeeded(page, server.url, store, 'feed', 2, 5);
  await expect(page.getByLabel('Topic counters')).toContainText('10');
  const streams: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/events/stream')) streams.push(new URL(r.url()).searchParams.get('after') ?? '');
  });
  // The lookup of the topic's newest seq fails (the store behind the server, say).
  const info = `${server.url}/v1/topics/feed`;
  let lookups = 0;
  await page.route(info, (route) => {
    lookups++;
    return route.fulfill({
      status: 500,
      contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'INTERNAL', message: 'reading the topic failed' } }),
    });
  });
  await t.live.check();
  const notice = page.getByRole('alert').filter({ hasText: 'The live tail could not start' });
  await expect(notice).toContainText('reading the topic failed');
  expect(lookups).toBe(1);
  expect(streams).toEqual([]);

  await page.unroute(info);
  const streaming = page.waitForRequest((r) => r.url().includes('/events/stream'));
  await notice.getByRole('button', { name: 'Retry' }).click();
  expect(new URL((await streaming).url()).searchParams.get('after')).toBe('10');
  await expect(notice).toHaveCount(0);
  await expect(page.getByText('Live — 0 new')).toBeVisible();
  await store.append('feed', [{ key: 'LIVE-1', data: 1 }]);
  // One event delivered, not a replay of the ten before it.
  await expect(page.getByText('Live — 1 new')).toBeVisible();
  await expect(t.bodyRows('Events')).toHaveCount(11);
  expect(lookups).toBe(1);
  expect(streams).not.toContain('0');
});

test('a topic nobody wrote to yet is tailed from its first event', async ({ page, server, store }) => {
  await store.seed('other', 1, 1);
  await new AppPage(page, server.url).open('#/topic/fresh/events');
  const t = new TopicPage(page);
  await expect(page.getByText('This topic has no events yet.')).toBeVisible();
  expect(await goLive(page, t)).toBe('0');
  await store.append('fresh', [{ key: 'FIRST', data: 1 }]);
  await expect(page.getByText('Live — 1 new')).toBeVisible();
  await expect(t.row('Events', 1)).toContainText('FIRST');
});
