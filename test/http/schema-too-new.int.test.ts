/**
 * SCHEMA_TOO_NEW is answered at once, never retried (API.md "Integrity", docs/http.md "Retries"):
 * a real server over a real store whose schema a newer Tidemark has moved one version ahead (a
 * SQLite file's `user_version`, a PostgreSQL schema's version table) refuses every write with 503
 * SCHEMA_TOO_NEW naming both versions, and the HTTP client (append, batch, invalidate) and the
 * ordered writer (given 3 s of retries for UNAVAILABLE) send exactly one request each and
 * reject with that error. The requests are counted by a plain forwarding proxy in front of the
 * server. Reads still work. The PostgreSQL half skips, printing why, when there is no PostgreSQL.
 */
import { type IncomingMessage, type ServerResponse, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { schemaTooNew } from '../../src-core/model/errors';
import { startServer } from '../../src-core/server/index';
import { OrderedWriter, openHttpStore } from '../../src-core/store/http/index';
import { SCHEMA_VERSION as PG_VERSION } from '../../src-core/store/postgres/schema';
import { SCHEMA_VERSION as SQLITE_VERSION, openSqliteStore } from '../../src-core/store/sqlite/index';
import type { EventStore } from '../../src-core/store/types';
import { adminQuery, openShared, pgUnreachable } from '../postgres/pg-helpers';
import { tempDir } from './helpers';
import { cleanupsAfterEach } from '../cleanups';

const cleanups = cleanupsAfterEach();

/** A forwarding proxy to `target` that counts the requests it passed on, as "METHOD /path". */
async function countingProxy(target: string): Promise<{ url: string; seen: string[] }> {
  const to = new URL(target);
  const seen: string[] = [];
  const proxy = createServer((req: IncomingMessage, res: ServerResponse) => {
    seen.push(`${req.method} ${new URL(req.url ?? '/', 'http://x').pathname}`);
    const out = request(
      { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => proxy.close(() => r())));
  cleanups.push(() => proxy.closeAllConnections());
  return { url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, seen };
}

/** The code and message a promise rejects with. */
async function failureOf(p: Promise<unknown>): Promise<{ code: unknown; message: unknown }> {
  try {
    await p;
  } catch (err) {
    const e = err as { code?: unknown; message?: unknown };
    return { code: e.code, message: e.message };
  }
  throw new Error('expected a rejection');
}

/**
 * Serves `store` behind a counting proxy, lets `moveAhead` put its schema one version ahead, then
 * checks that every client write path sends one request and rejects with `expected`.
 */
async function expectNoRetry(store: EventStore, moveAhead: () => Promise<void>, newer: number, ours: number) {
  const server = await startServer({ store, port: 0 });
  cleanups.push(() => server.close());
  const { url, seen } = await countingProxy(server.url);
  // Retries of UNAVAILABLE for 3 s: were SCHEMA_TOO_NEW retried, the proxy would count them.
  const client = openHttpStore({ url, writer: { retryForMs: 3000 } });
  cleanups.push(() => client.close());
  await client.append('t', { events: [{ key: 'a', data: 1 }] });
  await moveAhead();
  const expected = { code: 'SCHEMA_TOO_NEW', message: schemaTooNew(newer, ours).message };
  expect(expected.message).toContain(String(newer));
  expect(expected.message).toContain(String(ours));

  const writes: [string, () => Promise<unknown>][] = [
    ['POST /v1/batch', () => client.append('t', { events: [{ key: 'b', data: 2 }] })],
    ['POST /v1/batch', () => client.appendBatch([{ topic: 't', events: [{ key: 'c', data: 3 }] }])],
    ['POST /v1/topics/t/txns/1/invalidate', () => client.invalidate('t', 1, 'late')],
    [
      'POST /v1/batch',
      () => new OrderedWriter({ url, retryForMs: 3000 }).append('t', { events: [{ key: 'd', data: 4 }] }),
    ],
  ];
  for (const [route, write] of writes) {
    seen.length = 0;
    expect(await failureOf(write()), route).toEqual(expected);
    expect(seen, route).toEqual([route]);
  }
  // The raw answer: 503 with the envelope.
  const res = await fetch(`${url}/v1/topics/t/txns`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ events: [{ key: 'e', data: 5 }] }),
  });
  expect(res.status).toBe(503);
  expect(await res.json()).toEqual({ error: expected });
  // Nothing was written, and reads still answer.
  expect((await client.topicInfo('t')).maxSeq).toBe(1);
}

describe('SCHEMA_TOO_NEW through a server: one request, no retry', () => {
  it('SQLite: a store file whose user_version a newer Tidemark set one above', async () => {
    const dir = tempDir();
    cleanups.push(() => import('node:fs').then((fs) => fs.rmSync(dir, { recursive: true, force: true })));
    const file = join(dir, 'store.db');
    const store = openSqliteStore(file);
    cleanups.push(() => store.close());
    await expectNoRetry(
      store,
      () => {
        const other = new Database(file);
        other.pragma(`user_version = ${SQLITE_VERSION + 1}`);
        other.close();
        return Promise.resolve();
      },
      SQLITE_VERSION + 1,
      SQLITE_VERSION,
    );
  });

  it('PostgreSQL: a schema whose version table a newer Tidemark moved one ahead', async (ctx) => {
    const why = await pgUnreachable();
    if (why !== null) {
      console.log(`skipped: ${why}`);
      ctx.skip();
    }
    const { schema, stores } = await openShared(cleanups, { base: 'tm_too_new' });
    const store = stores[0]!;
    await expectNoRetry(
      store,
      async () => {
        await adminQuery(`INSERT INTO "${schema}".tidemark_schema_version (version) VALUES (${PG_VERSION + 1})`);
      },
      PG_VERSION + 1,
      PG_VERSION,
    );
  });
});
