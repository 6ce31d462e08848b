/**
 * Who and why from the command line, end to end with the real CLI: `write --meta JSON` stores the
 * object with every transaction written; on a local file `by` is `--by` or, by default, the OS user
 * name, for writes and for `invalidate`; over `--url` the server records the token's name and
 * `--by` is refused; `txns` shows `by` and `meta` in both formats; a bad `--meta` names the option
 * and writes nothing.
 */
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TxnInfo } from '../../src-core/model/types';
import { openSqliteStore } from '../../src-core/store/sqlite/index';
import { ndjson, parseLines, runCli, tempDir, useServedStore } from './helpers';

let tmp: { dir: string; cleanup: () => void };
let db: string;
beforeEach(() => {
  tmp = tempDir();
  db = join(tmp.dir, 'store.db');
});
afterEach(() => tmp.cleanup());

async function txnsOf(topic: string): Promise<TxnInfo[]> {
  const store = openSqliteStore(db);
  try {
    return (await store.listTxns(topic)).txns;
  } finally {
    await store.close();
  }
}

const input = ndjson([
  { key: 'a', data: 1 },
  { key: 'b', data: 2 },
  { key: 'c', data: 3 },
]);

describe('who and why on a local file', () => {
  it('write --meta --by stores both on every transaction; txns shows them', async () => {
    const r = await runCli(
      ['write', '--db', db, '--topic', 't', '--txn-size', '2', '--meta', '{"ticket":"OPS-1","n":[1]}', '--by', 'ann'],
      { input },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect((await txnsOf('t')).map((x) => [x.txn, x.by, x.meta])).toEqual([
      [1, 'ann', { n: [1], ticket: 'OPS-1' }],
      [2, 'ann', { n: [1], ticket: 'OPS-1' }],
    ]);
    const lines = await runCli(['txns', '--db', db, '--topic', 't', '--format', 'ndjson']);
    expect(parseLines(lines.stdout)).toMatchObject([
      { txn: 1, by: 'ann', meta: { n: [1], ticket: 'OPS-1' } },
      { txn: 2, by: 'ann', meta: { n: [1], ticket: 'OPS-1' } },
    ]);
    const table = await runCli(['txns', '--db', db, '--topic', 't', '--format', 'table']);
    expect(table.stdout.split('\n')[0]).toMatch(/\bby\b.*\bmeta\b.*\bstatus\b/);
    expect(table.stdout).toContain('ann');
    expect(table.stdout).toContain('{"n":[1],"ticket":"OPS-1"}');
  });

  it('by defaults to the OS user name, for writes and invalidations; invalidate --by overrides it', async () => {
    const me = userInfo().username;
    expect((await runCli(['write', '--db', db, '--topic', 't'], { input })).code).toBe(0);
    expect((await runCli(['invalidate', '--db', db, '--topic', 't', '--txn', '1', '--reason', 'r'])).code).toBe(0);
    expect((await runCli(['write', '--db', db, '--topic', 't'], { input })).code).toBe(0);
    const r = await runCli([
      'invalidate',
      '--db',
      db,
      '--topic',
      't',
      '--txn',
      '3',
      '--reason',
      'again',
      '--by',
      'bob',
    ]);
    expect(r.code).toBe(0);
    expect((await txnsOf('t')).map((x) => [x.txn, x.by, x.meta, x.marker ?? false])).toEqual([
      [1, me, null, false],
      [2, me, null, true],
      [3, me, null, false],
      [4, 'bob', null, true],
    ]);
  });

  it('a bad --meta or --by names the option and writes nothing', async () => {
    const cases: [string[], RegExp][] = [
      [['--meta', '[1]'], /--meta.*must be a JSON object/],
      [['--meta', '{"a":'], /--meta/],
      [['--meta', JSON.stringify({ n: 'x'.repeat(4089) })], /--meta.*4097 bytes as canonical JSON; at most 4096/],
      [['--by', ''], /--by.*1 to 200 characters/],
    ];
    for (const [extra, message] of cases) {
      const r = await runCli(['write', '--db', db, '--topic', 't', ...extra], { input });
      expect(r.code, extra.join(' ')).not.toBe(0);
      expect(r.stderr).toMatch(message);
    }
    const store = openSqliteStore(db);
    try {
      expect(await store.listTopics()).toEqual([]);
    } finally {
      await store.close();
    }
  });
});

describe('who and why over --url', () => {
  const server = useServedStore(['--token', 'adm:admin:ops-team']);

  it('records the token name; --by is refused, writing nothing', async () => {
    const remote = ['--url', server.url, '--token', 'adm', '--topic', 'r'];
    const refused = await runCli(['write', ...remote, '--by', 'ann'], { input });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/'--by <name>' cannot be used with option '--url <url>'/);
    const w = await runCli(['write', ...remote, '--meta', '{"why":"load"}'], { input });
    expect(w.code).toBe(0);
    expect((await runCli(['invalidate', ...remote, '--txn', '1', '--reason', 'oops'])).code).toBe(0);
    const list = await runCli(['txns', ...remote, '--format', 'ndjson']);
    expect(parseLines(list.stdout)).toMatchObject([
      { txn: 1, by: 'ops-team', meta: { why: 'load' }, reason: 'oops' },
      { txn: 2, by: 'ops-team', meta: null, marker: true },
    ]);
  });
});
