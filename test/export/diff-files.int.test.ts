/**
 * Exported diff files are the same bytes whoever writes them, for one diff with awkward values
 * (awkward-diff.ts): `tidemark diff --out x.csv|x.ndjson` (a real child process) on the store file
 * and against a real server on it (the rows then stream back over HTTP), and the desktop app's
 * path — the diff run through its real IPC handlers and job worker (test/electron/harness.ts, the
 * `window.tidemark` the renderer uses), then the Diff tab's export (renderer/lib/diff-export.ts)
 * turned into the Blob it saves. In Electron that Blob is saved by Chromium's download, which
 * electron/downloads.ts only points at a path (it keeps the app's file name and touches no
 * byte); the browser build saving the same renderer code's Blob is test/e2e/diff-export.e2e.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideDownload } from '../../electron/downloads';
import { diffExportFile } from '../../renderer/lib/diff-export';
import { DIFF_CSV_COLUMNS } from '../../src-core/export/diff';
import type { DiffResult } from '../../src-core/model/types';
import { type RunningServer, startServer } from '../../src-core/server/index';
import { openSqliteStore } from '../../src-core/store/sqlite/index';
import type { EventStore } from '../../src-core/store/types';
import { runCli } from '../cli/helpers';
import { type Harness, startHarness } from '../electron/harness';
import {
  AWKWARD_FILE,
  AWKWARD_OPTIONS,
  AWKWARD_OPTIONS_FILE,
  AWKWARD_OPTION_FLAGS,
  AWKWARD_SNAPSHOT,
  AWKWARD_SNAPSHOT_NAME,
  AWKWARD_SUMMARY,
  AWKWARD_TOPIC,
  AWKWARD_TXNS,
} from './awkward-diff';

const FORMATS = ['csv', 'ndjson'] as const;

let h: Harness;
let db: string;
let snapshot: string;
let desktop: DiffResult;
let served: EventStore;
let server: RunningServer;

beforeAll(async () => {
  h = await startHarness();
  // The desktop app's own store file, written through the bridge like the app does.
  db = path.join(h.userData, 'tidemark.db');
  for (const events of AWKWARD_TXNS) await h.api.append(AWKWARD_TOPIC, { events });
  snapshot = path.join(h.dir, AWKWARD_SNAPSHOT_NAME);
  writeFileSync(snapshot, AWKWARD_SNAPSHOT);
  desktop = await h.api.diff(AWKWARD_TOPIC, { file: new Blob([AWKWARD_SNAPSHOT]), fileName: AWKWARD_SNAPSHOT_NAME });
  served = openSqliteStore(db);
  server = await startServer({ store: served, port: 0 });
});

afterAll(async () => {
  await server?.close();
  await served?.close();
  await h?.close();
});

/** `tidemark diff ... --out <file>` and the bytes it wrote. */
async function cliFile(
  store: string[],
  format: (typeof FORMATS)[number],
  name: string,
  flags: string[] = [],
  summary: unknown = AWKWARD_SUMMARY,
): Promise<Buffer> {
  const out = path.join(h.dir, `${name}.${format}`);
  const r = await runCli(['diff', ...store, '--topic', AWKWARD_TOPIC, '--file', snapshot, ...flags, '--out', out]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout)).toEqual(summary);
  return readFileSync(out);
}

/** What the Diff tab hands to its download: the Blob of its export file, as bytes. */
async function desktopFile(
  format: (typeof FORMATS)[number],
  result: DiffResult = desktop,
  options?: typeof AWKWARD_OPTIONS,
): Promise<{ name: string; bytes: Buffer }> {
  const file = diffExportFile(AWKWARD_TOPIC, result.rows, format, options);
  const blob = new Blob([file.text], { type: file.type });
  return { name: file.name, bytes: Buffer.from(await blob.arrayBuffer()) };
}

describe('one diff, the same file from every writer', () => {
  it('the desktop diff finds what the fixture says', () => {
    expect(desktop.summary).toEqual(AWKWARD_SUMMARY);
    expect(desktop.truncated).toBe(false);
  });

  for (const format of FORMATS) {
    it(`${format}: the CLI on the file, the CLI against a server, and the desktop app agree byte for byte`, async () => {
      const local = await cliFile(['--db', db], format, 'cli-local');
      const remote = await cliFile(['--url', server.url], format, 'cli-remote');
      const app = await desktopFile(format);
      expect(app.name).toBe(`${AWKWARD_FILE}.${format}`);
      expect(remote.equals(local)).toBe(true);
      expect(app.bytes.equals(local)).toBe(true);
      expect(app.bytes.toString('utf8')).toBe(local.toString('utf8'));
    });
  }

  describe('with comparison options', () => {
    let withOptions: DiffResult;
    beforeAll(async () => {
      withOptions = await h.api.diff(AWKWARD_TOPIC, {
        file: new Blob([AWKWARD_SNAPSHOT]),
        fileName: AWKWARD_SNAPSHOT_NAME,
        ...AWKWARD_OPTIONS,
      });
    });

    it('the options change the diff (a padded note is equal once trimmed)', () => {
      expect(withOptions.summary).toEqual({ ...AWKWARD_SUMMARY, equal: 3, different: 2 });
    });

    for (const format of FORMATS) {
      it(`${format}: the CLI on the file, against a server, and the desktop app agree byte for byte`, async () => {
        const flags = AWKWARD_OPTION_FLAGS;
        const local = await cliFile(['--db', db], format, 'opts-local', flags, withOptions.summary);
        const remote = await cliFile(['--url', server.url], format, 'opts-remote', flags, withOptions.summary);
        const app = await desktopFile(format, withOptions, AWKWARD_OPTIONS);
        expect(app.name).toBe(`${AWKWARD_OPTIONS_FILE}.${format}`);
        expect(remote.equals(local)).toBe(true);
        expect(app.bytes.toString('utf8')).toBe(local.toString('utf8'));
        expect(app.bytes.equals(local)).toBe(true);
      });
    }

    it('the CSV stays a plain table; the NDJSON starts with the options, then the rows', async () => {
      const csv = (await desktopFile('csv', withOptions, AWKWARD_OPTIONS)).bytes.toString('utf8');
      expect(csv.startsWith(DIFF_CSV_COLUMNS.join(',') + '\r\n')).toBe(true);
      expect(parse<Record<string, string>>(csv, { columns: true })).toHaveLength(withOptions.rows.length);
      const lines = (await desktopFile('ndjson', withOptions, AWKWARD_OPTIONS)).bytes.toString('utf8').split('\n');
      expect(lines.pop()).toBe('');
      expect(lines[0]).toBe('{"options":{"tolerance":{"qty":0.001},"normalise":["trim"]}}');
      expect(lines.slice(1).map((l) => JSON.parse(l) as unknown)).toEqual(withOptions.rows);
    });
  });

  it('the CSV is the documented layout, and reads back to the rows', async () => {
    const text = (await desktopFile('csv')).bytes.toString('utf8');
    expect(text.startsWith(DIFF_CSV_COLUMNS.join(',') + '\r\n')).toBe(true);
    const back = parse<Record<string, string>>(text, { columns: true });
    expect(back.map((r) => r.status)).toEqual(desktop.rows.map((r) => r.status));
    // Formula-like keys are neutralised; a JSON number is not.
    expect(back.map((r) => r.key)).toEqual(desktop.rows.map((r) => (/^[=+@]/.test(r.key) ? `'${r.key}` : r.key)));
    const different = back.find((r) => r.key === "'=SUM(A1:A9)")!;
    expect(different.fields).toBe('note');
    expect(JSON.parse(different.snapshot!)).toEqual(desktop.rows.find((r) => r.key === '=SUM(A1:A9)')!.snapshot);
  });

  it('the NDJSON holds every row unchanged', async () => {
    const lines = (await desktopFile('ndjson')).bytes.toString('utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual(desktop.rows);
  });

  it("Electron saves the renderer's download under the app's name, only choosing where", async () => {
    const app = await desktopFile('csv');
    const origin = { kind: 'file' as const, rendererDir: path.join(h.dir, 'app', 'dist', 'renderer') };
    const decision = decideDownload(
      {
        url: 'blob:file:///0b7c3c0e-6f3d-4c4e-9a5e-2f1d3c4b5a69',
        pageUrl: `file://${origin.rendererDir}/index.html`,
        suggestedName: app.name,
      },
      origin,
      '/home/user/Downloads',
    );
    expect(decision).toEqual({
      action: 'save',
      dialog: {
        title: 'Save export',
        defaultPath: path.join('/home/user/Downloads', app.name),
        filters: [
          { name: 'CSV', extensions: ['csv'] },
          { name: 'All files', extensions: ['*'] },
        ],
      },
    });
  });
});
