/**
 * Text stored before the storable-text rule (model/text.ts) stays readable: a real SQLite file gets,
 * by raw SQL, what an older build wrote without complaint (a key, content type and invalidation
 * reason holding NUL; data whose canonical text holds NUL, lone surrogates and a NUL member name),
 * and everything is read back exactly through the store, through a real HTTP server on that file,
 * and through the HTTP client: log, key filter, transactions, and surface pages whose cursor is
 * the NUL key. Reads never re-check stored text; only new writes of such text are refused.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashCanonical } from '../../src-core/store/hash';
import type { StoredEvent, SurfaceRow } from '../../src-core/model/types';
import { startServer } from '../../src-core/server/index';
import { openHttpStore } from '../../src-core/store/http/index';
import { openSqliteStore } from '../../src-core/store/sqlite/index';
import type { EventStore } from '../../src-core/store/types';
import { expectCode, surfaceAll } from '../contract/harness';
import { call, tempDir } from './helpers';
import { rmSync } from 'node:fs';
import { cleanupsAfterEach } from '../cleanups';

const NUL_KEY = 'b\u0000old';
const CONTENT_TYPE = 'text/x-old\u0000';
const REASON = 'old\u0000reason';
/** The canonical JSON text an older build stored for such data (JSON.stringify's escapes). */
const DATA_TEXT = '{"\\u0000":1,"lone":"\\ud800 and \\udc00","nul":"a\\u0000b"}';
const DATA = JSON.parse(DATA_TEXT) as Record<string, unknown>;

const cleanups = cleanupsAfterEach();

/**
 * A store file holding topic `old`: txn 1 = keys a, NUL_KEY (legacy data and content type), c;
 * txn 2 = key a again; txn 3 = the marker invalidating txn 2 with the legacy reason.
 */
async function legacyFile(): Promise<string> {
  const dir = tempDir('tidemark-legacy-');
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'old.db');
  const store = openSqliteStore(file);
  await store.append('old', {
    events: [
      { key: 'a', data: 1 },
      { key: 'PLACEHOLDER', data: 'placeholder', contentType: 'text/placeholder' },
      { key: 'c', data: 3 },
    ],
  });
  await store.append('old', { events: [{ key: 'a', data: 2 }] });
  await store.invalidate('old', 2, 'placeholder reason');
  await store.close();
  // What an older build would have stored: the same rows with the text it accepted then.
  const db = new Database(file);
  const hash = hashCanonical(DATA_TEXT);
  db.prepare('UPDATE events SET key = ?, data = ?, content_type = ?, hash = ? WHERE key = ?').run(
    NUL_KEY,
    DATA_TEXT,
    CONTENT_TYPE,
    hash,
    'PLACEHOLDER',
  );
  db.prepare('UPDATE heads SET key = ? WHERE key = ?').run(NUL_KEY, 'PLACEHOLDER');
  db.prepare('UPDATE events SET reason = ? WHERE marker = 1').run(REASON);
  db.prepare('UPDATE txns SET reason = ? WHERE invalidated_by IS NOT NULL').run(REASON);
  db.close();
  return file;
}

/** The reads every backend view of the file must answer the same way. */
async function expectReadable(store: EventStore): Promise<void> {
  const events = (await store.readEvents('old')).events;
  expect(events.map((e) => e.key)).toEqual(['a', NUL_KEY, 'c', 'a', '$invalidate']);
  const legacy = events[1]!;
  expect(legacy).toMatchObject({ key: NUL_KEY, data: DATA, contentType: CONTENT_TYPE, hash: hashCanonical(DATA_TEXT) });
  expect(events[4]).toMatchObject({ type: 'invalidate', target: 2, reason: REASON });
  const byKey = (await store.readEvents('old', { key: NUL_KEY })).events;
  expect(byKey.map((e: StoredEvent) => e.seq)).toEqual([2]);
  expect((await store.getTxn('old', 2)).reason).toBe(REASON);
  expect((await store.listTxns('old')).txns.map((t) => t.reason)).toEqual([null, REASON, null]);
  // Paging the surface one row at a time passes the NUL key back as the `after` cursor.
  const rows: SurfaceRow[] = await surfaceAll(store, 'old', {}, 1);
  expect(rows.map((r) => [r.key, r.data])).toEqual([
    ['a', 1],
    [NUL_KEY, DATA],
    ['c', 3],
  ]);
  expect((await store.surface('old', { prefix: 'b\u0000' })).rows.map((r) => r.key)).toEqual([NUL_KEY]);
  // New writes of such text are refused; the legacy rows are not touched by that.
  await expectCode(
    store.append('old', { events: [{ key: NUL_KEY, data: 1 }] }),
    'BAD_REQUEST',
    /^events\[0\]\.key: must not contain NUL \(U\+0000\)$/,
  );
  expect((await store.topicInfo('old')).maxSeq).toBe(5);
}

describe('text stored before the storable-text rule', () => {
  it('reads back exactly through the SQLite store', async () => {
    const store = openSqliteStore(await legacyFile());
    cleanups.push(() => store.close());
    await expectReadable(store);
  });

  it('reads back exactly through a real HTTP server and the HTTP client', async () => {
    const backing = openSqliteStore(await legacyFile());
    cleanups.push(() => backing.close());
    const server = await startServer({ store: backing, port: 0 });
    cleanups.push(() => server.close());
    const client = openHttpStore({ url: server.url });
    cleanups.push(() => client.close());
    await expectReadable(client);
    // The wire carries NUL and lone surrogates as JSON escapes (valid UTF-8, nothing replaced).
    const raw = await call(`${server.url}/v1/topics/old/events?key=b%00old`);
    expect(raw.status).toBe(200);
    expect(raw.text).toContain('"key":"b\\u0000old"');
    expect(raw.text).toContain('"lone":"\\ud800 and \\udc00"');
    expect(raw.text).not.toContain('\ufffd');
    const page = await call(`${server.url}/v1/topics/old/surface?after=a&limit=1`);
    expect(page.body).toMatchObject({ next: NUL_KEY });
  });
});
