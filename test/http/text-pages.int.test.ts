/**
 * Pages of events and of the surface written from the stored data text (model/stored-json.ts,
 * server/json-bytes.ts) against the old way of writing them: each body (and its Content-Length)
 * must be byte for byte `JSON.stringify` of the page the store gives parsed, over SQLite and
 * PostgreSQL, for data that exercises the writer (escapes, non-ASCII and astral text, integer-like
 * member names, markers, tombstones, an invalidated transaction, content types and times that change
 * between consecutive events) and for every page shape (asc/desc, key and txn filters, raw and valid
 * views, prefix, cursors, asOfTxn, pages larger than the writer's first buffer).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src-core/server/index';
import type { EventInput } from '../../src-core/model/types';
import { openSqliteStore } from '../../src-core/store/sqlite/index';
import type { EventStore } from '../../src-core/store/types';
import { makePgStore, pgUnreachable } from '../postgres/pg-helpers';
import { tempDir } from './helpers';
import { join } from 'node:path';

const TOPIC = 'pages:text';

const DATA: unknown[] = [
  { b: 1, a: 'x' },
  { '10': 1, '2': 2, a: { '0': [1, { '07': 'z', '7': null }] } },
  { 'a"b': 'q\u2028\u0001\\', é: 'ü', s: '😀 and 中文' },
  [1.5, -0, 12345678901, 5e-7, true, false, null, ''],
  'just a string',
  42,
  null,
];

async function fill(store: EventStore): Promise<void> {
  for (let t = 0; t < 6; t++) {
    const events: EventInput[] = [];
    for (let i = 0; i < 40; i++) {
      const n = t * 40 + i;
      const ev: EventInput = {
        key: `k${n % 23}${n % 5 === 0 ? '/é' : ''}`,
        data: DATA[n % DATA.length] as EventInput['data'],
      };
      if (n % 7 === 0) ev.contentType = 'text/x-é';
      events.push(ev);
    }
    const r = await store.append(TOPIC, { events });
    expect(r.txn).toBe(t + 1);
  }
  await store.invalidate(TOPIC, 2, 'bad "load"');
  // A big page: more than the writer's first 64 KiB.
  await store.append(TOPIC, { events: [{ key: 'big', data: { s: 'é'.repeat(40_000) } }] });
}

const EVENT_QUERIES = [
  '',
  'limit=7',
  'after=30&limit=50',
  'order=desc&limit=9',
  'order=desc&before=100&limit=20',
  'key=k3',
  'txn=2',
  'txn=7',
  'limit=1000',
];
const SURFACE_QUERIES = [
  '',
  'limit=5',
  'view=raw',
  'view=raw&limit=4&after=k12',
  'prefix=k1',
  'asOfTxn=2',
  'asOfTxn=3&view=raw',
  'asOfTxn=2&view=raw',
];

function optsOf(q: string): Record<string, string | number> {
  const o: Record<string, string | number> = {};
  for (const [k, v] of new URLSearchParams(q)) o[k] = /^\d+$/.test(v) ? Number(v) : v;
  return o;
}

function checksFor(
  name: string,
  open: () => Promise<{ store: EventStore; close: () => Promise<void> } | string>,
): void {
  describe(name, () => {
    let handle: { store: EventStore; close: () => Promise<void> } | undefined;
    let base = '';
    let stop: (() => Promise<void>) | undefined;
    afterAll(async () => {
      await stop?.();
      await handle?.close();
    });

    it('answers every page byte for byte as JSON.stringify of the parsed page', async (ctx) => {
      const h = await open();
      if (typeof h === 'string') return ctx.skip();
      handle = h;
      await fill(h.store);
      const server = await startServer({ store: h.store, port: 0 });
      stop = () => server.close();
      base = server.url;
      const topic = encodeURIComponent(TOPIC);
      for (const q of EVENT_QUERIES) {
        const res = await fetch(`${base}/v1/topics/${topic}/events?${q}`);
        const body = Buffer.from(await res.arrayBuffer());
        const want = JSON.stringify(await h.store.readEvents(TOPIC, optsOf(q)));
        expect(res.status, q).toBe(200);
        expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
        expect(body.toString('utf8'), q).toBe(want);
        expect(Number(res.headers.get('content-length')), q).toBe(Buffer.byteLength(want));
        // The next cursor is announced in a header too (the client's read-ahead, wire/event-pages.ts).
        expect(res.headers.get('tidemark-next'), q).toBe(String((JSON.parse(want) as { next: unknown }).next));
      }
      for (const q of SURFACE_QUERIES) {
        const res = await fetch(`${base}/v1/topics/${topic}/surface?${q}`);
        const body = Buffer.from(await res.arrayBuffer());
        const want = JSON.stringify(await h.store.surface(TOPIC, optsOf(q)));
        expect(res.status, q).toBe(200);
        expect(body.toString('utf8'), q).toBe(want);
        expect(Number(res.headers.get('content-length')), q).toBe(Buffer.byteLength(want));
      }
      // The data above reaches the writer: rows flagged invalid in the raw view, escapes, the big page.
      const raw = await h.store.surface(TOPIC, { asOfTxn: 2, view: 'raw' });
      expect(raw.rows.some((r) => r.invalid === true)).toBe(true);
    });
  });
}

checksFor('SQLite', () => {
  const store = openSqliteStore(join(tempDir(), 'pages.db'));
  return Promise.resolve({ store, close: () => store.close() });
});

checksFor('PostgreSQL', async () => {
  const why = await pgUnreachable();
  if (why !== null) return why;
  const h = await makePgStore();
  return { store: h.store, close: h.cleanup };
});
