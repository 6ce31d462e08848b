/**
 * The CLI on PostgreSQL: `--pg URL --pg-schema S` against the real local server
 * (TIDEMARK_TEST_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres), in a schema of its
 * own that is dropped afterwards. Same write/read rules as on a file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SurfaceRow } from '../../src-core/model/types';
import { PG_URL, dropSchema, uniqueName } from '../postgres/pg-helpers';
import { ndjson, parseLines, runCli } from './helpers';

const SCHEMA = uniqueName('cli_test');
const store = ['--pg', PG_URL, '--pg-schema', SCHEMA];

afterAll(async () => {
  await dropSchema(SCHEMA);
});

describe('CLI over --pg', () => {
  it('writes, de-duplicates on a re-run, stops at a bad line, and reads the surface back', async () => {
    const input = ndjson(Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, data: { i } })));
    const first = await runCli(['write', ...store, '--topic', 'pgt', '--txn-size', '10'], { input });
    expect(first.stderr).toBe('');
    expect(JSON.parse(first.stdout)).toEqual({
      written: 30,
      duplicates: 0,
      txns: 3,
      firstTxn: 1,
      lastTxn: 3,
      events: 30,
    });
    const again = await runCli(['write', ...store, '--topic', 'pgt', '--txn-size', '10'], { input });
    expect(JSON.parse(again.stdout)).toMatchObject({ written: 0, duplicates: 30, txns: 0 });

    const bad = await runCli(['write', ...store, '--topic', 'pgt', '--txn-size', '2'], {
      input:
        ndjson([
          { key: 'n1', data: 1 },
          { key: 'n2', data: 2 },
          { key: 'n3', data: 3 },
        ]) + 'nope\n',
    });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/^tidemark: line 4: .*nothing of its transaction \(lines 3-4\) was written/);

    const surface = await runCli(['surface', ...store, '--topic', 'pgt', '--prefix', 'n', '--format', 'ndjson']);
    expect((parseLines(surface.stdout) as SurfaceRow[]).map((r) => r.key)).toEqual(['n1', 'n2']);
    const topics = await runCli(['topics', ...store, '--format', 'ndjson']);
    expect(parseLines(topics.stdout)).toMatchObject([{ topic: 'pgt', maxSeq: 32, maxTxn: 4 }]);

    // verify (issue 13): the recorded head as an anchor, the whole topic checked on PostgreSQL.
    const head = (parseLines(topics.stdout)[0] as { head: string }).head;
    const verified = await runCli(['verify', ...store, '--topic', 'pgt', '--expect-head', head, '--format', 'ndjson']);
    expect(verified.code).toBe(0);
    expect(parseLines(verified.stdout)).toMatchObject([{ topic: 'pgt', ok: true, txns: 4, events: 32, head }]);
  });

  it('diff --repair writes the correction atomically, with --by and meta.repair', async () => {
    const input = ndjson([
      { key: 'a', data: { n: 1, keep: true } },
      { key: 'b', data: { n: 2, keep: true } },
    ]);
    await runCli(['write', ...store, '--topic', 'rep'], { input });
    const dir = mkdtempSync(join(tmpdir(), 'tidemark-pg-repair-'));
    try {
      const file = join(dir, 'up.csv');
      writeFileSync(file, 'key,n\na,10\nb,2\nc,3\n');
      const args = [
        'diff',
        ...store,
        '--topic',
        'rep',
        '--file',
        file,
        '--repair',
        '--reason',
        'pg fix',
        '--by',
        'pat',
      ];
      const r = await runCli(args);
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout)).toMatchObject({ written: 2, txns: [2], dryRun: false });
      const txns = await runCli(['txns', ...store, '--topic', 'rep', '--format', 'ndjson']);
      const info = (
        parseLines(txns.stdout) as { txn: number; by: string; meta: { repair: { reason: string } } }[]
      ).find((t) => t.txn === 2)!;
      expect(info).toMatchObject({ by: 'pat', meta: { repair: { reason: 'pg fix' } } });
      const surface = await runCli(['surface', ...store, '--topic', 'rep', '--format', 'ndjson']);
      expect((parseLines(surface.stdout) as SurfaceRow[]).map((x) => [x.key, x.data])).toEqual([
        ['a', { n: 10, keep: true }],
        ['b', { n: 2, keep: true }],
        ['c', { n: '3' }],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--pg-schema without --pg is refused', async () => {
    const r = await runCli(['topics', '--pg-schema', 'x', '--db', '/nonexistent/x.db']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toBe('tidemark: --pg-schema: only applies with --pg (BAD_REQUEST)\n');
  });
});
