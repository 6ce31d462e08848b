/**
 * Browser-origin attacks on a server without tokens, driven through real Chromium
 * (docs/security.md, "Browser-origin attacks (no-token mode)"). A second loopback server on another
 * port (another origin, same site) serves an attacker's page that submits an HTML form and calls
 * `fetch(..., {mode: 'no-cors', method: 'POST'})` against the Tidemark server's `POST /v1/sample`:
 * the browser sends both (we see the server's 403 on the wire) and the store stays empty. A
 * DNS-rebinding page (Chromium told that evil.test resolves to 127.0.0.1) is refused before
 * anything loads. The control: the app's own origin does the same fetch and it works.
 */
import { createServer, type Server } from 'node:http';
import { chromium, type Page } from '@playwright/test';
import { expect, test } from './fixtures';

/** A loopback server answering every path with `page(path)` as HTML; stopped by the returned function. */
async function attackerSite(page: (path: string) => string): Promise<{ url: string; stop: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(page(req.url ?? '/'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function topics(serverUrl: string): Promise<unknown[]> {
  const res = await fetch(`${serverUrl}/v1/topics`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { topics: unknown[] }).topics;
}

/** Waits for the browser's request to `/v1/sample` and returns the status the server answered. */
function sampleAnswer(page: Page): Promise<number> {
  return page
    .waitForResponse((r) => new URL(r.url()).pathname === '/v1/sample' && r.request().method() === 'POST')
    .then((r) => r.status());
}

test('a page of another origin cannot write to a server without tokens (form and no-cors fetch)', async ({
  page,
  server,
}) => {
  const target = `${server.url}/v1/sample`;
  const site = await attackerSite((path) =>
    path.startsWith('/form')
      ? `<!doctype html><form id="f" method="POST" action="${target}"></form>` +
        `<script>document.getElementById('f').submit()</script>`
      : `<!doctype html><title>waiting</title><script>
           fetch(${JSON.stringify(target)}, { mode: 'no-cors', method: 'POST' })
             .then(() => { document.title = 'fetched'; }, (e) => { document.title = 'failed: ' + e; });
         </script>`,
  );
  try {
    expect(await topics(server.url)).toEqual([]);

    const fetched = sampleAnswer(page);
    await page.goto(`${site.url}/fetch`);
    expect(await fetched).toBe(403);
    await expect(page).toHaveTitle('fetched'); // an opaque answer: the page cannot even see the refusal
    expect(await topics(server.url)).toEqual([]);

    const submitted = sampleAnswer(page);
    await page.goto(`${site.url}/form`);
    expect(await submitted).toBe(403);
    await expect(page.locator('body')).toContainText('"code":"FORBIDDEN"');
    expect(await topics(server.url)).toEqual([]);
  } finally {
    await site.stop();
  }

  // Control: the server's own pages may write (the same request from its own origin succeeds).
  await page.goto(`${server.url}/v1/health`);
  const status = await page.evaluate(async (url) => (await fetch(url, { method: 'POST' })).status, target);
  expect(status).toBe(200);
  expect((await topics(server.url)).length).toBeGreaterThan(0);
});

test('a DNS-rebinding page (another name resolving to 127.0.0.1) is refused', async ({ server }, testInfo) => {
  const port = new URL(server.url).port;
  const launch = testInfo.project.use.launchOptions ?? {};
  const browser = await chromium.launch({
    ...launch,
    args: [...(launch.args ?? []), '--host-resolver-rules=MAP evil.test 127.0.0.1'],
  });
  try {
    const page = await browser.newPage();
    const res = await page.goto(`http://evil.test:${port}/`);
    expect(res?.status()).toBe(403);
    await expect(page.locator('body')).toContainText('is not a loopback address');
    // The page the attacker controls is that error: no app, and no script of the attacker's on our port.
    const write = await page.evaluate(
      async (url) => (await fetch(url, { method: 'POST' })).status,
      `http://evil.test:${port}/v1/sample`,
    );
    expect(write).toBe(403);
    expect(await topics(server.url)).toEqual([]);
  } finally {
    await browser.close();
  }
});
