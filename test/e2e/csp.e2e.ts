/**
 * The build must run under the desktop app's strict Content-Security-Policy (no inline scripts or
 * styles, no eval). Serves every response with the CSP that electron/csp.ts builds and checks
 * that the app renders, works, and that the browser reported no CSP violation.
 */
import { contentSecurityPolicy } from '../../electron/csp';
import { expect, test } from './fixtures';
import { AppPage } from './pages/app-page';
import { TopicPage } from './pages/topic-page';

test('the app runs under the strict desktop CSP', async ({ page, server, store }) => {
  await store.seed('orders', 1, 5);
  const csp = contentSecurityPolicy();
  await page.route('**/*', async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': csp } });
  });
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
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
