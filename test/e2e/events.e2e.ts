/**
 * Journeys on the Events tab: open a topic from the list and filter its events by key and by
 * txn, look at one event's details; and the Live tail showing an event written through the API.
 */
import { expect, test } from './fixtures';
import { AppPage } from './pages/app-page';
import { TopicsPage } from './pages/topics-page';
import { TopicPage } from './pages/topic-page';

test('open a topic and filter its events', async ({ page, server, store, shot }) => {
  await store.seed('orders', 3, 10);
  await store.seed('other.topic', 1, 2);
  const app = new AppPage(page, server.url);
  const topics = new TopicsPage(page);
  await app.open('#/topics');
  await topics.filter.fill('ord');
  await expect(topics.row('orders')).toBeVisible();
  await expect(topics.row('other.topic')).toHaveCount(0);
  await topics.open('orders');

  const t = new TopicPage(page);
  // Newest first.
  await expect(t.bodyRows('Events').first()).toHaveAttribute('data-key', '30');
  await t.keyFilter.fill('K-0007');
  await expect(t.bodyRows('Events')).toHaveCount(1);
  await expect(t.row('Events', 8)).toContainText('K-0007');

  await t.keyFilter.fill('');
  await t.txnFilter.fill('2');
  await expect(t.bodyRows('Events')).toHaveCount(10);
  await expect(t.bodyRows('Events').first()).toHaveAttribute('data-key', '20');
  await expect(t.bodyRows('Events').last()).toHaveAttribute('data-key', '11');

  await t.txnFilter.fill('abc');
  await expect(page.getByRole('alert')).toContainText('Filter by txn: enter a transaction number');

  await t.txnFilter.fill('2');
  await t.row('Events', 15).click();
  const detail = page.getByRole('complementary', { name: 'Event 15' });
  await expect(detail).toContainText('K-0014');
  await expect(detail.getByRole('button', { name: 'Copy' })).toBeVisible();
  await expect(detail).toContainText('"item 14"');
  await shot('event-detail');
  await page.keyboard.press('Escape');
  await expect(detail).toHaveCount(0);
});

test('keyboard: arrow keys move through events and Enter opens one', async ({ page, server, store }) => {
  await store.seed('orders', 1, 5);
  await new AppPage(page, server.url).open('#/topic/orders/events');
  const t = new TopicPage(page);
  await expect(t.bodyRows('Events')).toHaveCount(5);
  await t.grid('Events').focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('complementary', { name: 'Event 4' })).toBeVisible();
});

test('live tail shows an event written through the API', async ({ page, server, store, shot }) => {
  await store.seed('feed', 2, 5);
  await new AppPage(page, server.url).open('#/topic/feed/events');
  const t = new TopicPage(page);
  await expect(t.bodyRows('Events')).toHaveCount(10);
  const streaming = page.waitForRequest((r) => r.url().includes('/events/stream'));
  await t.live.check();
  await expect(page.getByText('Live — 0 new')).toBeVisible();
  await streaming;
  // Written from elsewhere while the tail is open; the tail is gap-free from the seq it started at.
  await store.append('feed', [{ key: 'LIVE-1', data: { fresh: true } }]);
  await expect(t.bodyRows('Events').first()).toContainText('LIVE-1');
  await expect(page.getByText('Live — 1 new')).toBeVisible();
  const newest = Number(await t.bodyRows('Events').first().getAttribute('data-key'));
  expect(newest).toBe(11);
  await expect(page.getByLabel('Topic counters')).toContainText('11');
  await shot('events-live');
});

test('live events do not move what you are looking at when scrolled down', async ({ page, server, store }) => {
  await store.seed('feed', 3, 100);
  await new AppPage(page, server.url).open('#/topic/feed/events');
  const t = new TopicPage(page);
  await expect(t.row('Events', 300)).toBeVisible();
  const scroller = t.grid('Events').locator('.vt-scroll');
  await scroller.evaluate((el) => {
    el.scrollTop = 32 * 40;
  });
  const rowAtMiddle = (): Promise<string | null> =>
    scroller.evaluate((el) => {
      const r = el.getBoundingClientRect();
      const hit = document.elementFromPoint(r.left + 40, r.top + r.height / 2);
      return hit?.closest('[role=row]')?.getAttribute('data-key') ?? null;
    });
  await expect.poll(rowAtMiddle).not.toBeNull();
  const before = await rowAtMiddle();

  const streaming = page.waitForRequest((r) => r.url().includes('/events/stream'));
  await t.live.check();
  await streaming;
  await store.append('feed', [
    { key: 'LIVE-1', data: 1 },
    { key: 'LIVE-2', data: 2 },
  ]);
  await expect(page.getByText('Live — 2 new')).toBeVisible();
  // The new rows went in above the viewport; the row under the eye stayed put.
  await expect.poll(rowAtMiddle).toBe(before);
  await scroller.evaluate((el) => {
    el.scrollTop = 0;
  });
  await expect(t.bodyRows('Events').first()).toHaveAttribute('data-key', '302');
});

test('scrolling pages through the whole log transparently', async ({ page, server, store }) => {
  await store.seed('big', 3, 400);
  await new AppPage(page, server.url).open('#/topic/big/events');
  const t = new TopicPage(page);
  await expect(t.bodyRows('Events').first()).toHaveAttribute('data-key', '1200');
  await expect(page.getByText('200 loaded (scroll for more)')).toBeVisible();
  await t.grid('Events').focus();
  // End jumps to the last loaded row; more pages load as it comes into view, until the first event.
  await expect(async () => {
    await page.keyboard.press('End');
    await expect(t.row('Events', 1)).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await expect(page.getByText('1,200 loaded', { exact: true })).toBeVisible();
});
