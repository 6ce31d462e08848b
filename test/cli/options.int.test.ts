/**
 * Option handling of every command, through the real CLI process: `--help` works everywhere and
 * exits 0, and bad input (values, conflicting store options, a store file that does not exist, an
 * unknown command) gives one line on stderr, a non-zero exit, and creates or changes nothing.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src-core/store/sqlite/index';
import { runCli, tempDir } from './helpers';

let tmp: { dir: string; cleanup: () => void };
let db: string;

beforeAll(async () => {
  tmp = tempDir();
  db = join(tmp.dir, 'store.db');
  const store = openSqliteStore(db);
  await store.append('t', { events: [{ key: 'a', data: 1 }] });
  await store.close();
});
afterAll(() => tmp.cleanup());

// serve and diff belong to other areas; their --help is checked here so "every command" holds.
const COMMANDS = ['write', 'read', 'surface', 'txns', 'topics', 'invalidate', 'bench', 'serve', 'diff'];

describe('--help', () => {
  it('the program lists every command', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
  });

  it('--version prints the package version', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it.each(COMMANDS)('%s --help prints its usage and exits 0', async (command) => {
    const r = await runCli([command, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: tidemark ${command}`);
    if (command !== 'bench') expect(r.stdout).toContain('--db <file>');
  });
});

describe('bad input', () => {
  const cases: [string, string[], RegExp][] = [
    ['format', ['read', '--topic', 't', '--format', 'xml'], /--format <format>' argument 'xml' is invalid/],
    ['order', ['read', '--topic', 't', '--order', 'up'], /--order <order>' argument 'up' is invalid/],
    [
      'limit',
      ['read', '--topic', 't', '--limit', '0'],
      /--limit <n>' argument '0' is invalid. must be a positive integer/,
    ],
    ['after', ['read', '--topic', 't', '--after', '1.5'], /--after <seq>' argument '1.5' is invalid/],
    ['txn', ['read', '--topic', 't', '--txn', 'x'], /--txn <txn>' argument 'x' is invalid/],
    ['limit+all', ['surface', '--topic', 't', '--limit', '5', '--all'], /cannot be used with option '--all'/],
    ['view', ['surface', '--topic', 't', '--view', 'all'], /--view <view>' argument 'all' is invalid/],
    ['as-of-txn', ['surface', '--topic', 't', '--as-of-txn', 'abc'], /--as-of-txn <txn>' argument 'abc' is invalid/],
    ['topic', ['surface', '--topic', 'a b'], /not a valid topic name/],
    ['txns before', ['txns', '--topic', 't', '--before', '2'], /--before applies with --order desc/],
    [
      'invalidate txn',
      ['invalidate', '--topic', 't', '--txn', '0', '--reason', 'r'],
      /--txn <txn>' argument '0' is invalid/,
    ],
    ['invalidate reason', ['invalidate', '--topic', 't', '--txn', '1'], /required option '--reason <text>'/],
    ['unknown option', ['topics', '--bogus'], /unknown option '--bogus'/],
    ['unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
    ['bench section', ['bench', 'nope'], /unknown bench section nope/],
  ];

  it.each(cases)('%s: one line, non-zero exit', async (_name, args, message) => {
    const r = await runCli(args[0] === 'bench' ? args : [...args, '--db', db]);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^tidemark: /);
    expect(lines[0]).toMatch(message);
  });

  it('conflicting store options are refused', async () => {
    const both = await runCli(['topics', '--db', db, '--url', 'http://127.0.0.1:1']);
    expect(both.code).not.toBe(0);
    expect(both.stderr).toMatch(/'--url <url>' cannot be used with option '--db <file>'/);
    const pgAndDb = await runCli(['topics', '--db', db, '--pg', 'postgres://127.0.0.1/x']);
    expect(pgAndDb.code).not.toBe(0);
    const token = await runCli(['topics', '--db', db, '--token', 'secret']);
    expect(token.code).not.toBe(0);
    expect(token.stderr).toMatch(/--token: only applies with --url/);
    const badUrl = await runCli(['topics', '--url', 'ftp://example']);
    expect(badUrl.code).not.toBe(0);
    expect(badUrl.stderr).toMatch(/--url: must start with http:\/\/ or https:\/\//);
  });

  it('a token in TIDEMARK_TOKEN does not get in the way of --db', async () => {
    const r = await runCli(['topics', '--db', db, '--format', 'ndjson'], { env: { TIDEMARK_TOKEN: 'secret' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('"topic":"t"');
  });

  it('reading a store file that does not exist fails and does not create it', async () => {
    const missing = join(tmp.dir, 'missing.db');
    for (const args of [['topics'], ['read', '--topic', 't'], ['surface', '--topic', 't'], ['txns', '--topic', 't']]) {
      const r = await runCli([...args, '--db', missing]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toBe(`tidemark: no store file at ${missing} (name one with --db FILE) (NOT_FOUND)\n`);
    }
    expect(existsSync(missing)).toBe(false);
  });

  it('a file that is not a store is refused by name and left alone', async () => {
    const r = await runCli(['topics', '--db', join(import.meta.dirname, 'helpers.ts')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/helpers\.ts: is not a Tidemark store/);
  });
});
