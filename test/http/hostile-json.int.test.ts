/**
 * Hostile JSON against a real server (docs/http.md "JSON bodies", docs/security.md): nesting too
 * deep (at the boundary, 10,000 and 1,000,000 levels), duplicate member names, numbers beyond
 * ±2^53 and invalid UTF-8 are each a 400 naming the field, and the store is unchanged afterwards;
 * in a batch, data nested too deeply fails its own transaction (`error.index`, the earlier ones
 * applied) while a body that is not well-formed as a whole is refused whole. Then data stored
 * before the limits existed (values 5,000 and 100,000 levels deep put into a SQLite file by raw
 * SQL) is read through every read route, exported, tailed over SSE and diffed without a 500.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../src-core/model/limits';
import type { StoredEvent } from '../../src-core/model/types';
import { type RunningServer, startServer } from '../../src-core/server/index';
import { type SqliteEventStore, openSqliteStore } from '../../src-core/store/sqlite/index';
import { type Answer, type TestServer, call, errorOf, snapshot, startTestServer, tempDir } from './helpers';

const MAX = LIMITS.jsonDepthMax;
const nestedArrays = (n: number, inner = '1'): string => '['.repeat(n) + inner + ']'.repeat(n);
const nestedObjects = (n: number, inner = '1'): string => '{"a":'.repeat(n) + inner + '}'.repeat(n);
const txnBody = (data: string): string => `{"events":[{"key":"k","data":${data}}]}`;

describe('hostile JSON bodies', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
    await s.store.append('t', { events: [{ key: 'seed', data: 1 }] });
  });
  afterAll(() => s.close());

  const post = (path: string, body: string | Uint8Array): Promise<Answer> =>
    call(`${s.url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });

  /** Posts `body`, expects a 400 whose message matches, and that no topic changed. */
  async function refused(path: string, body: string | Uint8Array, message: RegExp | string): Promise<void> {
    const before = await snapshot(s.store);
    const a = await post(path, body);
    expect(a.status, a.text.slice(0, 300)).toBe(400);
    const e = errorOf(a);
    expect(e.code).toBe('BAD_REQUEST');
    if (typeof message === 'string') expect(e.message).toBe(message);
    else expect(e.message).toMatch(message);
    expect(await snapshot(s.store)).toEqual(before);
  }

  describe('nesting depth', () => {
    it('event data of exactly 128 levels is stored and read back; 129 is a 400 naming the field', async () => {
      const ok = await post('/v1/topics/deep/txns', txnBody(nestedArrays(MAX)));
      expect(ok.status).toBe(200);
      const page = await call(`${s.url}/v1/topics/deep/events`);
      expect((page.body as { events: StoredEvent[] }).events[0]!.data).toEqual(JSON.parse(nestedArrays(MAX)));
      await refused(
        '/v1/topics/deep/txns',
        txnBody(nestedObjects(MAX + 1)),
        /^events\[0\]\.data(\.a){7}…(\.a){4}: nesting deeper than 128 levels$/,
      );
    });

    it.each([10_000, 1_000_000])('%i levels is a 400, never a 500', async (n) => {
      await refused(
        '/v1/topics/deep/txns',
        txnBody(nestedArrays(n)),
        /^events\[0\]\.data\[0\].*: nesting deeper than 128 levels$/,
      );
      await refused('/v1/topics/deep/txns', txnBody(nestedObjects(n)), /^events\[0\]\.data\.a.*: nesting deeper/);
      // Nesting outside the data, too: every member of a body gets the same limit.
      await refused('/v1/topics/deep/txns', `{"events":[{"key":"k","data":1}],"x":${nestedArrays(n)}}`, /^x\[0\]/);
      await refused(
        '/v1/topics/t/txns/1/invalidate',
        `{"reason":${nestedArrays(n, '"r"')}}`,
        /^reason\[0\].*: nesting deeper/,
      );
    });

    it('in a batch: the transaction holding it fails with error.index, the ones before it are applied', async () => {
      for (const depth of [MAX + 1, 10_000, 1_000_000]) {
        const before = await s.store.topicInfo('t');
        const body = `{"txns":[{"topic":"t","events":[{"key":"b${depth}","data":1}]},{"topic":"t","events":[{"key":"x","data":2},{"key":"y","data":${nestedArrays(depth)}}]},{"topic":"t","events":[{"key":"z","data":3}]}]}`;
        const a = await post('/v1/batch', body);
        expect(a.status).toBe(200);
        const res = a.body as { results: { txn: number }[]; error: Record<string, unknown> | null };
        expect(res.results).toHaveLength(1);
        const { message, ...rest } = res.error ?? {};
        expect(rest).toEqual({ index: 1, status: 400, code: 'BAD_REQUEST' });
        expect(message).toMatch(/^txns\[1\]\.events\[1\]\.data\[0\].*: nesting deeper than 128 levels$/);
        const after = await s.store.topicInfo('t');
        expect(after.maxTxn).toBe(before.maxTxn + 1);
        expect(after.maxSeq).toBe(before.maxSeq + 1);
        const last = await s.store.readEvents('t', { order: 'desc', limit: 1 });
        expect(last.events[0]!.key).toBe(`b${depth}`);
      }
    });

    it('in a batch: exactly 128 levels is applied; too deep in the first transaction applies nothing', async () => {
      const ok = await post(
        '/v1/batch',
        `{"txns":[{"topic":"t","events":[{"key":"b128","data":${nestedObjects(MAX)}}]}]}`,
      );
      expect((ok.body as { error: unknown }).error).toBeNull();
      const before = await snapshot(s.store);
      const a = await post(
        '/v1/batch',
        `{"txns":[{"topic":"t","events":[{"key":"q","data":${nestedObjects(MAX + 1)}}]}]}`,
      );
      expect(a.body).toMatchObject({ results: [], error: { index: 0, status: 400, code: 'BAD_REQUEST' } });
      expect(await snapshot(s.store)).toEqual(before);
    });

    it('in a batch: too deep outside any transaction refuses the whole request', async () => {
      await refused(
        '/v1/batch',
        `{"txns":[{"topic":"t","events":[{"key":"w","data":1}]}],"junk":${nestedArrays(5000)}}`,
        /^junk\[0\].*: nesting deeper than 128 levels$/,
      );
    });
  });

  describe('duplicate member names', () => {
    it.each([
      ['{"events":[{"key":"k","data":{"x":1,"x":2}}]}', 'events[0].data: duplicate member name "x"'],
      ['{"events":[{"key":"k","data":1}],"events":[{"key":"j","data":1}]}', 'body: duplicate member name "events"'],
      ['{"events":[{"key":"k","key":"j","data":1}]}', 'events[0]: duplicate member name "key"'],
      ['{"events":[{"key":"k","data":{"a":1,"\\u0061":2}}]}', 'events[0].data: duplicate member name "a"'],
    ])('%s', async (body, message) => {
      await refused('/v1/topics/t/txns', body, message);
    });

    it('anywhere in a batch refuses the whole batch: nothing of it is applied', async () => {
      await refused(
        '/v1/batch',
        '{"txns":[{"topic":"t","events":[{"key":"d1","data":1}]},{"topic":"t","events":[{"key":"d2","data":{"q":1,"q":2}}]}]}',
        'txns[1].events[0].data: duplicate member name "q"',
      );
      await refused(
        '/v1/topics/t/txns/1/invalidate',
        '{"reason":"a","reason":"b"}',
        'body: duplicate member name "reason"',
      );
    });
  });

  describe('numbers beyond ±2^53', () => {
    it.each([
      ['9007199254740993', 'integer 9007199254740993 cannot be carried exactly; send it as a string'],
      ['-9007199254740992', 'integer -9007199254740992 cannot be carried exactly; send it as a string'],
      [
        '9007199254740993.0',
        'number 9007199254740993.0 is beyond ±9007199254740991 (2^53 - 1) and cannot be carried exactly; send it as a string',
      ],
      [
        '1e400',
        'number 1e400 is beyond ±9007199254740991 (2^53 - 1) and cannot be carried exactly; send it as a string',
      ],
      ['1e-400', 'number 1e-400 is too small to be carried (it would become 0); send it as a string'],
    ])('%s is a 400 naming the field', async (lit, message) => {
      await refused(
        '/v1/topics/t/txns',
        `{"events":[{"key":"n","data":{"id":[${lit}]}}]}`,
        `events[0].data.id[0]: ${message}`,
      );
      await refused(
        '/v1/batch',
        `{"txns":[{"topic":"t","events":[{"key":"n1","data":1}]},{"topic":"t","events":[{"key":"n2","data":${lit}}]}]}`,
        `txns[1].events[0].data: ${message}`,
      );
    });

    it('±(2^53 - 1) and ordinary doubles are stored exactly', async () => {
      const a = await post(
        '/v1/topics/nums/txns',
        '{"events":[{"key":"n","data":[9007199254740991,-9007199254740991,0.1,1.5e-300]}]}',
      );
      expect(a.status).toBe(200);
      const page = await call(`${s.url}/v1/topics/nums/events`);
      expect(page.text).toContain('"data":[9007199254740991,-9007199254740991,0.1,1.5e-300]');
    });
  });

  describe('invalid UTF-8', () => {
    const body = (bad: number[]): Uint8Array =>
      Buffer.concat([Buffer.from('{"events":[{"key":"u","data":"é'), Buffer.from(bad), Buffer.from('"}]}')]);
    // '{"events":[{"key":"u","data":"' is 30 bytes and "é" two more: the bad bytes start at 32.
    it.each([
      ['a lone 0xFF', [0xff]],
      ['an overlong "/"', [0xc0, 0xaf]],
      ['an encoded surrogate', [0xed, 0xa0, 0x80]],
      ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
      ['a cut-off character', [0xe2, 0x82]],
    ])('%s is a 400 naming the byte', async (_name, bad) => {
      await refused('/v1/topics/t/txns', body(bad), 'body: is not valid UTF-8 (at byte 32)');
    });

    it('a character cut off at the very end, and in a batch, refuse the whole body', async () => {
      await refused('/v1/topics/t/txns', Buffer.from([0x7b, 0xe2]), 'body: is not valid UTF-8 (at byte 1)');
      const batch = Buffer.concat([
        Buffer.from(
          '{"txns":[{"topic":"t","events":[{"key":"v1","data":1}]},{"topic":"t","events":[{"key":"v2","data":"',
        ),
        Buffer.from([0xff]),
        Buffer.from('"}]}]}'),
      ]);
      await refused('/v1/batch', batch, /^body: is not valid UTF-8 \(at byte \d+\)$/);
    });

    it('well-formed multi-byte text is stored unchanged', async () => {
      const a = await post('/v1/topics/text/txns', Buffer.from('{"events":[{"key":"é😀","data":"中\\n😀"}]}'));
      expect(a.status).toBe(200);
      const page = await call(`${s.url}/v1/topics/text/events`);
      expect((page.body as { events: StoredEvent[] }).events[0]).toMatchObject({ key: 'é😀', data: '中\n😀' });
    });
  });
});

describe('data stored before the limits existed stays readable', () => {
  const DEEP5K = nestedObjects(5000, '{"v":1}');
  const DEEP100K = nestedArrays(100_000, '{"v":2}');
  let dir: string;
  let store: SqliteEventStore;
  let server: RunningServer;
  let url: string;

  beforeAll(async () => {
    dir = tempDir('tidemark-legacy-');
    const file = join(dir, 'legacy.db');
    const first = openSqliteStore(file);
    await first.append('legacy', {
      events: [
        { key: 'deep5k', data: { v: 0 } },
        { key: 'deep100k', data: { v: 0 } },
        { key: 'plain', data: { a: 1 } },
      ],
    });
    await first.close();
    // What an older version (or a hand edit) could have stored: the stored text, not the hash.
    const db = new Database(file);
    db.prepare('UPDATE events SET data = ? WHERE key = ?').run(DEEP5K, 'deep5k');
    db.prepare('UPDATE events SET data = ? WHERE key = ?').run(DEEP100K, 'deep100k');
    db.close();
    store = openSqliteStore(file);
    server = await startServer({ store, port: 0 });
    url = server.url;
  });
  afterAll(async () => {
    await server.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A GET that must be a 200 whose text holds both deep values (as `expect` says). */
  async function readsBoth(path: string, expect5k = DEEP5K, expect100k = DEEP100K): Promise<string> {
    const a = await call(`${url}${path}`);
    expect(a.status, a.text.slice(0, 300)).toBe(200);
    expect(a.text).toContain(expect5k);
    expect(a.text).toContain(expect100k);
    return a.text;
  }

  it('events, transaction detail and surface answer 200 with the values as stored', async () => {
    await readsBoth('/v1/topics/legacy/events');
    await readsBoth('/v1/topics/legacy/events?order=desc');
    await readsBoth('/v1/topics/legacy/txns/1');
    await readsBoth('/v1/topics/legacy/surface');
    await readsBoth('/v1/topics/legacy/surface?view=raw');
    // The engine itself reads them too (JSON.parse is not recursive).
    const page = await store.readEvents('legacy');
    expect(page.events).toHaveLength(3);
  });

  it('exports as NDJSON and CSV', async () => {
    await readsBoth('/v1/topics/legacy/surface/export?format=ndjson');
    const quoted = (t: string): string => t.replace(/"/g, '""');
    await readsBoth('/v1/topics/legacy/surface/export?format=csv', quoted(DEEP5K), quoted(DEEP100K));
  });

  it('tails over SSE', async () => {
    const ac = new AbortController();
    const res = await fetch(`${url}/v1/topics/legacy/events/stream`, { signal: ac.signal });
    expect(res.status).toBe(200);
    const dec = new TextDecoder();
    let text = '';
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      text += dec.decode(chunk, { stream: true });
      if ((text.match(/^id: /gm) ?? []).length >= 3) break;
    }
    ac.abort();
    expect(text).toContain(`id: 1\ndata: `);
    expect(text).toContain(DEEP5K);
    expect(text).toContain(DEEP100K);
  });

  it('diffs against JSON, NDJSON and CSV snapshots (rows as JSON and streamed)', async () => {
    const snapshots: [string, string][] = [
      ['application/json', '[{"key":"deep5k","a":{"a":1}},{"key":"plain","a":1}]'],
      ['application/x-ndjson', '{"key":"deep5k","a":{"a":1}}\n{"key":"plain","a":1}\n'],
      ['text/csv', 'key,a\ndeep5k,x\nplain,1\n'],
    ];
    for (const [type, body] of snapshots) {
      const a = await call(`${url}/v1/topics/legacy/diff`, { method: 'POST', body, headers: { 'content-type': type } });
      expect(a.status, a.text.slice(0, 300)).toBe(200);
      const result = a.body as { summary: Record<string, number> };
      expect(result.summary).toMatchObject({ equal: 1, different: 1, missingInSnapshot: 1, surfaceRows: 3 });
      expect(a.text).toContain(DEEP100K);
      const streamed = await call(`${url}/v1/topics/legacy/diff`, {
        method: 'POST',
        body,
        headers: { 'content-type': type, accept: 'application/x-ndjson' },
      });
      expect(streamed.status).toBe(200);
      expect(streamed.text).toContain(DEEP100K);
      expect(streamed.text).toContain('"summary"');
      expect(streamed.text).not.toContain('"error"');
    }
  });

  it('new writes to the same keys still work', async () => {
    const a = await call(`${url}/v1/topics/legacy/txns`, {
      method: 'POST',
      body: '{"events":[{"key":"deep5k","data":{"v":3}},{"key":"deep100k","data":null}]}',
    });
    expect(a.status).toBe(200);
    expect((a.body as { results: { duplicate: boolean }[] }).results.map((r) => r.duplicate)).toEqual([false, false]);
  });
});
