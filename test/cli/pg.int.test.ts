/**
 * The CLI on PostgreSQL: `--pg URL --pg-schema S` against the real local server
 * (TIDEMARK_TEST_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres), in a schema of its
 * own that is dropped afterwards. Same write/read rules as on a file.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { SurfaceRow } from '../../src-core/model/types';
import { ndjson, parseLines, runCli } from './helpers';

const PG_URL = process.env.TIDEMARK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SCHEMA = `cli_test_${randomBytes(4).toString('hex')}`;
const store = ['--pg', PG_URL, '--pg-schema', SCHEMA];

afterAll(async () => {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`);
  } finally {
    await client.end();
  }
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
  });

  it('--pg-schema without --pg is refused', async () => {
    const r = await runCli(['topics', '--pg-schema', 'x', '--db', '/nonexistent/x.db']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toBe('tidemark: --pg-schema: only applies with --pg (BAD_REQUEST)\n');
  });
});
