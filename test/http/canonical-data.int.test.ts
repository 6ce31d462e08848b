/**
 * Canonical data stored as sent (POST /v1/batch, model/canonical-spans.ts): whether a batch body
 * writes an event's data canonically (what the ordered writer sends, stored as written) or not
 * (whitespace, escapes, another key order, other number spellings: canonicalised by the store),
 * the stored text and hash are the same, and a body mixing both is stored transaction by
 * transaction exactly as an embedded write of the same values.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src-core/model/canonical';
import type { JsonValue } from '../../src-core/model/types';
import { hashData } from '../../src-core/store/hash';
import { prepareBatch } from '../../src-core/store/prepare';
import { OrderedWriter } from '../../src-core/store/http/index';
import { type TestServer, call, startTestServer } from './helpers';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

/** The same value written five ways: canonical, pretty, reordered, escaped, other number spellings. */
const WAYS = [
  '{"a":[1,0.5,-2,true,null],"b":{"c":"x","d":""},"é":"😀"}',
  '{ "a": [1, 0.5, -2, true, null], "b": {"c": "x", "d": ""}, "é": "😀" }',
  '{"é":"😀","b":{"d":"","c":"x"},"a":[1,0.5,-2,true,null]}',
  '{"a":[1,0.5,-2,true,null],"b":{"c":"\\u0078","d":""},"\\u00e9":"\\ud83d\\ude00"}',
  '{"a":[1.0,5e-1,-2E0,true,null],"b":{"c":"x","d":""},"é":"😀"}',
];

describe('canonical data in a batch', () => {
  it('stores the same text and hash however the data is written', async () => {
    const value = JSON.parse(WAYS[0]!) as unknown;
    const body = `{"txns":[${WAYS.map((d, i) => `{"topic":"canon","events":[{"key":"k${i}","data":${d}}]}`).join(',')}]}`;
    const res = await call(`${s.url}/v1/batch`, { method: 'POST', body });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ error: null });
    const page = await s.store.readEventsText('canon', {});
    expect(page.events.map((e) => e.data)).toEqual(WAYS.map(() => canonicalJson(value)));
    expect(page.events.map((e) => e.hash)).toEqual(WAYS.map(() => hashData(value)));
  });

  it('stores scalars, tombstones and empty containers sent canonically as the embedded store does', async () => {
    const datas: JsonValue[] = [0, -0, 1e-7, 'a"b', '', [], {}, [[]], { '': { '': 1 } }, null];
    const w = new OrderedWriter({ url: s.url });
    await Promise.all(datas.map((data, i) => w.append('canon2', { events: [{ key: `k${i}`, data }] })));
    const page = await s.store.readEventsText('canon2', {});
    expect(page.events.map((e) => [e.data, e.hash])).toEqual(datas.map((d) => [canonicalJson(d), hashData(d)]));
  });

  it('answers a batch refused part-way as the store does from the data as sent (dry run, atomic, applied)', async () => {
    // Canonical data everywhere (the reader leaves it out of the parsed body); transaction 1
    // cannot be prepared ahead (its meta is too large), so the store prepares it and everything
    // after it from the data as sent.
    const datas = ['{"a":1}', '{"b":[1,2]}', 'null', '{"c":"d"}'];
    const txn = (d: string, i: number): string =>
      `{"topic":"canon3","events":[{"key":"k${i}","data":${d}}]${i === 1 ? `,"meta":{"note":"${'x'.repeat(5000)}"}` : ''}}`;
    const body = `{"txns":[${datas.map(txn).join(',')}]}`;
    const expected = prepareBatch((JSON.parse(body) as { txns: object[] }).txns.map((t) => ({ ...t, by: null }))).error;
    expect(expected).toMatchObject({ index: 1, code: 'BAD_REQUEST' });
    for (const query of ['?dryRun=true', '?atomic=true', '']) {
      const res = await call(`${s.url}/v1/batch${query}`, { method: 'POST', body });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ error: expected, results: query === '?atomic=true' ? [] : [{ txn: 1 }] });
    }
    const page = await s.store.readEventsText('canon3', {});
    expect(page.events.map((e) => [e.key, e.data])).toEqual([['k0', '{"a":1}']]);
  });
});
