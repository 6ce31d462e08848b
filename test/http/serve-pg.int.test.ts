/**
 * `tidemark serve --pg URL` as a child process over a fresh PostgreSQL database (127.0.0.1:5432,
 * user postgres): writes through the ordered writer and reads come back, a batch stops at its
 * failing transaction, and SIGTERM exits 0. The database is dropped afterwards.
 */
import { rmSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHttpStore } from '../../src-core/store/http/index';
import { call, tempDir } from './helpers';
import { spawnServe } from './spawn';

const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const DB = `tm_http_serve_${process.pid}_${Date.now()}`;

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
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
});
