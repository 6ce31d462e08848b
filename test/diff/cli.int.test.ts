/**
 * `tidemark diff` end to end: spawns `node bin/tidemark.mjs diff ...` against a real SQLite store
 * file and against a real server (`--url`, the file streamed to the diff route), checks the one
 * summary line on stdout, the `--out` files (CSV and NDJSON, every non-equal row), `--exit-code`,
 * that a bad snapshot fails with a message naming the record and leaves no output file, and that
 * Ctrl-C during a `--url` diff exits 130, leaving no output file and no diff running on the server;
 * and `--map --tolerance --normalise` on both paths (the `--out` NDJSON file then starts with the
 * options, its rows in the store's field names), a malformed option failing naming it.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, type RunResult, runCli } from '../cli/helpers';
import type { DiffRow, DiffSummary } from '../../src-core/model/types';
import { startServer } from '../../src-core/server/index';
import { openSqliteStore } from '../../src-core/store/sqlite/index';
import type { EventStore } from '../../src-core/store/types';
import { tempDir } from './helpers';

/** `tidemark ARGS` as a child process (test/cli/helpers.ts), with no token from the environment. */
const tidemark = (args: string[]): Promise<RunResult> => runCli(args);

let dir: { dir: string; cleanup: () => void };
let db: string;
let store: EventStore;
let server: { url: string; close(): Promise<void> };

beforeAll(async () => {
  dir = tempDir();
  db = join(dir.dir, 'store.db');
  store = openSqliteStore(db);
  const events = Array.from({ length: 200 }, (_, i) => ({
    key: `K${String(i).padStart(3, '0')}`,
    data: { n: i, s: `v${i}` },
  }));
  await store.append('accounts', { events });
  await store.append('accounts', { events: [{ key: 'K000', data: null }] }); // tombstone
  // The snapshot: K000 present (deleted in the store), K001 different, K199 missing, K900 extra.
  const lines = ['id,n,s'];
  for (let i = 0; i < 199; i++) lines.push(`K${String(i).padStart(3, '0')},${i === 1 ? 99 : i},v${i}`);
  lines.push('K900,1,"a, ""quoted""\nvalue"');
  writeFileSync(join(dir.dir, 'snap.csv'), lines.join('\r\n') + '\r\n');
  writeFileSync(join(dir.dir, 'bad.ndjson'), '{"id":"A"}\n{"id":"B"}\n{"id":"A"}\n');
  // For the options: other names, rates within a tolerance, padded and re-cased text.
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

const expected: DiffSummary = {
  equal: 197,
  different: 1,
  missingInStore: 2,
  missingInSnapshot: 1,
  snapshotRecords: 200,
  surfaceRows: 199,
};

describe('tidemark diff', () => {
  it('--db: prints the summary as one JSON line and writes every non-equal row to --out (CSV)', async () => {
    const out = join(dir.dir, 'result.csv');
    const r = await tidemark([
      'diff',
      '--db',
      db,
      '--topic',
      'accounts',
      '--file',
      join(dir.dir, 'snap.csv'),
      '--key',
      'id',
      '--limit',
      '1',
      '--out',
      out,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual(expected);
    const rows = parse<Record<string, string>>(readFileSync(out), { columns: true });
    expect(rows.map((x) => [x.key, x.status, x.fields])).toEqual([
      ['K000', 'missingInStore', ''],
      ['K001', 'different', 'n'],
      ['K199', 'missingInSnapshot', ''],
      ['K900', 'missingInStore', ''],
    ]);
    expect(JSON.parse(rows[3]!.snapshot!)).toEqual({ id: 'K900', n: '1', s: 'a, "quoted"\nvalue' });
    expect(readdirSync(dir.dir).filter((f) => f.startsWith('result.csv.partial'))).toEqual([]);
  });

  it('--url: streams the file to the server, NDJSON --out, --exit-code', async () => {
    const out = join(dir.dir, 'result.ndjson');
    const r = await tidemark([
      'diff',
      '--url',
      server.url,
      '--token',
      'r',
      '--topic',
      'accounts',
      '--file',
      join(dir.dir, 'snap.csv'),
      '--key',
      'id',
      '--out',
      out,
      '--exit-code',
    ]);
    expect(r.code).toBe(3); // differences found (1 is a failure, 2 a usage error)
    expect(JSON.parse(r.stdout)).toEqual(expected);
    const rows = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as DiffRow);
    expect(rows.map((x) => x.key)).toEqual(['K000', 'K001', 'K199', 'K900']);
    expect(rows[1]!.store).toMatchObject({ key: 'K001', txn: 1, data: { n: 1, s: 'v1' } });
  });

  it('a bad snapshot fails naming the record, leaving no output file', async () => {
    for (const where of [
      ['--db', db],
      ['--url', server.url, '--token', 'r'],
    ]) {
      const out = join(dir.dir, 'never.csv');
      const r = await tidemark([
        'diff',
        ...where,
        '--topic',
        'accounts',
        '--file',
        join(dir.dir, 'bad.ndjson'),
        '--key',
        'id',
        '--out',
        out,
      ]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(
        /record 3 \(line 3\): duplicate key "A" \(first seen in record 1 \(line 1\)\) \(BAD_REQUEST\)/,
      );
      expect(existsSync(out)).toBe(false);
      expect(readdirSync(dir.dir).filter((f) => f.startsWith('never.csv'))).toEqual([]);
    }
  });

  it('rejects a file whose format it cannot tell', async () => {
    writeFileSync(join(dir.dir, 'snap.txt'), 'key\n');
    const r = await tidemark(['diff', '--db', db, '--topic', 'accounts', '--file', join(dir.dir, 'snap.txt')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot tell the format of .*snap\.txt/);
  });

  it('--url: Ctrl-C cancels the upload, exits 130, leaves no output file and no diff on the server', async () => {
    const spill = join(dir.dir, 'server-spill');
    mkdirSync(spill);
    const big = await startServer({ store, port: 0, diffTmpDir: spill });
    try {
      const snap = join(dir.dir, 'big.csv');
      const w = createWriteStream(snap);
      w.write('id,n\n');
      for (let i = 0; i < 40; i++) {
        let s = '';
        for (let j = 0; j < 50_000; j++) s += `B${i}-${j},${j}\n`;
        if (!w.write(s)) await once(w, 'drain');
      }
      w.end();
      await once(w, 'finish');
      const out = join(dir.dir, 'cancelled.ndjson');
      const child = spawn(
        process.execPath,
        [BIN, 'diff', '--url', big.url, '--topic', 'accounts', '--file', snap, '--key', 'id', '--out', out],
        { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const closed = new Promise<number | null>((r) => child.on('close', r));
      // Wait until the server is working on the upload (its spill file exists), then Ctrl-C.
      for (let i = 0; i < 1000 && readdirSync(spill).length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(readdirSync(spill).length).toBeGreaterThan(0);
      child.kill('SIGINT');
      expect(await closed).toBe(130);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/CANCELLED/);
      expect(readdirSync(dir.dir).filter((f) => f.startsWith('cancelled.ndjson'))).toEqual([]);
      for (let i = 0; i < 1000 && readdirSync(spill).length > 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(readdirSync(spill)).toEqual([]);
    } finally {
      await big.close();
    }
  });
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
