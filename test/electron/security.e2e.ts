/**
 * The hardening of the desktop app, proven on the running app: the window's web preferences,
 * nothing of Node or Electron in the renderer but the one `window.tidemark` object, navigation
 * away blocked, window.open denied, and a CSP that refuses eval and inline script.
 */
import { expect, skipWithoutElectron, test } from './fixtures';

skipWithoutElectron(import.meta.filename, [
  'test/e2e/csp.e2e.ts (the renderer under the app CSP in Chromium)',
  'electron/csp.unit.test.ts',
  'electron/trust.unit.test.ts',
  'electron/ipc-handler.unit.test.ts',
  'electron/external-links.unit.test.ts',
  'electron/downloads.unit.test.ts',
  'test/electron/bundle.int.test.ts',
]);

const STORE_API_METHODS = [
  'append',
  'capabilities',
  'connectServer',
  'currentConnection',
  'diff',
  'exportSurface',
  'forgetConnection',
  'getTxn',
  'invalidate',
  'listTopics',
  'listTxns',
  'loadSampleData',
  'openFile',
  'previewInvalidate',
  'readEvents',
  'recentConnections',
  'reconnect',
  'subscribe',
  'surface',
  'topicInfo',
  'updateConnection',
].sort();

test('the window runs isolated, sandboxed, without Node', async ({ launch }) => {
  const { app, page } = await launch();
  const prefs = await app.evaluate(({ BrowserWindow }) => {
    // Not in Electron's typings, but present at runtime: the preferences the page was created with.
    type Prefs = { contextIsolation?: boolean; sandbox?: boolean; nodeIntegration?: boolean; webSecurity?: boolean };
    const wc = BrowserWindow.getAllWindows()[0]!.webContents as unknown as { getLastWebPreferences(): Prefs | null };
    const p = wc.getLastWebPreferences();
    return {
      contextIsolation: p?.contextIsolation,
      sandbox: p?.sandbox,
      nodeIntegration: p?.nodeIntegration,
      webSecurity: p?.webSecurity,
    };
  });
  expect(prefs).toEqual({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });

  const seen = await page.evaluate(() => {
    const g = globalThis as unknown as Record<string, unknown>;
    const api = g.tidemark as Record<string, unknown>;
    return {
      require: typeof g.require,
      process: typeof g.process,
      module: typeof g.module,
      Buffer: typeof g.Buffer,
      electron: typeof g.electron,
      ipcRenderer: typeof g.ipcRenderer,
      api: Object.keys(api).sort(),
      allFunctions: Object.values(api).every((v) => typeof v === 'function'),
      // contextBridge hands the main world a frozen copy, not the preload's own object
      frozen: Object.isFrozen(api),
    };
  });
  expect(seen).toEqual({
    require: 'undefined',
    process: 'undefined',
    module: 'undefined',
    Buffer: 'undefined',
    electron: 'undefined',
    ipcRenderer: 'undefined',
    api: STORE_API_METHODS,
    allFunctions: true,
    frozen: true,
  });
  expect(
    await page.evaluate(() =>
      (globalThis as unknown as { tidemark: { capabilities(): Promise<unknown> } }).tidemark.capabilities(),
    ),
  ).toEqual({
    mode: 'electron',
    canOpenFiles: true,
    canConnect: true,
  });
});

test('navigation away and new windows are blocked', async ({ launch }) => {
  const { app, page } = await launch();
  const before = page.url();
  expect(before).toMatch(/^file:.*\/dist\/renderer\/index\.html/);
  await page.evaluate(() => {
    (globalThis as unknown as { location: { href: string } }).location.href = 'https://example.com/';
  });
  await page.evaluate(() => {
    (globalThis as unknown as { location: { href: string } }).location.href = 'file:///etc/passwd';
  });
  await page.waitForTimeout(500);
  expect(page.url().split('#')[0]).toBe(before.split('#')[0]);
  const opened = await page.evaluate(
    () => (globalThis as unknown as { open(u: string): unknown }).open('https://example.com/') === null,
  );
  expect(opened).toBe(true);
  expect(app.windows()).toHaveLength(1);
});

test('the CSP refuses eval and inline script', async ({ launch }) => {
  const { page } = await launch();
  const result = await page.evaluate(() => {
    const g = globalThis as unknown as {
      eval: (this: void, s: string) => unknown;
      document: { createElement(t: string): { textContent: string }; head: { appendChild(n: unknown): void } };
      __inlineRan?: boolean;
    };
    let evalResult = 'allowed';
    try {
      (0, g.eval)('1 + 1');
    } catch {
      evalResult = 'blocked';
    }
    const s = g.document.createElement('script');
    s.textContent = 'globalThis.__inlineRan = true';
    g.document.head.appendChild(s);
    return { evalResult, inlineRan: g.__inlineRan === true };
  });
  expect(result).toEqual({ evalResult: 'blocked', inlineRan: false });
});
