/**
 * Journey: verify a topic from the app, in Chromium against a real `tidemark serve`. The topic
 * header's Verify shows a sentence people can read ("Verified 30 events in 3 transactions; head
 * …") with the full head; a data byte changed underneath the server's SQLite file (better-sqlite3
 * on the same file) is then reported at its transaction, naming what; a head recorded elsewhere
 * is checked as an anchor, and a malformed one is refused in place; Cancel stops a verify that is
 * still waiting for its answer (the request is held by the test before it reaches the server)
 * and says so.
 */
import Database from 'better-sqlite3';
import { expect, test } from './fixtures';
import { AppPage } from './pages/app-page';

test('Verify reports a clean topic, then a changed byte at its transaction', async ({ page, server, store, shot }) => {
  await store.seed('orders', 3, 10);
  const head = (await (await fetch(`${server.url}/v1/topics/orders`)).json()) as { head: string };
  const app = new AppPage(page, server.url);
  await app.open('#/topics');
  await expect(app.statusBar).toContainText('role: admin');
  await app.open('#/topic/orders/overview');

  const panel = page.getByRole('region', { name: 'Verify' });
  await panel.getByRole('button', { name: 'Verify' }).click();
  await expect(panel.getByRole('status')).toContainText(
    `Verified 30 events in 3 transactions; head ${head.head.slice(0, 4)}…`,
  );
  await expect(panel.getByRole('status')).toContainText(head.head);
  await shot('verify-ok');

  // An anchor: the head recorded before passes; a malformed one is refused before anything runs.
  const anchorBox = panel.getByLabel('Expected head (optional)');
  await anchorBox.fill('not-hex');
  await expect(panel.getByRole('alert')).toContainText('64 lowercase hex');
  await expect(panel.getByRole('button', { name: 'Verify' })).toBeDisabled();
  await anchorBox.fill(head.head);
  await panel.getByRole('button', { name: 'Verify' }).click();
  await expect(panel.getByRole('status')).toContainText('Verified 30 events');

  // A changed byte underneath the server.
  const raw = new Database(server.dbPath);
  try {
    raw.exec(`UPDATE events SET data = replace(data, '"item 12"', '"item 13"') WHERE seq = 13`);
  } finally {
    raw.close();
  }
  await anchorBox.fill('');
  await panel.getByRole('button', { name: 'Verify' }).click();
  await expect(panel.getByRole('status')).toContainText(
    'Verification failed at transaction 2: an event’s data was changed (data)',
  );
  await expect(panel.getByRole('status')).toContainText('seq 13');
  await shot('verify-failed');
});

test('Cancel stops a verify that has not answered yet', async ({ page, server, store }) => {
  await store.seed('orders', 2, 5);
  const app = new AppPage(page, server.url);
  await app.open('#/topics');
  await expect(app.statusBar).toContainText('role: admin');
  // Hold the verify request so it is still running when Cancel is clicked.
  let held = false;
  await page.route('**/verify*', () => {
    held = true;
  });
  await app.open('#/topic/orders/overview');
  const panel = page.getByRole('region', { name: 'Verify' });
  await panel.getByRole('button', { name: 'Verify' }).click();
  await expect(panel.getByRole('progressbar', { name: 'Verify progress' })).toBeVisible();
  await expect.poll(() => held).toBe(true);
  await panel.getByRole('button', { name: 'Cancel' }).click();
  await expect(panel.getByRole('alert')).toContainText('Verify cancelled.');
  await expect(panel.getByRole('button', { name: 'Verify' })).toBeEnabled();
});
