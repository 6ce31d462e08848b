/**
 * The diff options end to end (docs/diff.md "Options"): `map`, `tolerance` and `normalise` on every
 * snapshot format through the real engine (SQLite store, spill, merge), the same options giving
 * the same result locally and over HTTP (servicesFor over a real server on 127.0.0.1:0), `asOf`
 * (the state the diff's pinned surface pages were read at: a write landing mid-diff is not seen;
 * an invalidation mid-diff is a CONFLICT), and the route's refusals of malformed options (a 400
 * naming the option, before any body byte is read).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffSnapshot } from '../../src-core/diff/index';
import type { SnapshotFormat } from '../../src-core/diff/types';
import { LIMITS } from '../../src-core/model/limits';
import type { DiffResult, DiffRow, JsonValue, SurfaceOptions } from '../../src-core/model/types';
import { startServer } from '../../src-core/server/index';
import { type ServiceDiffOptions, servicesFor } from '../../src-core/services/index';
import { openHttpStore } from '../../src-core/store/http/index';
import type { EventStore } from '../../src-core/store/types';
import { sqliteStore, tempDir, textChunks, toCsv, toJsonArray, toNdjson } from './helpers';

let dir: { dir: string; cleanup: () => void };
let store: EventStore;
let http: EventStore;
let server: { url: string; close(): Promise<void> };
const TOPIC = 'opts';

beforeAll(async () => {
  dir = tempDir();
  store = sqliteStore(dir.dir);
  await store.append(TOPIC, {
    events: [
      { key: 'A', data: { qty: 5, px: 101.5, side: 'Buy', note: { n: 'X' } } },
      { key: 'B', data: { qty: 7, px: 99, side: 'sell', note: null } },
      { key: 'C', data: { qty: 1, px: 1, side: 'buy', note: null } },
    ],
  });
  await store.append(TOPIC, { events: [{ key: 'C', data: { qty: 2, px: 1, side: 'buy', note: null } }] });
  server = await startServer({ store, port: 0 });
  http = openHttpStore({ url: server.url });
});
afterAll(async () => {
  await http.close();
  await server.close();
  await store.close();
  dir.cleanup();
});

/** The upstream file: other names (`quantity`, `price`), rounded numbers, padded and re-cased text. */
const records: Record<string, JsonValue>[] = [
  { id: 'A', quantity: 5.004, price: 101.5, side: ' BUY ' },
  { id: 'B', quantity: 7, price: 99.2, side: 'Sell' },
  { id: 'C', quantity: 2, price: 1, side: 'buy' },
];
const csvRecords = records.map((r) =>
  Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])),
);

function snapshot(format: SnapshotFormat): string {
  if (format === 'csv') return toCsv(['id', 'quantity', 'price', 'side'], csvRecords);
  return format === 'json' ? toJsonArray(records) : toNdjson(records);
}

const FORMATS: SnapshotFormat[] = ['csv', 'json', 'ndjson'];
const base: ServiceDiffOptions = { keyField: 'id', map: { quantity: 'qty', price: 'px' }, includeEqual: true };

async function diff(s: EventStore, format: SnapshotFormat, opts: ServiceDiffOptions): Promise<DiffResult> {
  return servicesFor(s).diff(TOPIC, { format, body: textChunks(snapshot(format)) }, opts);
}

const statuses = (r: DiffResult): Record<string, string> =>
  Object.fromEntries(r.rows.map((row) => [row.key, `${row.status}:${row.fields.join('+')}`]));

describe.each(FORMATS)('%s snapshot', (format) => {
  it('map renames snapshot fields; rows show the store names', async () => {
    const r = await diff(store, format, base);
    expect(statuses(r)).toEqual({ A: 'different:qty+side', B: 'different:px+side', C: 'equal:' });
    const a = r.rows.find((row) => row.key === 'A')!;
    expect(Object.keys(a.snapshot!)).toEqual(['id', 'qty', 'px', 'side']);
    // Without the map the snapshot's names are compared as they are: nothing in the store has them.
    const plain = await diff(store, format, { keyField: 'id', fields: ['quantity'] });
    expect(plain.summary.different).toBe(3);
  });

  it('tolerance: one for every field, or per field; a CSV cell counts as a number', async () => {
    expect(statuses(await diff(store, format, { ...base, tolerance: 0.01 }))).toEqual({
      A: 'different:side',
      B: 'different:px+side',
      C: 'equal:',
    });
    expect(statuses(await diff(store, format, { ...base, tolerance: { px: 0.25 } }))).toEqual({
      A: 'different:qty+side',
      B: 'different:side',
      C: 'equal:',
    });
  });

  it('normalise applies to strings on both sides', async () => {
    expect(statuses(await diff(store, format, { ...base, normalise: ['trim'] }))).toEqual({
      A: 'different:qty+side',
      B: 'different:px+side',
      C: 'equal:',
    });
    const all = await diff(store, format, { ...base, tolerance: { qty: 0.01, px: 0.2 }, normalise: ['trim', 'case'] });
    expect(all.summary).toMatchObject({ equal: 3, different: 0 });
  });

  it('the same options give the same result over HTTP', async () => {
    const opts: ServiceDiffOptions = {
      ...base,
      tolerance: { qty: 0.01 },
      normalise: ['case'],
      fields: ['qty', 'side'],
    };
    const local = await diff(store, format, opts);
    const remote = await diff(http, format, opts);
    expect(remote).toEqual(local);
    expect(statuses(local)).toEqual({ A: 'different:side', B: 'equal:', C: 'equal:' });
    // Streamed (rows through onRow) too.
    const seen: DiffRow[] = [];
    const streamed = await diff(http, format, { ...opts, onRow: (row) => void seen.push(row) });
    expect(streamed).toEqual(local);
    expect(seen).toEqual(local.rows);
  });

  it('a record (or header) holding both a mapped field and its new name is refused, naming it', async () => {
    const both = format === 'csv' ? 'id,quantity,price,qty\r\nA,1,2,3\r\n' : '{"id":"A","quantity":1,"qty":2}';
    const text = format === 'json' ? `[${both}]` : both;
    const run = servicesFor(store).diff(TOPIC, { format, body: textChunks(text) }, base);
    const where = format === 'csv' ? 'the CSV header' : 'record 1 (line 1)';
    await expect(run).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: `${where}: has both "quantity" and "qty", and map renames "quantity" to "qty"`,
    });
  });
});

describe('docs/diff.md "Options" example', () => {
  it.each([
    ['csv', 'id,quantity,price,side\r\nT-1,5.004,101.5, BUY\r\n'],
    ['json', '[{"id":"T-1","quantity":5.004,"price":101.5,"side":" BUY"}]'],
    ['ndjson', '{"id":"T-1","quantity":5.004,"price":101.5,"side":" BUY"}\n'],
  ] as const)('%s: equal with all three options, different without each', async (format, text) => {
    const topic = 'opts.docs';
    await store.append(topic, { events: [{ key: 'T-1', data: { qty: 5, px: 101.5, side: 'Buy' } }] });
    const all: ServiceDiffOptions = {
      keyField: 'id',
      map: { quantity: 'qty', price: 'px' },
      tolerance: { qty: 0.01 },
      normalise: ['trim', 'case'],
      includeEqual: true,
    };
    const run = (o: ServiceDiffOptions) => servicesFor(store).diff(topic, { format, body: textChunks(text) }, o);
    const r = await run(all);
    expect(r.rows.map((row) => row.status)).toEqual(['equal']);
    const q = format === 'csv' ? '"' : '';
    expect(JSON.stringify(r.rows[0]!.snapshot)).toBe(
      `{"id":"T-1","qty":${q}5.004${q},"px":${q}101.5${q},"side":" BUY"}`,
    );
    const { tolerance: _t, ...noTolerance } = all;
    const { normalise: _n, ...noNormalise } = all;
    const { map: _m, tolerance: _t2, ...noMap } = all;
    expect((await run(noTolerance)).rows[0]!.fields).toEqual(['qty']);
    expect((await run(noNormalise)).rows[0]!.fields).toEqual(['side']);
    expect((await run(noMap)).rows[0]!.fields).toEqual(['quantity', 'price']);
  });
});

describe('asOf', () => {
  it('names the state compared with: now, or as of a transaction, or nothing for an empty topic', async () => {
    const info = await store.topicInfo(TOPIC);
    const now = await diff(store, 'ndjson', base);
    expect(now.asOf).toEqual({ maxSeq: info.maxSeq, maxTxn: info.maxTxn });
    const past = await diff(store, 'ndjson', { ...base, asOfTxn: 1 });
    expect(past.asOf).toEqual({ maxSeq: 3, maxTxn: 1 });
    expect(statuses(past).C).toBe('different:qty');
    expect((await diff(store, 'ndjson', { ...base, asOfTxn: 99 })).asOf).toEqual(now.asOf);
    expect((await diff(store, 'ndjson', { ...base, asOfTxn: 0 })).asOf).toEqual({ maxSeq: 0, maxTxn: 0 });
    const none = await servicesFor(store).diff('no.such', { format: 'ndjson', body: textChunks('') }, {});
    expect(none.asOf).toEqual({ maxSeq: 0, maxTxn: 0 });
    expect((await diff(http, 'ndjson', { ...base, asOfTxn: 1 })).asOf).toEqual(past.asOf);
  });

  it('every surface page is read as of it: a write committed mid-diff is not seen', async () => {
    const topic = 'opts.pinned';
    await store.append(topic, { events: ['a', 'b', 'c', 'd'].map((key) => ({ key, data: { v: 1 } })) });
    const before = await store.topicInfo(topic);
    let wrote = false;
    // Every page is asked for as of the state read before the first one.
    const asked: (number | undefined)[] = [];
    const watched = new Proxy(store, {
      get(target, name, receiver) {
        const v = Reflect.get(target, name, receiver) as unknown;
        // The diff reads pages through `surfaceText` where the store has it (SQLite does), else `surface`.
        if (name === 'surface' || name === 'surfaceText') {
          return (t: string, o?: SurfaceOptions) => {
            asked.push(o?.asOfTxn);
            return (v as (t: string, o?: SurfaceOptions) => unknown).call(target, t, o);
          };
        }
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const result = await diffSnapshot(
      watched,
      topic,
      { format: 'ndjson', body: textChunks(toNdjson(['a', 'b', 'c', 'd'].map((key) => ({ key, v: 2 })))) },
      {
        pageSize: 1,
        onRow: async () => {
          if (wrote) return;
          wrote = true;
          await store.append(topic, {
            events: [
              { key: 'd', data: { v: 2 } },
              { key: 'e', data: { v: 1 } },
            ],
          });
        },
      },
    );
    expect(wrote).toBe(true);
    expect(asked.length).toBeGreaterThanOrEqual(4);
    expect(new Set(asked)).toEqual(new Set([before.maxTxn]));
    expect(result.asOf).toEqual({ maxSeq: before.maxSeq, maxTxn: before.maxTxn });
    expect(result.summary).toMatchObject({ different: 4, equal: 0, missingInSnapshot: 0, surfaceRows: 4 });
  });

  it('a transaction invalidated mid-diff fails the diff with CONFLICT (its rows could mix two states)', async () => {
    const topic = 'opts.invalidated';
    await store.append(topic, { events: [{ key: 'a', data: 1 }] });
    await store.append(topic, { events: ['b', 'c', 'd'].map((key) => ({ key, data: 2 })) });
    let done = false;
    const run = diffSnapshot(
      store,
      topic,
      { format: 'ndjson', body: textChunks(toNdjson(['a', 'b', 'c', 'd'].map((key) => ({ key, value: 9 })))) },
      {
        pageSize: 1,
        onRow: async () => {
          if (done) return;
          done = true;
          await store.invalidate(topic, 2, 'mid-diff');
        },
      },
    );
    const err = await run.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'CONFLICT' });
    expect((err as Error).message).toMatch(/was invalidated while the diff read the surface.*run the diff again/);
  });
});

describe('the route', () => {
  async function post(query: string, body = 'id,qty\r\nA,5\r\n', accept?: string): Promise<Response> {
    const headers: Record<string, string> = { 'content-type': 'text/csv' };
    if (accept !== undefined) headers.accept = accept;
    return fetch(`${server.url}/v1/topics/${TOPIC}/diff?${query}`, { method: 'POST', headers, body });
  }
  const messageOf = async (res: Response): Promise<string> => {
    expect(res.status).toBe(400);
    return ((await res.json()) as { error: { code: string; message: string } }).error.message;
  };

  it('refuses malformed options with a 400 naming the option', async () => {
    const cases: [string, string][] = [
      ['key=id&map=id:qty', 'map: the key field "id" cannot be renamed'],
      ['key=id&map=a:id', 'map: "a" cannot be renamed to the key field "id"'],
      ['map=a:x,a:y', 'map: "a" is mapped twice'],
      ['map=a:x,b:x', 'map: "a" and "b" both map to "x"'],
      ['map=a', 'map: "a" is not snapshotField:storeField'],
      ['tolerance=-1', 'tolerance: "-1" must not be negative'],
      ['tolerance=lots', 'tolerance: "lots" must be a number'],
      ['tolerance=px:x', 'tolerance "px": "x" must be a number'],
      ['normalise=upper', 'normalise: "upper" is not one of trim, case'],
      ['normalise=trim,trim', 'normalise: "trim" is listed twice'],
    ];
    for (const [query, message] of cases) expect(await messageOf(await post(query)), query).toBe(message);
    // The count limit of docs/security.md holds over HTTP too (the engine's check, every path).
    const many = Array.from({ length: LIMITS.diffFieldsMax + 1 }, (_, i) => `f${i}`);
    expect(await messageOf(await post(`key=id&fields=${many.join(',')}`))).toBe(
      `fields: names ${many.length} fields; at most ${LIMITS.diffFieldsMax}`,
    );
    expect(await messageOf(await post(`key=id&map=${many.map((f) => `${f}:s${f}`).join(',')}`))).toBe(
      `map: names ${many.length} fields; at most ${LIMITS.diffFieldsMax}`,
    );
    expect(await messageOf(await post('tolerence=1'))).toMatch(/^tolerence: unknown query parameter/);
    expect(await messageOf(await post('map=a:b&map=c:d'))).toMatch(/^map: /);
    // A mapped column missing from the header is found once the header arrives.
    expect(await messageOf(await post('key=id&map=quantity:qty'))).toBe(
      'map: "quantity" is not a column of the CSV header (columns: "id", "qty")',
    );
  });

  it('answers asOf, in JSON and as the last line of an NDJSON stream', async () => {
    const info = await store.topicInfo(TOPIC);
    const asOf = { maxSeq: info.maxSeq, maxTxn: info.maxTxn };
    const json = await post('key=id&fields=qty&tolerance=0');
    expect(json.status).toBe(200);
    expect(((await json.json()) as DiffResult).asOf).toEqual(asOf);
    const streamed = await post('key=id&fields=qty&asOfTxn=1', undefined, 'application/x-ndjson');
    const lines = (await streamed.text()).trim().split('\n');
    expect(JSON.parse(lines.at(-1)!)).toEqual({
      summary: expect.objectContaining({ equal: 1 }) as unknown,
      truncated: false,
      asOf: { maxSeq: 3, maxTxn: 1 },
    });
  });
});
