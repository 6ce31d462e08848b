/**
 * The long HTTP services under pressure, against a real server (127.0.0.1 port 0, real SQLite
 * file): a diff reports its upload in bytes up to the snapshot's size, and an aborted signal ends
 * it with CANCELLED wherever it is (before sending, mid-upload, while rows stream back), stopping
 * the snapshot's reader and leaving the server with no diff running; a snapshot the server refuses
 * for its size is its TOO_LARGE, a snapshot that fails to read is that failure, and one that is
 * not the size it declared is a BAD_REQUEST saying so. An export
 * reports rows up to the total, cancels mid-transfer with CANCELLED leaving no file, and a
 * transfer cut short (a raw server that drops the connection or ends mid-record) is UNAVAILABLE,
 * never a short file.
 */
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TidemarkError } from '../../src-core/model/errors';
import type { Progress } from '../../src-core/model/store-api';
import { type StoreServices, exportSurfaceToFile, servicesFor } from '../../src-core/services/index';
import { type HttpEventStore, openHttpStore } from '../../src-core/store/http/index';
import { type SqliteEventStore, openSqliteStore } from '../../src-core/store/sqlite/index';
import { type CountingServer, collect, countingServer } from './helpers';

const BIG = 'big.t';
const ROWS = 30_000;

let dir: string;
let spill: string;
let store: SqliteEventStore;
let server: CountingServer;
let http: HttpEventStore;
let remote: StoreServices;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tidemark-services-cancel-'));
  spill = join(dir, 'spill');
  store = openSqliteStore(join(dir, 'store.db'));
  for (let t = 0; t < 3; t++) {
    const events = Array.from({ length: ROWS / 3 }, (_, i) => {
      const n = t * (ROWS / 3) + i;
      return { key: `k${String(n).padStart(6, '0')}`, data: { n, text: `row ${n}\nsecond line, "quoted"`.repeat(3) } };
    });
    await store.append(BIG, { events });
  }
  const { mkdirSync } = await import('node:fs');
  mkdirSync(spill);
  server = await countingServer(store, { diffTmpDir: spill });
  http = openHttpStore({ url: server.url });
  remote = servicesFor(http);
});
afterAll(async () => {
  await http?.close();
  await server?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!cond()) throw new Error(`gave up waiting until ${what}`);
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as { code?: string }).code ?? `uncoded: ${String(e)}`;
  }
  return 'resolved';
}

/** A CSV snapshot of `n` records, produced lazily; `state` says how far it got and whether it was closed. */
function snapshot(n: number, state: { yielded: number; closed: boolean; onChunk?: (i: number) => void }) {
  const enc = new TextEncoder();
  async function* gen(): AsyncGenerator<Uint8Array> {
    try {
      yield enc.encode('key,n\n');
      for (let i = 0; i < n; i += 1000) {
        let s = '';
        for (let j = i; j < Math.min(n, i + 1000); j++) s += `k${String(j).padStart(6, '0')},${j}\n`;
        state.yielded++;
        state.onChunk?.(state.yielded);
        yield enc.encode(s);
      }
    } finally {
      state.closed = true;
    }
  }
  let size = 'key,n\n'.length;
  for (let j = 0; j < n; j++) size += `k${String(j).padStart(6, '0')},${j}\n`.length;
  return { format: 'csv' as const, body: gen(), size };
}

describe('HTTP diff', () => {
  it('reports the upload in bytes, up to the size, and ends with it', async () => {
    const seen: Progress[] = [];
    const src = snapshot(ROWS, { yielded: 0, closed: false });
    const res = await remote.diff(BIG, src, {}, { onProgress: (p) => seen.push(p) });
    expect(res.summary.snapshotRecords).toBe(ROWS);
    expect(seen.length).toBeGreaterThan(0);
    for (const p of seen) expect(p).toMatchObject({ unit: 'bytes', phase: 'upload' });
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.done).toBeGreaterThanOrEqual(seen[i - 1]!.done);
    expect(seen.at(-1)).toEqual({ done: src.size, total: src.size, unit: 'bytes', phase: 'upload' });
  });

  it('a signal aborted before the call sends nothing', async () => {
    server.requests.length = 0;
    const ac = new AbortController();
    ac.abort();
    const state = { yielded: 0, closed: false };
    expect(await codeOf(remote.diff(BIG, snapshot(10, state), {}, { signal: ac.signal }))).toBe('CANCELLED');
    expect(server.requests).toEqual([]);
    expect(state.yielded).toBe(0);
  });

  it('cancels mid-upload: CANCELLED, the snapshot reader closed, nothing left running on the server', async () => {
    const ac = new AbortController();
    const state = { yielded: 0, closed: false, onChunk: (i: number) => i === 20 && ac.abort() };
    const src = snapshot(2_000_000, state);
    expect(await codeOf(remote.diff(BIG, src, {}, { signal: ac.signal }))).toBe('CANCELLED');
    expect(state.closed).toBe(true);
    expect(state.yielded).toBeLessThan(100);
    // The server cancelled its diff (a closed connection does): its spill is gone.
    await until(() => readdirSync(spill).length === 0, 'the server removed its spill');
    const ok = await remote.diff(BIG, snapshot(10, { yielded: 0, closed: false }), {});
    expect(ok.summary.snapshotRecords).toBe(10);
  });

  it('cancels while rows stream back: CANCELLED, no more rows', async () => {
    const ac = new AbortController();
    let rows = 0;
    const streamed = remote.diff(
      BIG,
      snapshot(ROWS, { yielded: 0, closed: false }),
      {
        includeEqual: true,
        onRow: () => {
          rows++;
          if (rows === 10) ac.abort();
        },
      },
      { signal: ac.signal },
    );
    expect(await codeOf(streamed)).toBe('CANCELLED');
    const at = rows;
    expect(at).toBeLessThan(ROWS);
    await until(() => readdirSync(spill).length === 0, 'the server removed its spills');
    expect(rows).toBe(at);
  });

  it('a snapshot over the server limit is its TOO_LARGE; a snapshot that fails to read is that failure', async () => {
    const small = await countingServer(store, { diffLimit: 1000, diffTmpDir: spill });
    const client = openHttpStore({ url: small.url });
    try {
      const state = { yielded: 0, closed: false };
      // Refused for its declared size: the server reads none of it, and the upload stops.
      expect(await codeOf(servicesFor(client).diff(BIG, snapshot(2_000_000, state), {}))).toBe('TOO_LARGE');
      expect(state.yielded).toBeLessThan(2000);
      expect(state.closed).toBe(true);
    } finally {
      await client.close();
      await small.close();
    }
    async function* broken(): AsyncGenerator<string> {
      yield 'key,n\n';
      throw new TidemarkError('NOT_FOUND', 'snapshot.csv: the file went away');
    }
    await expect(remote.diff(BIG, { format: 'csv', body: broken() }, {})).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'snapshot.csv: the file went away',
    });
    // A body that is not the size it declared (a file that changed while being sent).
    for (const [size, said] of [
      [5, /more than its declared 5 bytes/],
      [500, /only 18 of its declared 500 bytes/],
    ] as const) {
      async function* body(): AsyncGenerator<string> {
        yield 'key,n\n';
        yield 'a,1\nb,2\nc,3\n';
      }
      await expect(remote.diff(BIG, { format: 'csv', body: body(), size }, {})).rejects.toMatchObject({
        code: 'BAD_REQUEST',
        message: expect.stringMatching(said) as string,
      });
    }
  });
});

describe('HTTP export', () => {
  it('to a file: the generic bytes, rows counted up to the total', async () => {
    const mine = join(dir, 'remote.csv');
    const theirs = join(dir, 'local.csv');
    const seen: Progress[] = [];
    server.requests.length = 0;
    const rows = await exportSurfaceToFile(remote, BIG, { format: 'csv' }, mine, { onProgress: (p) => seen.push(p) });
    expect(server.count('GET', `/v1/topics/${BIG}/surface/export`)).toBe(1);
    expect(server.requests.filter((r) => r.endsWith('/surface'))).toEqual([]);
    expect(rows).toBe(ROWS);
    expect(await exportSurfaceToFile(servicesFor(store), BIG, { format: 'csv' }, theirs)).toBe(ROWS);
    // Byte for byte (compared as strings: a deep equality over megabytes of a Buffer is slow).
    expect(readFileSync(mine, 'latin1')).toBe(readFileSync(theirs, 'latin1'));
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.at(-1)).toEqual({ done: ROWS, total: ROWS, unit: 'rows', phase: 'exporting' });
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.done).toBeGreaterThanOrEqual(seen[i - 1]!.done);
  });

  it('cancels mid-transfer with CANCELLED and leaves no file', async () => {
    const ac = new AbortController();
    const exp = await remote.exportSurface(BIG, { format: 'ndjson' }, { signal: ac.signal });
    let chunks = 0;
    const read = (async () => {
      for await (const _ of exp) if (++chunks === 2) ac.abort();
    })();
    expect(await codeOf(read)).toBe('CANCELLED');
    expect(exp.rows).toBeLessThan(ROWS);

    const file = join(dir, 'cancelled.csv');
    const ac2 = new AbortController();
    const saving = exportSurfaceToFile(remote, BIG, { format: 'csv' }, file, {
      signal: ac2.signal,
      onProgress: (p) => p.done > 0 && ac2.abort(),
    });
    expect(await codeOf(saving)).toBe('CANCELLED');
    expect(readdirSync(dir).filter((f) => f.startsWith('cancelled.csv'))).toEqual([]);
  });

  describe('a transfer cut short', () => {
    let raw: Server;
    let url: string;
    let mode: 'drop' | 'mid-record' | 'no-header';
    beforeAll(async () => {
      raw = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' });
        if (mode === 'no-header') {
          res.end('key,seq,txn,hash,ti');
          return;
        }
        res.write('key,seq,txn,hash,time,invalid,data\r\n');
        res.write('a,1,1,h,t,false,"{""x"":""one\nline');
        if (mode === 'drop') setImmediate(() => res.socket?.destroy());
        else res.end();
      });
      raw.listen(0, '127.0.0.1');
      await once(raw, 'listening');
      const addr = raw.address();
      url = `http://127.0.0.1:${typeof addr === 'object' && addr !== null ? addr.port : 0}`;
    });
    afterAll(() => {
      raw.closeAllConnections();
      raw.close();
    });

    it.each(['drop', 'mid-record', 'no-header'] as const)('(%s) is UNAVAILABLE, never a short file', async (m) => {
      mode = m;
      const client = openHttpStore({ url });
      try {
        const exp = await servicesFor(client).exportSurface('t', { format: 'csv' });
        expect(await codeOf(collect(exp))).toBe('UNAVAILABLE');
        const file = join(dir, `cut-${m}.csv`);
        expect(await codeOf(exportSurfaceToFile(servicesFor(client), 't', { format: 'csv' }, file))).toBe(
          'UNAVAILABLE',
        );
        expect(existsSync(file)).toBe(false);
        expect(readdirSync(dir).filter((f) => f.startsWith(`cut-${m}`))).toEqual([]);
      } finally {
        await client.close();
      }
    });
  });
});
