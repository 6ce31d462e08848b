/**
 * Pages of events and of the surface written from the stored data text (model/stored-json.ts,
 * server/json-bytes.ts) against the old way of writing them: each body (and its Content-Length)
 * must be byte for byte `JSON.stringify` of the page the store gives parsed, over SQLite and
 * PostgreSQL, for data that exercises the writer (escapes, non-ASCII and astral text, integer-like
 * member names, markers, tombstones, an invalidated transaction, content types and times that change
 * between consecutive events) and for every page shape (asc/desc, key and txn filters, raw and valid
 * views, prefix, cursors, asOfTxn, pages larger than the writer's first buffer). The same for what
 * else is written from the stored text: every `GET …/txns/N` (meta and by, markers, invalidated
 * events, tombstones), the SSE backlog, and the surface export in CSV and NDJSON, each against what
 * the server wrote before from the parsed data (`stringifyJson`, `formatSse`, `surfaceRowsText`).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src-core/server/index';
import { SURFACE_CSV_HEADER, surfaceRowsText } from '../../src-core/export/surface';
import { stringifyJson } from '../../src-core/model/json-write';
import type { EventInput, StoredEvent } from '../../src-core/model/types';
import { formatSse } from '../../src-core/server/sse';
import { nextHeaderValue } from '../../src-core/wire/pages';
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
  // Big and precise numbers, as JSON.stringify writes them back.
  [
    9007199254740991, -9007199254740991, 0.1, 0.30000000000000004, 1e15, 1e-7, 123456789.12345679, 5e-324,
    2.2250738585072014e-308,
  ],
  { deep: { a: [{ b: [[{ c: { '1': 'x', z: [null, { '': 'empty name' }] } }]] }] }, n: -1.5e-300 },
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
      // Tombstones: a key deleted (data null on a key that has a value), later written again.
      if (n % 11 === 3) ev.data = null;
      events.push(ev);
    }
    // meta and by on some transactions (meta with escapes, non-ASCII and an integer-like name).
    const meta = t % 2 === 0 ? { ticket: `OPS-${t}`, note: 'ü "q"\n', '10': 1, '2': [1.5] } : null;
    const r = await store.append(TOPIC, { events, meta, by: t % 3 === 0 ? 'loader é' : null });
    expect(r.txn).toBe(t + 1);
  }
  await store.invalidate(TOPIC, 2, 'bad "load"', { by: 'checker' });
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

/** The SSE stream's text (comment lines left out) once it is as long as `want`; then the stream is closed. */
async function sseText(url: string, want: string): Promise<string> {
  const ac = new AbortController();
  const res = await fetch(url, { signal: ac.signal });
  expect(res.status).toBe(200);
  const dec = new TextDecoder();
  let text = '';
  const events = (): string =>
    text
      .split('\n\n')
      .filter((block) => block !== '' && !block.startsWith(':'))
      .map((block) => block + '\n\n')
      .join('');
  const deadline = Date.now() + 20_000;
  try {
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      text += dec.decode(chunk, { stream: true });
      if (text.endsWith('\n\n') && events().length >= want.length) break;
      if (Date.now() > deadline) break;
    }
  } finally {
    ac.abort();
  }
  return events();
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
        // The next cursor is announced in a header too (the client's read-ahead, wire/pages.ts).
        expect(res.headers.get('tidemark-next'), q).toBe(String((JSON.parse(want) as { next: unknown }).next));
      }
      for (const q of SURFACE_QUERIES) {
        const res = await fetch(`${base}/v1/topics/${topic}/surface?${q}`);
        const body = Buffer.from(await res.arrayBuffer());
        const want = JSON.stringify(await h.store.surface(TOPIC, optsOf(q)));
        expect(res.status, q).toBe(200);
        expect(body.toString('utf8'), q).toBe(want);
        expect(Number(res.headers.get('content-length')), q).toBe(Buffer.byteLength(want));
        // The key cursor in the header: JSON escaped to ASCII (keys here end in `/é`; wire/pages.ts).
        const next = (JSON.parse(want) as { next: string | null }).next;
        expect(res.headers.get('tidemark-next'), q).toBe(nextHeaderValue(next));
        expect(JSON.parse(res.headers.get('tidemark-next')!), q).toBe(next);
      }
      // Transaction pages announce theirs too.
      for (const q of ['limit=2', 'order=desc&limit=3', '']) {
        const res = await fetch(`${base}/v1/topics/${topic}/txns?${q}`);
        const page = (await res.json()) as { next: number | null };
        expect(res.headers.get('tidemark-next'), q).toBe(String(page.next));
      }

      // The data above reaches the writer: rows flagged invalid in the raw view, escapes, the big page.
      const raw = await h.store.surface(TOPIC, { asOfTxn: 2, view: 'raw' });
      expect(raw.rows.some((r) => r.invalid === true)).toBe(true);
    });

    it('answers every transaction byte for byte as before (the parsed TxnDetail, serialised)', async (ctx) => {
      if (handle === undefined) return ctx.skip();
      const topic = encodeURIComponent(TOPIC);
      const { maxTxn } = await handle.store.topicInfo(TOPIC);
      const seen = { meta: false, by: false, marker: false, invalid: false, tombstone: false };
      for (let txn = 1; txn <= maxTxn; txn++) {
        const res = await fetch(`${base}/v1/topics/${topic}/txns/${txn}`);
        const body = Buffer.from(await res.arrayBuffer()).toString('utf8');
        const detail = await handle.store.getTxn(TOPIC, txn);
        const want = stringifyJson(detail);
        expect(res.status, `txn ${txn}`).toBe(200);
        expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
        expect(body, `txn ${txn}`).toBe(want);
        expect(Number(res.headers.get('content-length')), `txn ${txn}`).toBe(Buffer.byteLength(want));
        seen.meta ||= detail.meta !== null;
        seen.by ||= detail.by !== null;
        seen.marker ||= detail.marker === true;
        seen.invalid ||= detail.events.some((e) => e.invalid === true);
        seen.tombstone ||= detail.events.some((e) => e.data === null && e.type === 'event');
      }
      expect(seen).toEqual({ meta: true, by: true, marker: true, invalid: true, tombstone: true });
      const missing = await fetch(`${base}/v1/topics/${topic}/txns/${maxTxn + 1}`);
      expect(missing.status).toBe(404);
      expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    });

    it('streams the backlog over SSE byte for byte as before (each parsed event, serialised)', async (ctx) => {
      if (handle === undefined) return ctx.skip();
      const all: StoredEvent[] = [];
      for (let after = 0; ;) {
        const p = await handle.store.readEvents(TOPIC, { after, limit: 100 });
        all.push(...p.events);
        if (p.next === null) break;
        after = p.next;
      }
      for (const after of [0, 37]) {
        const want = formatSse(all.filter((e) => e.seq > after));
        const got = await sseText(`${base}/v1/topics/${encodeURIComponent(TOPIC)}/events/stream?after=${after}`, want);
        expect(got, `after=${after}`).toBe(want);
      }
    });

    it('exports the surface byte for byte as before (the parsed rows, written)', async (ctx) => {
      if (handle === undefined) return ctx.skip();
      const topic = encodeURIComponent(TOPIC);
      // Enough rows for an export written in several pieces (services/generic.ts).
      const more = Array.from({ length: 700 }, (_, i) => ({
        key: `x/${i}`,
        data: DATA[i % DATA.length] as EventInput['data'],
      }));
      await handle.store.append(TOPIC, { events: more });
      expect((await handle.store.topicInfo(TOPIC)).keys).toBeGreaterThan(2 * 256);
      for (const format of ['csv', 'ndjson'] as const) {
        for (const q of ['', 'view=raw', 'asOfTxn=2&view=raw', 'prefix=k1']) {
          const o = optsOf(q);
          const rows = (await handle.store.surface(TOPIC, { ...o, limit: 10_000 })).rows;
          const want = (format === 'csv' ? SURFACE_CSV_HEADER : '') + surfaceRowsText(rows, format);
          const res = await fetch(`${base}/v1/topics/${topic}/surface/export?format=${format}&${q}`);
          expect(res.status, `${format} ${q}`).toBe(200);
          expect(Buffer.from(await res.arrayBuffer()).toString('utf8'), `${format} ${q}`).toBe(want);
        }
      }
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
