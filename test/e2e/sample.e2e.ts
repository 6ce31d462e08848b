/**
 * Journey: an empty store offers "Load sample data"; loading it opens the demo topic, and the
 * topic list then shows it with its counters.
 */
import { expect, test } from './fixtures';
import { AppPage } from './pages/app-page';
import { TopicsPage } from './pages/topics-page';
import { TopicPage } from './pages/topic-page';

test('load sample data on an empty store', async ({ page, server, shot }) => {
  const app = new AppPage(page, server.url);
  const topics = new TopicsPage(page);
  await app.open('#/topics');
  await expect(page.getByRole('heading', { name: 'This store has no topics yet' })).toBeVisible();
  await expect(app.statusBar).toContainText('role: admin');
  await shot('topics-empty');

  await topics.loadSample.click();
  const topic = new TopicPage(page);
  await expect(topic.tab('Events')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('demo.trades');
  await expect(topic.bodyRows('Events').first()).toBeVisible();
  await shot('events');

  await page.getByRole('link', { name: 'Topics', exact: true }).first().click();
  await expect(topics.row('demo.trades')).toBeVisible();
  await expect(topics.row('demo.trades')).toContainText('3,482');
  await shot('topics');

  // Ctrl+K jumps to a topic from anywhere.
  const palette = await app.palette();
  await expect(palette).toBeVisible();
  await palette.getByRole('combobox', { name: 'Jump to topic' }).fill('demo');
  await page.keyboard.press('Enter');
  await expect(palette).toHaveCount(0);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('demo.trades');

  // Dark mode follows the toggle.
  await app.darkMode.check();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await topic.tab('Surface').click();
  await expect(topic.bodyRows('Surface').first()).toBeVisible();
  await shot('surface-dark');
  await app.darkMode.uncheck();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
});

test.describe('on a dark OS', () => {
  test.use({ colorScheme: 'dark' });

  test('dark mode follows the OS until toggled', async ({ page, server }) => {
    const app = new AppPage(page, server.url);
    await app.open('#/topics');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await expect(app.darkMode).toBeChecked();
    await app.darkMode.uncheck();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
    await page.reload();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  });
});
