/**
 * POST /v1/topics/:topic/diff on the real HTTP server (startServer, port 0, real SQLite store):
 * the three content types (streamed uploads included), query options, the NDJSON streaming
 * response, errors in the API envelope with their status (bad type, bad snapshot naming the
 * record, bad query, too large), and auth (the read role is enough).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src-core/server/index';
import type { DiffResult, DiffRow } from '../../src-core/model/types';
import type { EventStore } from '../../src-core/store/types';
import { sqliteStore, tempDir } from './helpers';

let dir: { dir: string; cleanup: () => void };
let store: EventStore;
let server: { url: string; close(): Promise<void> };
const READ = 'reader-token';

beforeAll(async () => {
  dir = tempDir();
  store = sqliteStore(dir.dir);
  await store.append('trades', {
    events: [
      { key: 'T-1', data: { qty: 5, px: '101.5' } },
      { key: 'T-2', data: { qty: 7, px: '99' } },
      { key: 'T-3', data: { qty: 1, px: '1' } },
    ],
  });
  // The error cases below run at once: room for all of them (the cap has its own tests).
  server = await startServer({ store, port: 0, tokens: new Map([[READ, 'read']]), diffLimit: 4096, maxDiffs: 16 });
});
afterAll(async () => {
  await server.close();
  await store.close();
  dir.cleanup();
});

function post(
  body: string | ReadableStream<Uint8Array>,
  contentType: string | null,
  query = '',
  headers: Record<string, string> = {},
  topic = 'trades',
): Promise<Response> {
  const h: Record<string, string> = { authorization: `Bearer ${READ}`, ...headers };
  if (contentType !== null) h['content-type'] = contentType;
  const init: RequestInit & { duplex?: 'half' } = { method: 'POST', headers: h, body };
  if (body instanceof ReadableStream) init.duplex = 'half';
  return fetch(`${server.url}/v1/topics/${topic}/diff${query}`, init);
}

function streamOf(...parts: string[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  let i = 0;
  return new ReadableStream({
    pull(c) {
      if (i < parts.length) c.enqueue(enc.encode(parts[i++]));
      else c.close();
    },
  });
}

const CSV = 'key,qty,px\r\nT-1,5,101.5\r\nT-2,8,99\r\nT-4,1,1\r\n';

describe('POST /v1/topics/:topic/diff', () => {
  it('diffs a CSV body', async () => {
    const res = await post(CSV, 'text/csv');
    expect(res.status).toBe(200);
    const r = (await res.json()) as DiffResult;
    expect(r.summary).toEqual({
      equal: 1,
      different: 1,
      missingInStore: 1,
      missingInSnapshot: 1,
      snapshotRecords: 3,
      surfaceRows: 3,
    });
    expect(r.rows.map((x) => [x.key, x.status, x.fields])).toEqual([
      ['T-2', 'different', ['qty']],
      ['T-3', 'missingInSnapshot', []],
      ['T-4', 'missingInStore', []],
    ]);
    expect(r.rows[0]!.store).toMatchObject({ key: 'T-2', seq: 2, txn: 1, data: { qty: 7, px: '99' } });
    expect(r.truncated).toBe(false);
  });

  it('streams JSON and NDJSON uploads split across chunks, with charset parameters', async () => {
    const json = await post(
      streamOf('[{"id":"T-1","qty":5,"px":"101', '.5"},{"id":"T-2","qty":7,', '"px":"99"}]'),
      'application/json; charset=utf-8',
      '?key=id',
    );
    expect(json.status).toBe(200);
    expect(((await json.json()) as DiffResult).summary).toMatchObject({ equal: 2, missingInSnapshot: 1 });
    const nd = await post(streamOf('{"key":"T-1","qty":5}\n{"key":"T-', '3","qty":2}\n'), 'application/x-ndjson');
    expect(((await nd.json()) as DiffResult).summary).toMatchObject({ equal: 1, different: 1, missingInSnapshot: 1 });
  });

  it('honours fields, ignore, limit and format', async () => {
    const only = (await (await post(CSV, 'text/csv', '?fields=px')).json()) as DiffResult;
    expect(only.summary).toMatchObject({ equal: 2, different: 0 });
    const ign = (await (await post(CSV, 'text/csv', '?ignore=qty')).json()) as DiffResult;
    expect(ign.summary).toMatchObject({ equal: 2, different: 0 });
    const lim = (await (await post(CSV, 'text/csv', '?limit=1')).json()) as DiffResult;
    expect(lim.rows.map((x) => x.key)).toEqual(['T-2']);
    expect(lim.truncated).toBe(true);
    const fmt = await post(CSV, 'application/octet-stream', '?format=csv');
    expect(fmt.status).toBe(200);
  });

  it('streams every row as NDJSON when asked, then the summary', async () => {
    const res = await post(CSV, 'text/csv', '?limit=1', { accept: 'application/x-ndjson' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { row?: DiffRow; summary?: unknown; truncated?: boolean });
    expect(lines.slice(0, -1).map((l) => l.row!.key)).toEqual(['T-2', 'T-3', 'T-4']);
    expect(lines.at(-1)).toMatchObject({ summary: { different: 1, equal: 1 }, truncated: false });
  });

  it('answers errors in the envelope with the status of their code', async () => {
    const cases: [Promise<Response>, number, string, RegExp][] = [
      [post('a', 'text/plain'), 400, 'BAD_REQUEST', /content-type: "text\/plain" is not a snapshot type/],
      [post('key,qty\nA,1\nA,2\n', 'text/csv'), 400, 'BAD_REQUEST', /record 2 \(line 3\): duplicate key "A"/],
      [post('{"qty":1}\n', 'application/x-ndjson'), 400, 'BAD_REQUEST', /record 1 \(line 1\): has no "key" field/],
      [post('{"a":1}', 'application/json'), 400, 'BAD_REQUEST', /top level must be an array/],
      [post(CSV, 'text/csv', '?limit=x'), 400, 'BAD_REQUEST', /limit: must be an integer from 0 to 100000/],
      [post(CSV, 'text/csv', '?fields=a,,b'), 400, 'BAD_REQUEST', /fields: an empty name/],
      [post(CSV, 'text/csv', '', {}, 'bad%20topic'), 400, 'BAD_REQUEST', /topic/],
      [post('x'.repeat(5000), 'text/csv'), 413, 'TOO_LARGE', /larger than the diff limit of 4096 bytes/],
    ];
    for (const [p, status, code, message] of cases) {
      const res = await p;
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect([res.status, body.error.code]).toEqual([status, code]);
      expect(body.error.message).toMatch(message);
    }
  });

  it('counts bytes of a body sent without Content-Length', async () => {
    const res = await post(
      streamOf('key,qty\n', ...Array.from({ length: 50 }, (_, i) => `K${i},${'9'.repeat(100)}\n`)),
      'text/csv',
    );
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('TOO_LARGE');
  });

  it('keeps serving other requests while a long diff runs', async () => {
    // 60,000 records: more than the 4 KiB limit of the shared server, so a second server with
    // the default diff limit. Client and server share this event loop: if the diff blocked it,
    // the health check could only be sent after the diff had answered.
    const big = await startServer({ store, port: 0 });
    try {
      const parts = ['key,qty\n'];
      for (let i = 0; i < 60; i++) {
        let s = '';
        for (let j = 0; j < 1000; j++) s += `X-${i * 1000 + j},${j}\n`;
        parts.push(s);
      }
      const order: string[] = [];
      const diff = fetch(`${big.url}/v1/topics/trades/diff`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: parts.join(''),
      }).then(async (res) => {
        order.push('diff');
        return (await res.json()) as DiffResult;
      });
      // Once the diff is under way, a health check must still be answered before it ends.
      await new Promise((r) => setTimeout(r, 50));
      const health = await fetch(`${big.url}/v1/health`);
      order.push('health');
      expect(health.status).toBe(200);
      const r = await diff;
      expect(r.summary.missingInStore).toBe(60_000);
      expect(order).toEqual(['health', 'diff']);
    } finally {
      await big.close();
    }
  });

  it('an empty body is an empty snapshot; the read role is enough, no token is 401', async () => {
    const empty = (await (await post('', 'text/csv')).json()) as DiffResult;
    expect(empty.summary).toMatchObject({ snapshotRecords: 0, missingInSnapshot: 3 });
    const anon = await fetch(`${server.url}/v1/topics/trades/diff`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: CSV,
    });
    expect(anon.status).toBe(401);
  });
});
