/**
 * The routes added for the app and the operator, against a real server: surface export (CSV and
 * NDJSON, every row across pages, quoting, raw view), preview-invalidate, sample data, the write
 * metrics, the static UI (files, SPA fallback, CSP on HTML, no escaping the root, 404 for missing
 * assets) and graceful close ending SSE streams.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src-core/model/canonical';
import type { SurfaceRow } from '../../src-core/model/types';
import { startServer } from '../../src-core/server/index';
import { call, errorOf, startTestServer, tempDir, type TestServer } from './helpers';

let s: TestServer;
let ui: string;

beforeAll(async () => {
  ui = tempDir('tidemark-ui-');
  mkdirSync(join(ui, 'assets'));
  writeFileSync(
    join(ui, 'index.html'),
    '<!doctype html><title>Tidemark</title><script type="module" src="/assets/app.js"></script>',
  );
  writeFileSync(join(ui, 'assets', 'app.js'), 'console.log("app")');
  s = await startTestServer({ staticDir: ui });
  // 12,345 keys in several transactions: more than one export page of 10,000.
  for (let t = 0; t < 5; t++) {
    await s.store.append('exp', {
      events: Array.from({ length: 2469 }, (_, i) => ({
        key: `k${String(t * 2469 + i).padStart(5, '0')}`,
        data: { n: t * 2469 + i },
      })),
    });
  }
  await s.store.append('exp', { events: [{ key: 'odd, "quoted"\nkey', data: { text: 'a,b "c"' } }] });
  await s.store.append('exp', { events: [{ key: 'k00000', data: { n: -1 } }] });
  await s.store.invalidate('exp', 7, 'wrong');
});
afterAll(async () => {
  await s.close();
  rmSync(ui, { recursive: true, force: true });
});

describe('surface export', () => {
  it('streams every row as CSV with the agreed columns and RFC 4180 quoting', async () => {
    const a = await call(`${s.url}/v1/topics/exp/surface/export?format=csv`);
    expect(a.status).toBe(200);
    expect(a.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(a.headers.get('content-disposition')).toBe('attachment; filename="exp-surface.csv"');
    const rows = parse<Record<string, string>>(a.text, { columns: true });
    expect(Object.keys(rows[0]!)).toEqual(['key', 'seq', 'txn', 'hash', 'time', 'invalid', 'data']);
    expect(rows).toHaveLength(12_346);
    const odd = rows.find((r) => r.key === 'odd, "quoted"\nkey')!;
    expect(JSON.parse(odd.data!)).toEqual({ text: 'a,b "c"' });
    expect(rows.find((r) => r.key === 'k00000')).toMatchObject({
      data: canonicalJson({ n: 0 }),
      invalid: 'false',
      txn: '1',
    });
  });

  it('NDJSON gives SurfaceRows; view=raw flags invalid rows; prefix narrows', async () => {
    const a = await call(`${s.url}/v1/topics/exp/surface/export?format=ndjson&view=raw&prefix=k0000`);
    expect(a.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const rows = a.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as SurfaceRow);
    expect(rows.map((r) => r.key)).toEqual([
      'k00000',
      'k00001',
      'k00002',
      'k00003',
      'k00004',
      'k00005',
      'k00006',
      'k00007',
      'k00008',
      'k00009',
    ]);
    expect(rows[0]).toMatchObject({ data: { n: -1 }, invalid: true, txn: 7 });
  });

  it('asOfTxn gives the surface after that transaction', async () => {
    const a = await call(`${s.url}/v1/topics/exp/surface/export?format=ndjson&asOfTxn=1`);
    expect(a.text.trim().split('\n')).toHaveLength(2469);
  });

  it('an unknown topic exports an empty CSV (header only)', async () => {
    const a = await call(`${s.url}/v1/topics/none/surface/export?format=csv`);
    expect(a.status).toBe(200);
    expect(a.text).toBe('key,seq,txn,hash,time,invalid,data\r\n');
  });
});

describe('preview-invalidate, sample, metrics', () => {
  const m = async (): Promise<Record<string, number>> => {
    const text = (await call(`${s.url}/metrics`)).text;
    const out: Record<string, number> = {};
    for (const name of ['events_written', 'txns_written', 'duplicates', 'invalidations']) {
      out[name] = Number(new RegExp(`^tidemark_${name}_total (\\d+)`, 'm').exec(text)?.[1]);
    }
    return out;
  };
  it('previews what invalidating a transaction would change, without writing', async () => {
    const before = await s.store.topicInfo('exp');
    const a = await call(`${s.url}/v1/topics/exp/txns/1/preview-invalidate?limit=3`);
    expect(a.status).toBe(200);
    const p = a.body as {
      topic: string;
      txn: number;
      rows: { key: string }[];
      keysTouched: number;
      truncated: boolean;
    };
    expect(p).toMatchObject({ topic: 'exp', txn: 1, keysTouched: 2469, truncated: true });
    expect(p.rows).toHaveLength(3);
    expect(await s.store.topicInfo('exp')).toEqual(before);
    const bad = await call(`${s.url}/v1/topics/exp/txns/1/preview-invalidate?limit=0`);
    expect(errorOf(bad).message).toMatch(/limit:/);
  });

  it('POST /v1/sample loads the demo topic, counted in the write metrics', async () => {
    const before = await m();
    const a = await call(`${s.url}/v1/sample`, { method: 'POST' });
    expect(a.status).toBe(200);
    expect(a.body).toEqual({ topic: 'demo.trades' });
    const info = await s.store.topicInfo('demo.trades');
    expect(info.events).toBeGreaterThan(1000);
    const after = await m();
    // Every log entry is a stored event or the one invalidation marker; every txn but the marker's is a write.
    expect(after.invalidations! - before.invalidations!).toBe(1);
    expect(after.events_written! - before.events_written!).toBe(info.events - 1);
    expect(after.txns_written! - before.txns_written!).toBe(info.maxTxn - 1);
  });

  it('re-publish routes: a preview writes nothing, the re-publish is counted in the write metrics, bad bodies refused', async () => {
    await call(`${s.url}/v1/topics/rep/txns`, { method: 'POST', body: '{"events":[{"key":"a","data":1}]}' });
    await call(`${s.url}/v1/topics/rep/txns`, { method: 'POST', body: '{"events":[{"key":"a","data":2}]}' });
    await call(`${s.url}/v1/topics/rep/txns/2/invalidate`, { method: 'POST', body: '{"reason":"x"}' });
    const p = await call(`${s.url}/v1/topics/rep/txns/2/preview-republish`);
    expect(p.body).toMatchObject({ writes: 1, skips: 0, asOf: { maxSeq: 3, maxTxn: 3 } });
    const url = `${s.url}/v1/topics/rep/txns/2/republish`;
    expect(errorOf(await call(url, { method: 'POST', body: '{"nope":1}' })).message).toMatch(/^nope: unknown field/);
    expect(errorOf(await call(url, { method: 'POST', body: '{"note":""}' })).message).toMatch(/^note: must be/);
    expect(errorOf(await call(url, { method: 'POST', body: '{"by":"x"}' })).message).toMatch(
      /^by: is set by the server/,
    );
    expect((await s.store.topicInfo('rep')).maxSeq).toBe(3);
    const before = await m();
    const a = await call(url, { method: 'POST', body: '{"expectMaxSeq":3}' });
    expect(a.body).toEqual({ topic: 'rep', target: 2, txn: 4, written: 1, skipped: 0 });
    const after = await m();
    expect(after.events_written! - before.events_written!).toBe(1);
    expect(after.txns_written! - before.txns_written!).toBe(1);
  });

  it('counts events, duplicates, transactions and invalidations written through the API', async () => {
    const before = await m();
    await call(`${s.url}/v1/topics/met/txns`, {
      method: 'POST',
      body: '{"events":[{"key":"a","data":1},{"key":"b","data":2}]}',
    });
    await call(`${s.url}/v1/topics/met/txns`, { method: 'POST', body: '{"events":[{"key":"a","data":1}]}' });
    await call(`${s.url}/v1/topics/met/txns/1/invalidate`, { method: 'POST', body: '{"reason":"x"}' });
    const after = await m();
    expect(after.events_written! - before.events_written!).toBe(2);
    expect(after.txns_written! - before.txns_written!).toBe(1);
    expect(after.duplicates! - before.duplicates!).toBe(1);
    expect(after.invalidations! - before.invalidations!).toBe(1);
    expect((await call(`${s.url}/metrics`)).text).toMatch(
      /tidemark_http_request_duration_seconds_bucket\{le="[0-9.]+",route="\/v1\/topics\/:topic\/txns",method="POST",status="200"\}/,
    );
  });
});

describe('static UI', () => {
  it('serves index.html at / with a strict CSP', async () => {
    const a = await call(`${s.url}/`);
    expect(a.status).toBe(200);
    expect(a.headers.get('content-type')).toMatch(/^text\/html/);
    expect(a.text).toContain('<title>Tidemark</title>');
    const csp = a.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it('serves assets with their type and a long cache, and 404s a missing asset', async () => {
    const a = await call(`${s.url}/assets/app.js`);
    expect(a.status).toBe(200);
    expect(a.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(a.headers.get('cache-control')).toMatch(/immutable/);
    expect((await call(`${s.url}/assets/nope.js`)).status).toBe(404);
  });

  it('falls back to index.html for app routes (SPA)', async () => {
    const a = await call(`${s.url}/topics/exp/surface`);
    expect(a.status).toBe(200);
    expect(a.text).toContain('<title>Tidemark</title>');
    // relative asset URLs from such a page resolve to the root's assets
    expect((await call(`${s.url}/topics/exp/assets/app.js`)).text).toBe('console.log("app")');
  });

  it('never serves a file outside the static root', async () => {
    for (const p of ['/..%2f..%2fetc%2fpasswd', '/assets/..%2f..%2f..%2fpackage.json', '/%2e%2e/%2e%2e/etc/passwd']) {
      const a = await call(`${s.url}${p}`);
      expect(a.text).not.toMatch(/root:|"name"/);
    }
  });

  it('unknown /v1 paths stay JSON 404s, not the SPA', async () => {
    const a = await call(`${s.url}/v1/unknown`);
    expect(a.status).toBe(404);
    expect(errorOf(a).code).toBe('NOT_FOUND');
  });
});

describe('close', () => {
  it('ends open SSE streams and resolves', async () => {
    const dir = tempDir();
    const { openSqliteStore } = await import('../../src-core/store/sqlite/index');
    const store = openSqliteStore(join(dir, 'c.db'));
    const server = await startServer({ store, port: 0 });
    const res = await fetch(`${server.url}/v1/topics/x/events/stream`);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read(); // ": connected"
    await server.close();
    let done = false;
    while (!done) done = (await reader.read()).done;
    expect(done).toBe(true);
    await store.close();
  });

  it('lets a response in flight finish during close', async () => {
    const dir = tempDir();
    const { openSqliteStore } = await import('../../src-core/store/sqlite/index');
    const store = openSqliteStore(join(dir, 'k.db'));
    await store.append('big', {
      events: Array.from({ length: 5000 }, (_, i) => ({ key: `k${i}`, data: 'v'.repeat(200) })),
    });
    const server = await startServer({ store, port: 0 });
    const agent = new Agent({ keepAlive: true, keepAliveMsecs: 60_000 });
    try {
      const body = await new Promise<string>((resolve, reject) => {
        const req = request(`${server.url}/v1/topics/big/surface/export?format=ndjson`, { agent }, (res) => {
          // Headers are out (keep-alive), the body is still streaming: now shut down.
          const closing = server.close();
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          res.on('end', () => void closing.then(() => resolve(text), reject));
        });
        req.on('error', reject);
        req.end();
      });
      expect(body.trim().split('\n')).toHaveLength(5000); // the in-flight export finished
    } finally {
      agent.destroy();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('does not wait for a connected client that never sends a request (Node leaves such sockets open)', async () => {
    const dir = tempDir();
    const { openSqliteStore } = await import('../../src-core/store/sqlite/index');
    const store = openSqliteStore(join(dir, 'n.db'));
    const server = await startServer({ store, port: 0 });
    const silent = connect(Number(new URL(server.url).port), '127.0.0.1');
    await new Promise<void>((r) => silent.once('connect', () => r()));
    try {
      const outcome = await Promise.race([
        server.close().then(() => 'closed'),
        new Promise<string>((r) => setTimeout(() => r('still open after 20 s'), 20_000)),
      ]);
      expect(outcome).toBe('closed');
    } finally {
      silent.destroy();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
