/**
 * The browser's diff export is byte for byte the CLI's: one diff with awkward values
 * (test/export/awkward-diff.ts) run in the web UI served by `tidemark serve`, exported from the
 * Diff tab as CSV and as NDJSON (the downloads captured), against `tidemark diff --out` run on the
 * same store file; and again with comparison options picked in the app and given to the CLI as
 * flags (the NDJSON then starts with the options line, the names say them). The desktop app's path (same renderer code, the diff over IPC) is compared with
 * the CLI in test/export/diff-files.int.test.ts.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  AWKWARD_FILE,
  AWKWARD_OPTIONS_FILE,
  AWKWARD_OPTION_FLAGS,
  AWKWARD_SNAPSHOT,
  AWKWARD_SNAPSHOT_NAME,
  AWKWARD_SUMMARY,
  AWKWARD_TOPIC,
  AWKWARD_TXNS,
} from '../export/awkward-diff';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { AppPage } from './pages/app-page';
import { TopicPage } from './pages/topic-page';

const BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'tidemark.mjs');

/**
 * Exports the shown diff as CSV then NDJSON from the Diff tab and runs `tidemark diff --out` with
 * `flags` on the same store file: each download is named `<name>.<format>`, the CLI's summary is
 * `summary`, and the two files are the same bytes. Returns the NDJSON file's text.
 */
async function exportsMatchCli(
  page: Page,
  dbPath: string,
  name: string,
  flags: string[],
  summary: unknown,
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tidemark-e2e-export-'));
  try {
    const snapshot = join(dir, AWKWARD_SNAPSHOT_NAME);
    await writeFile(snapshot, AWKWARD_SNAPSHOT);
    let ndjson = '';
    for (const format of ['csv', 'ndjson'] as const) {
      await page.getByLabel('Export format').selectOption(format);
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Export' }).click();
      const file = await download;
      expect(file.suggestedFilename()).toBe(`${name}.${format}`);
      const browser = await readFile(await file.path());

      const out = join(dir, `cli.${format}`);
      const args = ['diff', '--db', dbPath, '--topic', AWKWARD_TOPIC, '--file', snapshot, ...flags, '--out', out];
      const cli = await promisify(execFile)(process.execPath, [BIN, ...args]);
      expect(JSON.parse(cli.stdout)).toEqual(summary);
      const written = await readFile(out);
      expect(browser.toString('utf8')).toBe(written.toString('utf8'));
      expect(browser.equals(written)).toBe(true);
      if (format === 'ndjson') ndjson = written.toString('utf8');
    }
    return ndjson;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('diff export downloads the same bytes as tidemark diff --out, CSV and NDJSON', async ({ page, server, store }) => {
  for (const events of AWKWARD_TXNS) await store.append(AWKWARD_TOPIC, events);
  await new AppPage(page, server.url).open(`#/topic/${encodeURIComponent(AWKWARD_TOPIC)}/diff`);
  const t = new TopicPage(page);
  await t.upload(AWKWARD_SNAPSHOT_NAME, 'application/json', AWKWARD_SNAPSHOT);
  await expect(page.getByLabel('Format')).toHaveValue('json');
  await page.getByRole('button', { name: 'Compare' }).click();
  for (const status of ['equal', 'different', 'missingInStore', 'missingInSnapshot'] as const) {
    await expect(t.count(status)).toHaveText(String(AWKWARD_SUMMARY[status]));
  }
  await exportsMatchCli(page, server.dbPath, AWKWARD_FILE, [], AWKWARD_SUMMARY);
});

test('with comparison options, the browser export is still the CLI export, byte for byte', async ({
  page,
  server,
  store,
}) => {
  for (const events of AWKWARD_TXNS) await store.append(AWKWARD_TOPIC, events);
  await new AppPage(page, server.url).open(`#/topic/${encodeURIComponent(AWKWARD_TOPIC)}/diff`);
  const t = new TopicPage(page);
  await t.upload(AWKWARD_SNAPSHOT_NAME, 'application/json', AWKWARD_SNAPSHOT);
  const opts = page.getByRole('group', { name: 'Comparison options' });
  // The same options as AWKWARD_OPTION_FLAGS.
  await opts.getByLabel('Tolerance').fill('qty:0.001');
  await opts.getByRole('checkbox', { name: 'Trim spaces' }).check();
  await page.getByRole('button', { name: 'Compare' }).click();
  const summary = { ...AWKWARD_SUMMARY, equal: AWKWARD_SUMMARY.equal + 1, different: AWKWARD_SUMMARY.different - 1 };
  await expect(t.count('equal')).toHaveText(String(summary.equal));
  // The app always names its key field, so the CLI does too.
  const flags = ['--key', 'key', ...AWKWARD_OPTION_FLAGS];
  const ndjson = await exportsMatchCli(page, server.dbPath, AWKWARD_OPTIONS_FILE, flags, summary);
  expect(ndjson.split('\n')[0]).toBe('{"options":{"keyField":"key","tolerance":{"qty":0.001},"normalise":["trim"]}}');
});
