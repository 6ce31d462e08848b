/**
 * `tidemark compare` as a user runs it (the real bin/tidemark.mjs): exit 0 and an `equal` line per
 * topic for equal stores, exit 3 (EXIT.differences) with the diverging transaction, the side ahead
 * or the missing topic otherwise; a SQLite file against a real `tidemark serve` with a token; the
 * table format; and one-line errors with their exit codes (usage 2, failure 1) for a missing
 * option, a file that does not exist, a token without a server and a URL scheme that is no store.
 */
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TopicComparison } from '../../src-core/model/integrity';
import { EXIT } from '../../src-core/cli/exit-codes';
import { ndjson, parseLines, runCli, tempDir, useServedStore } from '../cli/helpers';

let tmp: { dir: string; cleanup: () => void };
let a: string;
let b: string;
const rows = (n: number, tag: string): string =>
  ndjson(Array.from({ length: n }, (_, i) => ({ key: `k${i}`, data: { i, tag } })));

beforeAll(async () => {
  tmp = tempDir();
  a = join(tmp.dir, 'a.db');
  b = join(tmp.dir, 'b.db');
  expect(
    (await runCli(['write', '--db', a, '--topic', 'x', '--txn-size', '1'], { input: rows(12, 'same') })).code,
  ).toBe(0);
  copyFileSync(a, b);
  expect((await runCli(['write', '--db', a, '--topic', 'x', '--txn-size', '1'], { input: rows(3, 'a') })).code).toBe(0);
  expect((await runCli(['write', '--db', b, '--topic', 'x', '--txn-size', '1'], { input: rows(5, 'b') })).code).toBe(0);
  expect((await runCli(['write', '--db', b, '--topic', 'onlyb'], { input: rows(2, 'b') })).code).toBe(0);
});
afterAll(() => tmp.cleanup());

describe('tidemark compare', () => {
  it('equal stores: exit 0, one equal line per topic', async () => {
    const r = await runCli(['compare', '--from', a, '--to', a, '--format', 'ndjson']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(EXIT.ok);
    const lines = parseLines(r.stdout) as TopicComparison[];
    expect(lines).toMatchObject([{ topic: 'x', result: 'equal', common: 15, reads: { from: 0, to: 0 } }]);
  });

  it('different stores: exit 3 with the first diverging transaction and the missing topic', async () => {
    const r = await runCli(['compare', '--from', a, '--to', b, '--format', 'ndjson']);
    expect(r.code).toBe(EXIT.differences);
    const lines = parseLines(r.stdout) as TopicComparison[];
    expect(lines.map((l) => [l.topic, l.result, l.side, l.firstDiff?.txn ?? null, l.common])).toEqual([
      ['onlyb', 'missing', 'from', null, 0],
      ['x', 'diverged', null, 13, 12],
    ]);
  });

  it('--topic limits the comparison; a table says it in words', async () => {
    const r = await runCli(['compare', '--from', a, '--to', b, '--topic', 'x', '--format', 'table']);
    expect(r.code).toBe(EXIT.differences);
    expect(r.stdout).toContain('the logs differ from transaction 13 on');
    expect(r.stdout).not.toContain('onlyb');
  });

  it('a prefix: the side ahead, by how many', async () => {
    const c = join(tmp.dir, 'c.db');
    copyFileSync(a, c);
    expect((await runCli(['write', '--db', c, '--topic', 'x', '--txn-size', '1'], { input: rows(4, 'c') })).code).toBe(
      0,
    );
    const r = await runCli(['compare', '--from', a, '--to', c, '--format', 'ndjson']);
    expect(r.code).toBe(EXIT.differences);
    expect(parseLines(r.stdout)).toMatchObject([{ topic: 'x', result: 'prefix', side: 'to', aheadBy: 4, common: 15 }]);
  });

  it('one-line errors: usage (2) before anything runs, failures (1) naming the option', async () => {
    const missing = await runCli(['compare', '--from', a]);
    expect(missing.code).toBe(EXIT.usage);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toContain('--to');

    const nofile = join(tmp.dir, 'nope.db');
    const absent = await runCli(['compare', '--from', a, '--to', nofile]);
    expect(absent.code).toBe(EXIT.failure);
    expect(absent.stderr.trim().split('\n')).toHaveLength(1);
    expect(absent.stderr).toContain(`--to: no store file at ${nofile}`);
    expect(existsSync(nofile)).toBe(false);

    const tok = await runCli(['compare', '--from', a, '--from-token', 's3cret', '--to', b]);
    expect(tok.code).toBe(EXIT.failure);
    expect(tok.stderr).toContain('--from: a token only applies to a server URL');
    expect(tok.stderr).not.toContain('s3cret');

    const scheme = await runCli(['compare', '--from', 'ftp://host/x', '--to', b]);
    expect(scheme.code).toBe(EXIT.failure);
    expect(scheme.stderr).toContain('--from: ftp:// is not a store');

    const badTopic = await runCli(['compare', '--from', a, '--to', b, '--topic', 'bad name']);
    expect(badTopic.code).toBe(EXIT.usage);
  });
});

describe('tidemark compare with a server', () => {
  const server = useServedStore(['--token', 'adm:admin:ops']);

  it('a file against a server (token): exit 3 with the divergence; the server against itself: exit 0', async () => {
    const w = await runCli(['write', '--url', server.url, '--token', 'adm', '--topic', 'x', '--txn-size', '1'], {
      input: rows(6, 'server'),
    });
    expect(w.code).toBe(0);
    const r = await runCli([
      'compare',
      '--from',
      a,
      '--to',
      server.url,
      '--to-token',
      'adm',
      '--topic',
      'x',
      '--format',
      'ndjson',
    ]);
    expect(r.code).toBe(EXIT.differences);
    expect(parseLines(r.stdout)).toMatchObject([{ result: 'diverged', firstDiff: { txn: 1 }, to: { maxTxn: 6 } }]);

    const self = await runCli([
      'compare',
      '--from',
      server.url,
      '--from-token',
      'adm',
      '--to',
      server.url,
      '--to-token',
      'adm',
    ]);
    expect(self.code).toBe(EXIT.ok);

    const noToken = await runCli(['compare', '--from', a, '--to', server.url]);
    expect(noToken.code).toBe(EXIT.failure);
    expect(noToken.stderr.trim().split('\n')).toHaveLength(1);
    expect(noToken.stderr).toContain('UNAUTHORIZED');
  });
});
