/**
 * The diff over the other backends, against the naive oracle: the HTTP client store talking to a
 * real server (SQLite behind it), and PostgreSQL (a schema of its own on the local cluster). Keys
 * include characters above U+FFFF and U+FFFF itself, so the merge is right only if every backend
 * pages its surface in code-point order; tiny pages make the merge cross many page boundaries.
 * Also: a store that pages out of order is refused (INTERNAL), never diffed wrongly.
 */
import { PG_URL, dropSchema } from '../postgres/pg-helpers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffSnapshot } from '../../src-core/diff/index';
import type { JsonValue, SurfaceOptions, SurfacePage } from '../../src-core/model/types';
import { startServer } from '../../src-core/server/index';
import { openHttpStore } from '../../src-core/store/http/index';
import { openPostgresStore } from '../../src-core/store/postgres/index';
import type { EventStore } from '../../src-core/store/types';
import type { TextReads } from '../../src-core/store/text-reads';
import type { SurfaceTextPage } from '../../src-core/model/stored-json';
import {
  type OracleTxn,
  oracleDiff,
  oracleSurface,
  shape,
  sqliteStore,
  tempDir,
  textChunks,
  toNdjson,
} from './helpers';

const KEYS = ['a', 'B', 'é', 'e\u0301', '中', '😀', '\uffff', '𝔸', 'a b', 'zz', 'Z'];

const TXNS: OracleTxn[] = [
  { events: KEYS.map((key, i) => ({ key, data: { n: i, s: `v${i}` } })) },
  {
    events: [
      { key: '😀', data: { n: 99, s: 'new' } },
      { key: 'B', data: null },
    ],
  }, // to be invalidated
  {
    events: [
      { key: 'zz', data: null },
      { key: '\uffff', data: 'scalar' },
    ],
  },
];
const SNAPSHOT: Record<string, JsonValue>[] = [
  { key: 'a', n: 0, s: 'v0' },
  { key: 'B', n: 1, s: 'v1' },
  { key: 'é', n: 2, s: 'changed' },
  { key: '😀', n: 5, s: 'v5' },
  { key: '\uffff', value: 'scalar' },
  { key: '𝔸', n: 7, s: 'v7' },
  { key: 'zz', n: 9 },
  { key: 'new', n: 1 },
];

async function fill(store: EventStore, topic: string): Promise<void> {
  for (const t of TXNS) await store.append(topic, { events: t.events });
  await store.invalidate(topic, 2, 'test');
}

async function check(store: EventStore, topic: string): Promise<void> {
  const expected = oracleDiff(await oracleSurface(TXNS, new Set([2])), SNAPSHOT, { keyField: 'key', csv: false });
  const r = await diffSnapshot(
    store,
    topic,
    { format: 'ndjson', body: textChunks(toNdjson(SNAPSHOT)) },
    { pageSize: 2 },
  );
  expect(r.summary).toEqual(expected.summary);
  expect(shape(r.rows)).toEqual(expected.rows.filter((x) => x.status !== 'equal'));
}

describe('diff over the HTTP client and PostgreSQL', () => {
  let dir: { dir: string; cleanup: () => void };
  let local: EventStore;
  let server: { url: string; close(): Promise<void> };
  let schema: string;
  let pgStore: EventStore;

  beforeAll(async () => {
    dir = tempDir();
    local = sqliteStore(dir.dir);
    server = await startServer({ store: local, port: 0 });
    schema = `tm_diff_${process.pid}_${Date.now().toString(36)}`;
    pgStore = await openPostgresStore({ url: PG_URL, schema });
  });
  afterAll(async () => {
    await server.close();
    await local.close();
    dir.cleanup();
    await pgStore.close();
    await dropSchema(schema);
  });

  it('the HTTP client store', async () => {
    const http = openHttpStore({ url: server.url });
    try {
      await fill(http, 'remote');
      await check(http, 'remote');
    } finally {
      await http.close();
    }
  });

  it('PostgreSQL', async () => {
    await fill(pgStore, 'pg');
    await check(pgStore, 'pg');
  });

  it('refuses a store that pages out of key order', async () => {
    const rows = [
      { key: 'b', seq: 1, txn: 1, hash: 'h', data: {}, time: 't' },
      { key: 'a', seq: 2, txn: 1, hash: 'h', data: {}, time: 't' },
    ];
    // Pages read the ordinary way, and (where the store has them, as SQLite does) as stored text.
    const broken = Object.create(local) as EventStore & TextReads;
    broken.surface = async (_t: string, _o?: SurfaceOptions): Promise<SurfacePage> => ({ rows, next: null });
    const texts = rows.map((r) => ({ ...r, data: '{}' }));
    broken.surfaceText = async (_t: string, _o?: SurfaceOptions): Promise<SurfaceTextPage> => ({
      rows: texts,
      next: null,
    });
    const parsedOnly = Object.create(broken) as EventStore & Partial<TextReads>;
    parsedOnly.surfaceText = undefined;
    for (const store of [broken, parsedOnly]) {
      await expect(
        diffSnapshot(store, 'x', { format: 'ndjson', body: textChunks('{"key":"a"}\n') }, {}),
      ).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringMatching(/out of key order/) as unknown });
    }
  });
});
