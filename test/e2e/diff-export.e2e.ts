/**
 * The browser's diff export is byte for byte the CLI's: one diff with awkward values
 * (test/export/awkward-diff.ts) run in the web UI served by `tidemark serve`, exported from the
 * Diff tab as CSV and as NDJSON (the downloads captured), against `tidemark diff --out` run on the
 * same store file. The desktop app's path (same renderer code, the diff over IPC) is compared with
 * the CLI in test/export/diff-files.int.test.ts.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  AWKWARD_FILE,
  AWKWARD_SNAPSHOT,
  AWKWARD_SNAPSHOT_NAME,
  AWKWARD_SUMMARY,
  AWKWARD_TOPIC,
  AWKWARD_TXNS,
} from '../export/awkward-diff';
import { expect, test } from './fixtures';
import { AppPage } from './pages/app-page';
import { TopicPage } from './pages/topic-page';

const BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'tidemark.mjs');

test('diff export downloads the same bytes as tidemark diff --out, CSV and NDJSON', async ({ page, server, store }) => {
  for (const events of AWKWARD_TXNS) await store.append(AWKWARD_TOPIC, events);
  const dir = await mkdtemp(join(tmpdir(), 'tidemark-e2e-export-'));
  try {
    await new AppPage(page, server.url).open(`#/topic/${encodeURIComponent(AWKWARD_TOPIC)}/diff`);
    const t = new TopicPage(page);
    await t.upload(AWKWARD_SNAPSHOT_NAME, 'application/json', AWKWARD_SNAPSHOT);
    await expect(page.getByLabel('Format')).toHaveValue('json');
    await page.getByRole('button', { name: 'Compare' }).click();
    for (const status of ['equal', 'different', 'missingInStore', 'missingInSnapshot'] as const) {
      await expect(t.count(status)).toHaveText(String(AWKWARD_SUMMARY[status]));
    }

    const snapshot = join(dir, AWKWARD_SNAPSHOT_NAME);
    await writeFile(snapshot, AWKWARD_SNAPSHOT);
    for (const format of ['csv', 'ndjson'] as const) {
      await page.getByLabel('Export format').selectOption(format);
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Export' }).click();
      const file = await download;
      expect(file.suggestedFilename()).toBe(`${AWKWARD_FILE}.${format}`);
      const browser = await readFile(await file.path());

      const out = join(dir, `cli.${format}`);
      const cli = await promisify(execFile)(process.execPath, [
        BIN,
        'diff',
        '--db',
        server.dbPath,
        '--topic',
        AWKWARD_TOPIC,
        '--file',
        snapshot,
        '--out',
        out,
      ]);
      expect(JSON.parse(cli.stdout)).toEqual(AWKWARD_SUMMARY);
      const written = await readFile(out);
      expect(browser.toString('utf8')).toBe(written.toString('utf8'));
      expect(browser.equals(written)).toBe(true);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
