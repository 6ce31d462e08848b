/**
 * The build must run under the desktop app's strict Content-Security-Policy (no inline scripts or
 * styles, no eval). Serves every response with the CSP that electron/csp.ts builds and checks
 * that the app renders, works, and that the browser reported no CSP violation. And loading the app
 * as `tidemark serve` serves it logs no console error and has no failed request (a missing
 * favicon was a 404 in the console).
 */
import { withDesktopCsp } from './csp';
import { expect, test } from './fixtures';
import { AppPage } from './pages/app-page';
import { TopicPage } from './pages/topic-page';

test('the app runs under the strict desktop CSP', async ({ page, server, store }) => {
  await store.seed('orders', 1, 5);
  const violations = await withDesktopCsp(page);
  await new AppPage(page, server.url).open('#/topic/orders/events');
  const t = new TopicPage(page);
  await expect(t.bodyRows('Events')).toHaveCount(5);
  await t.row('Events', 3).click();
  await expect(page.getByRole('complementary', { name: 'Event 3' })).toBeVisible();
  await page.getByLabel('Dark mode').check();
  await t.tab('Surface').click();
  await expect(t.bodyRows('Surface')).toHaveCount(5);
  expect(violations).toEqual([]);
});

test('loading the app logs no console error and no failed request; the favicon is served', async ({
  page,
  server,
  store,
}) => {
  await store.seed('orders', 1, 3);
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('requestfailed', (r) => problems.push(`failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${r.status()}: ${r.url()}`);
  });
  await new AppPage(page, server.url).open('#/topic/orders/events');
  await expect(new TopicPage(page).bodyRows('Events')).toHaveCount(3);
  const icon = await page.evaluate(() => document.querySelector<HTMLLinkElement>('link[rel="icon"]')?.href ?? null);
  expect(icon).toBe(`${server.url}/favicon.svg`);
  const served = await page.request.get(icon!);
  expect(served.status()).toBe(200);
  expect(served.headers()['content-type']).toBe('image/svg+xml');
  expect((await page.request.get(`${server.url}/favicon.ico`)).status()).toBe(200);
  expect(problems).toEqual([]);
});
