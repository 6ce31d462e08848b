/**
 * Over an HTTP store, `servicesFor` runs each operation as one call of the server's own route, and
 * gets exactly what the generic implementation gets over the server's store: the server (real,
 * 127.0.0.1 port 0, over a real SQLite file and over real PostgreSQL) counts every request it
 * receives. A preview is one GET of the preview route (not a read per key); a diff is one POST of
 * the diff route and no surface page read, with the same result (streamed rows included); an
 * export is one GET of the export route with the same bytes and row count (CSV records holding
 * newlines counted as records); the sample is one POST. Bad arguments fail as they do locally,
 * and are never sent.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ExportSurfaceRequest, Progress } from '../../src-core/model/store-api';
import type { DiffRow, SurfaceRow } from '../../src-core/model/types';
import type { ServiceDiffOptions, StoreServices } from '../../src-core/services/index';
import { SAMPLE_TOPIC, servicesFor } from '../../src-core/services/index';
import { type HttpEventStore, openHttpStore } from '../../src-core/store/http/index';
import { openSqliteStore } from '../../src-core/store/sqlite/index';
import type { EventStore } from '../../src-core/store/types';
import { makePgStore } from '../postgres/pg-helpers';
import {
  TOPIC,
  chunks,
  collect,
  countingServer,
  seed,
  snapshotCsv,
  snapshotNdjson,
  type CountingServer,
} from './helpers';

interface Backend {
  store: EventStore;
  cleanup: () => Promise<void>;
}

async function sqliteBackend(): Promise<Backend> {
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-services-'));
  const store = openSqliteStore(join(dir, 'store.db'));
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function pgBackend(): Promise<Backend> {
  const h = await makePgStore();
  return { store: h.store, cleanup: h.cleanup };
}

/** The coded error `p` rejects with. */
async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    const { code, message } = e as { code: string; message: string };
    return { code, message };
  }
  throw new Error('expected a rejection');
}

async function surfaceAll(store: EventStore, topic: string): Promise<SurfaceRow[]> {
  const rows: SurfaceRow[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await store.surface(topic, after === undefined ? {} : { after });
    rows.push(...page.rows);
    if (page.next === null) return rows;
    after = page.next;
  }
}

const PATH = `/v1/topics/${TOPIC}`;

describe.each([
  ['SQLite', sqliteBackend],
  ['PostgreSQL', pgBackend],
])('services over an HTTP store, server on %s', (_name, make) => {
  let backend: Backend;
  let server: CountingServer;
  let http: HttpEventStore;
  let local: StoreServices;
  let remote: StoreServices;

  beforeAll(async () => {
    backend = await make();
    await seed(backend.store);
    server = await countingServer(backend.store);
    http = openHttpStore({ url: server.url });
    local = servicesFor(backend.store);
    remote = servicesFor(http);
  });
  afterAll(async () => {
    await http?.close();
    await server?.close();
    await backend?.cleanup();
  });
  beforeEach(() => {
    server.requests.length = 0;
  });

  it('the generic implementation over the server store sends nothing over HTTP', async () => {
    await local.previewInvalidation(TOPIC, 1);
    await collect(await local.exportSurface(TOPIC, { format: 'csv' }));
    expect(server.requests).toEqual([]);
  });

  it('preview: one GET of the preview route, the generic answer', async () => {
    for (const [txn, limit] of [
      [1, undefined],
      [1, 3],
      [2, 100],
      [3, 10], // already invalid: nothing changes
      [5, 1],
    ] as const) {
      const want = await local.previewInvalidation(TOPIC, txn, limit);
      server.requests.length = 0;
      expect(await remote.previewInvalidation(TOPIC, txn, limit)).toEqual(want);
      expect(server.requests).toEqual([`GET ${PATH}/txns/${txn}/preview-invalidate`]);
    }
    // Truncated as the generic one is: txn 1 changes every key it wrote but the ones updated since.
    expect((await remote.previewInvalidation(TOPIC, 1, 3)).truncated).toBe(true);
  });

  it('preview: errors as the generic one, and bad arguments are never sent', async () => {
    for (const [topic, txn, limit] of [
      [TOPIC, 4, 10], // an invalidation marker
      [TOPIC, 99, 10], // unknown
    ] as const) {
      const want = await failure(local.previewInvalidation(topic, txn, limit));
      expect(await failure(remote.previewInvalidation(topic, txn, limit))).toEqual(want);
    }
    server.requests.length = 0;
    for (const [topic, txn, limit] of [
      [TOPIC, 1, 0],
      [TOPIC, 1, 10_001],
      [TOPIC, 0, 10],
      [TOPIC, 1.5, 10],
      ['bad topic', 1, 10],
    ] as const) {
      const want = await failure(local.previewInvalidation(topic, txn, limit));
      expect(want.code).toBe('BAD_REQUEST');
      expect(await failure(remote.previewInvalidation(topic, txn, limit))).toEqual(want);
    }
    expect(server.requests).toEqual([]);
  });

  const variants: ServiceDiffOptions[] = [
    { keyField: 'id' },
    { keyField: 'id', fields: ['n'], limit: 2 },
    { keyField: 'id', ignore: ['s'], includeEqual: true, limit: 3 },
    { keyField: 'id', asOfTxn: 2, limit: 0 },
    { keyField: 'id', ignore: [] },
  ];

  it.each(['csv', 'ndjson'] as const)(
    'diff (%s): one POST of the diff route, no surface read, the generic result',
    async (format) => {
      const text = format === 'csv' ? snapshotCsv() : snapshotNdjson();
      const size = new TextEncoder().encode(text).byteLength;
      for (const opts of variants) {
        const want = await local.diff(TOPIC, { format, body: chunks(text), size }, opts);
        server.requests.length = 0;
        const got = await remote.diff(TOPIC, { format, body: chunks(text), size }, opts);
        expect(got, JSON.stringify(opts)).toEqual(want);
        expect(server.requests).toEqual([`POST ${PATH}/diff`]);
      }
      // The snapshot holds every kind of difference.
      const all = await remote.diff(TOPIC, { format, body: chunks(text), size: null }, { keyField: 'id' });
      expect(all.summary).toMatchObject({ different: 1, missingInStore: 1, missingInSnapshot: 1 });
    },
  );

  it('diff with onRow: every row streamed back, `rows` kept to the limit, one POST', async () => {
    const text = snapshotCsv();
    for (const opts of [
      { keyField: 'id', limit: 1 },
      { keyField: 'id', includeEqual: true, limit: 5 },
      { keyField: 'id', limit: 100 },
    ]) {
      const localRows: DiffRow[] = [];
      const want = await local.diff(
        TOPIC,
        { format: 'csv', body: chunks(text) },
        { ...opts, onRow: (r) => void localRows.push(r) },
      );
      server.requests.length = 0;
      const remoteRows: DiffRow[] = [];
      const got = await remote.diff(
        TOPIC,
        { format: 'csv', body: chunks(text) },
        {
          ...opts,
          // A slow consumer: the rows wait for it.
          onRow: async (r) => {
            await new Promise((resolve) => setImmediate(resolve));
            remoteRows.push(r);
          },
        },
      );
      expect(got).toEqual(want);
      expect(remoteRows).toEqual(localRows);
      expect(server.requests).toEqual([`POST ${PATH}/diff`]);
    }
  });

  it('diff: bad options fail as the generic one before anything is sent; a bad snapshot fails alike', async () => {
    const text = snapshotNdjson();
    for (const opts of [
      { keyField: 'id', limit: -1 },
      { keyField: 'id', fields: [] },
      { keyField: '' },
      { keyField: 'id', asOfTxn: 1.5 },
    ]) {
      const want = await failure(local.diff(TOPIC, { format: 'ndjson', body: chunks(text) }, opts));
      server.requests.length = 0;
      expect(await failure(remote.diff(TOPIC, { format: 'ndjson', body: chunks(text) }, opts))).toEqual(want);
      expect(server.requests).toEqual([]);
    }
    // Names the route's comma list cannot carry are refused, never sent rewritten.
    for (const fields of [['a,b'], [' n'], ['n ']]) {
      const err = await failure(
        remote.diff(TOPIC, { format: 'ndjson', body: chunks(text) }, { keyField: 'id', fields }),
      );
      expect(err.code).toBe('BAD_REQUEST');
      expect(err.message).toContain(JSON.stringify(fields[0]));
    }
    expect(server.requests).toEqual([]);
    const dup = '{"id":"A"}\n{"id":"B"}\n{"id":"A"}\n';
    const want = await failure(local.diff(TOPIC, { format: 'ndjson', body: chunks(dup) }, { keyField: 'id' }));
    expect(want.code).toBe('BAD_REQUEST');
    expect(await failure(remote.diff(TOPIC, { format: 'ndjson', body: chunks(dup) }, { keyField: 'id' }))).toEqual(
      want,
    );
    const rows: DiffRow[] = [];
    const streamed = remote.diff(
      TOPIC,
      { format: 'ndjson', body: chunks(dup) },
      { keyField: 'id', onRow: (r) => void rows.push(r) },
    );
    expect(await failure(streamed)).toEqual(want);
    expect(rows).toEqual([]);
  });

  const exports: ExportSurfaceRequest[] = [
    { format: 'csv' },
    { format: 'ndjson' },
    { format: 'csv', view: 'raw' },
    { format: 'csv', prefix: 'k0' },
    { format: 'ndjson', asOfTxn: 3 },
    { format: 'csv', prefix: 'nothing-here' },
  ];

  it('export: one GET of the export route, the generic bytes and row count', async () => {
    for (const req of exports) {
      const want = await local.exportSurface(TOPIC, req);
      const wantText = await collect(want);
      server.requests.length = 0;
      const got = await remote.exportSurface(TOPIC, req);
      expect(await collect(got), JSON.stringify(req)).toBe(wantText);
      expect(got.rows).toBe(want.rows);
      expect(server.requests).toEqual([`GET ${PATH}/surface/export`]);
    }
    // The CSV holds records with newlines inside quoted cells: rows are records, not lines.
    const csv = await remote.exportSurface(TOPIC, { format: 'csv' });
    const text = await collect(csv);
    expect(text.split('\r\n').length - 2).toBeGreaterThan(csv.rows);
    expect(csv.rows).toBe((await surfaceAll(backend.store, TOPIC)).length);
  });

  it('export with progress: the same total (one topic read beside the export), rows counted up to it', async () => {
    for (const req of [{ format: 'csv' }, { format: 'ndjson', view: 'raw' }] as ExportSurfaceRequest[]) {
      const localSeen: Progress[] = [];
      const want = await local.exportSurface(TOPIC, req, { onProgress: (p) => localSeen.push(p) });
      await collect(want);
      server.requests.length = 0;
      const seen: Progress[] = [];
      const got = await remote.exportSurface(TOPIC, req, { onProgress: (p) => seen.push(p) });
      await collect(got);
      expect(got.total).toBe(want.total);
      expect(seen.at(-1)).toEqual(localSeen.at(-1));
      for (let i = 1; i < seen.length; i++) expect(seen[i]!.done).toBeGreaterThanOrEqual(seen[i - 1]!.done);
      const expected = [`GET ${PATH}/surface/export`];
      if (want.total !== null) expected.push(`GET ${PATH}`);
      expect(server.requests.sort()).toEqual(expected.sort());
    }
  });

  it('export: a bad topic or option fails as the generic one', async () => {
    const wantTopic = await failure(local.exportSurface('bad topic', { format: 'csv' }));
    server.requests.length = 0;
    expect(await failure(remote.exportSurface('bad topic', { format: 'csv' }))).toEqual(wantTopic);
    expect(server.requests).toEqual([]);
    const bad = { format: 'csv', view: 'sideways' } as unknown as ExportSurfaceRequest;
    expect((await failure(remote.exportSurface(TOPIC, bad))).code).toBe(
      (await failure(local.exportSurface(TOPIC, bad))).code,
    );
  });

  it('loadSample: one POST of the sample route, the topic the generic loader writes', async () => {
    const got = await remote.loadSample();
    expect(got).toEqual({ topic: SAMPLE_TOPIC });
    expect(server.requests).toEqual(['POST /v1/sample']);
    const other = await sqliteBackend();
    try {
      expect(await servicesFor(other.store).loadSample()).toEqual({ topic: SAMPLE_TOPIC });
      const strip = (rows: SurfaceRow[]) =>
        rows.map(({ key, seq, txn, hash, data }) => ({ key, seq, txn, hash, data }));
      expect(strip(await surfaceAll(backend.store, SAMPLE_TOPIC))).toEqual(
        strip(await surfaceAll(other.store, SAMPLE_TOPIC)),
      );
    } finally {
      await other.cleanup();
    }
    server.requests.length = 0;
    expect(await remote.loadSample()).toEqual({ topic: SAMPLE_TOPIC }); // already there: left alone
    expect(server.requests).toEqual(['POST /v1/sample']);
  });
});
