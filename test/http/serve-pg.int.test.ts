/**
 * `tidemark serve --pg URL` as a child process over a fresh PostgreSQL database (127.0.0.1:5432,
 * user postgres): writes through the ordered writer and reads come back, a batch stops at its
 * failing transaction, and SIGTERM exits 0; `--pg-schema NAME` puts the store's tables in that schema.
 * The database (and the throwaway schema in it) is dropped afterwards.
 */
import { rmSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHttpStore } from '../../src-core/store/http/index';
import { call, tempDir } from './helpers';
import { spawnServe } from './spawn';

const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const DB = `tm_http_serve_${process.pid}_${Date.now()}`;

async function admin(sql: string, url = ADMIN_URL): Promise<pg.QueryResult> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await c.query(sql);
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  await admin(`CREATE DATABASE ${DB}`);
});
afterAll(async () => {
  await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
});

describe('tidemark serve --pg', () => {
  it('serves a PostgreSQL store and shuts down cleanly', async () => {
    const cwd = tempDir('tidemark-pg-');
    const s = await spawnServe(['--pg', `postgres://postgres@127.0.0.1:5432/${DB}`, '--port', '0'], cwd);
    try {
      expect(s.firstLine).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
      const store = openHttpStore({ url: s.url! });
      const rs = await Promise.all(
        Array.from({ length: 500 }, (_, i) => store.append('pgt', { events: [{ key: `k${i}`, data: i }] })),
      );
      expect(rs.map((r) => r.results[0]!.seq)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
      expect(await store.topicInfo('pgt')).toMatchObject({ maxSeq: 500, maxTxn: 500, keys: 500 });
      const a = await call(`${s.url}/v1/batch`, {
        method: 'POST',
        body: JSON.stringify({
          txns: [
            { topic: 'pgt', events: [{ key: 'x', data: 1 }] },
            { topic: 'pgt', events: [{ key: 'y', data: 1 }], expectMaxSeq: 3 },
          ],
        }),
      });
      expect(a.body).toMatchObject({ results: [{ txn: 501 }], error: { index: 1, status: 409, code: 'CONFLICT' } });
      await store.close();
    } finally {
      s.proc.kill('SIGTERM');
      expect((await s.exit).code).toBe(0);
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('--pg-schema NAME serves a store kept in that schema, apart from the default one', async () => {
    const cwd = tempDir('tidemark-pg-schema-');
    const dbUrl = `postgres://postgres@127.0.0.1:5432/${DB}`;
    const schema = `tm_serve_schema_${process.pid}`;
    const s = await spawnServe(['--pg', dbUrl, '--pg-schema', schema, '--port', '0'], cwd);
    try {
      expect(s.firstLine).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
      const store = openHttpStore({ url: s.url! });
      await store.append('in-schema', { events: [{ key: 'a', data: 1 }] });
      expect(await store.topicInfo('in-schema')).toMatchObject({ maxSeq: 1, keys: 1 });
      await store.close();
      // The topic row is in the named schema, and not in the default schema's store (if it has one).
      const named = await admin(`SELECT topic FROM ${schema}.topics`, dbUrl);
      expect(named.rows).toEqual([{ topic: 'in-schema' }]);
      const dflt = await admin(`SELECT to_regclass('tidemark.topics') IS NOT NULL AS has`, dbUrl);
      if ((dflt.rows[0] as { has: boolean }).has) {
        const rows = await admin(`SELECT topic FROM tidemark.topics WHERE topic = 'in-schema'`, dbUrl);
        expect(rows.rows).toEqual([]);
      }
    } finally {
      s.proc.kill('SIGTERM');
      expect((await s.exit).code).toBe(0);
      await admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`, dbUrl);
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
