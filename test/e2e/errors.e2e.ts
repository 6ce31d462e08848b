/**
 * Journey: the server goes away mid-session. Every screen keeps showing where you are and says,
 * in place, what failed and what to do next — never a blank window.
 */
import { expect, test } from './fixtures';
import { AppPage } from './pages/app-page';
import { TopicsPage } from './pages/topics-page';

test('a server that goes away gives a readable error in place', async ({ page, server, store, shot }) => {
  await store.seed('orders', 1, 3);
  const app = new AppPage(page, server.url);
  await app.open('#/topics');
  await expect(new TopicsPage(page).row('orders')).toBeVisible();
  await server.stop();

  await new TopicsPage(page).open('orders');
  const alert = page.getByRole('alert').filter({ hasText: 'Events could not be loaded' });
  await expect(alert).toBeVisible({ timeout: 20_000 });
  await expect(alert).toContainText('could not reach the server');
  await expect(alert).toContainText('Check that the server is running, then retry');
  await expect(alert.getByRole('button', { name: 'Retry' })).toBeVisible();
  await expect(page.getByRole('tab', { name: 'Events' })).toBeVisible();
  await expect(app.statusBar).toContainText('role: admin');
  await shot('error-unavailable');
});
