/**
 * `tidemark diff --map --tolerance --normalise` end to end: spawns `node bin/tidemark.mjs diff`
 * against a real SQLite store file and against a real server (`--url`), checks that the options
 * turn differences into equal rows alike on both paths, that the `--out` NDJSON file starts with
 * the options and its rows carry the store's field names, and that a malformed option fails with a message naming the flag or option
 * (nothing written).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/helpers';
import type { DiffRow } from '../../src-core/model/types';
import { startServer } from '../../src-core/server/index';
import { openSqliteStore } from '../../src-core/store/sqlite/index';
import type { EventStore } from '../../src-core/store/types';
import { tempDir } from './helpers';

let dir: { dir: string; cleanup: () => void };
let db: string;
let store: EventStore;
let server: { url: string; close(): Promise<void> };

beforeAll(async () => {
  dir = tempDir();
  db = join(dir.dir, 'store.db');
  store = openSqliteStore(db);
  await store.append('fx', {
    events: [
      { key: 'EUR', data: { rate: 1.0842, name: 'Euro' } },
      { key: 'GBP', data: { rate: 1.2671, name: 'Pound' } },
    ],
  });
  writeFileSync(join(dir.dir, 'up.csv'), 'ccy,mid,name\r\nEUR,1.0840, euro\r\nGBP,1.2700,POUND\r\n');
  server = await startServer({ store, port: 0, tokens: new Map([['r', 'read']]) });
});
afterAll(async () => {
  await server.close();
  await store.close();
  dir.cleanup();
});

const common = (): string[] => ['diff', '--topic', 'fx', '--file', join(dir.dir, 'up.csv'), '--key', 'ccy'];

describe('tidemark diff with options', () => {
  it.each([
    ['--db', () => ['--db', db]],
    ['--url', () => ['--url', server.url, '--token', 'r']],
  ])('%s: --map, --tolerance and --normalise', async (_name, where) => {
    const plain = await runCli([...common(), ...where(), '--map', 'mid:rate']);
    expect(plain.stderr).toBe('');
    expect(JSON.parse(plain.stdout)).toMatchObject({ equal: 0, different: 2 });
    const out = join(dir.dir, `rows-${_name.slice(2)}.ndjson`);
    const opts = ['--map', 'mid:rate', '--tolerance', 'rate:0.001', '--normalise', 'trim,case', '--out', out];
    const r = await runCli([...common(), ...where(), ...opts, '--exit-code']);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ equal: 1, different: 1 });
    expect(r.code).toBe(3);
    const [first, ...lines] = readFileSync(out, 'utf8').trim().split('\n');
    // The file's first line records the options (docs/diff.md "Options in diff files").
    expect(first).toBe(
      '{"options":{"keyField":"ccy","map":{"mid":"rate"},"tolerance":{"rate":0.001},"normalise":["trim","case"]}}',
    );
    const rows = lines.map((l) => JSON.parse(l) as DiffRow);
    expect(rows.map((row) => [row.key, row.fields])).toEqual([['GBP', ['rate']]]);
    expect(rows[0]!.snapshot).toEqual({ ccy: 'GBP', rate: '1.2700', name: 'POUND' });
  });

  it('malformed options fail naming the flag or option, writing nothing', async () => {
    const out = join(dir.dir, 'never.ndjson');
    const cases: [string[], string][] = [
      [['--tolerance', '-0.5'], '--tolerance: "-0.5" must not be negative'],
      [['--map', 'mid'], '--map: "mid" is not snapshotField:storeField'],
      [['--map', 'ccy:rate'], 'map: the key field "ccy" cannot be renamed'],
      [['--normalise', 'lower'], 'normalise: "lower" is not one of trim, case'],
      [['--map', 'nope:rate'], 'map: "nope" is not a column of the CSV header'],
    ];
    for (const [args, message] of cases) {
      const r = await runCli([...common(), '--db', db, ...args, '--out', out]);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(message);
      expect(existsSync(out)).toBe(false);
    }
  });
});
