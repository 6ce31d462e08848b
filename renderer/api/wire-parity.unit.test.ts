/**
 * The Node client (`HttpEventStore`) and this browser adapter (`HttpStoreApi`) put the same requests
 * on the wire for the same calls and options: both build on src-core/wire/, and this test records
 * what each hands to the global `fetch` (both run here, in Node) and compares them, URL by URL.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// eslint-disable-next-line no-restricted-imports -- the test compares the Node client with this adapter
import { openHttpStore } from '../../src-core/store/http/index';
import { HttpStoreApi } from './http-adapter';
import { MemoryStorage } from './memory-storage.testing';

const BASE = 'http://127.0.0.1:4180';

interface Sent {
  method: string;
  url: string;
  lastEventId: string | null;
}

let sent: Sent[] = [];
const realFetch = globalThis.fetch;

/** Records the request and answers as a server would, enough for each client to carry on. */
function recordingFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  const headers = new Headers(init?.headers);
  sent.push({ method: init?.method ?? 'GET', url, lastEventId: headers.get('last-event-id') });
  const path = new URL(url).pathname;
  if (path.endsWith('/events/stream')) {
    return Promise.resolve(new Response(': connected\n\n', { headers: { 'content-type': 'text/event-stream' } }));
  }
  const body = path === '/v1/whoami' ? { role: 'admin', name: null } : { topics: [] };
  return Promise.resolve(Response.json(body));
}

beforeEach(() => {
  sent = [];
  globalThis.fetch = recordingFetch;
});
afterEach(() => {
  globalThis.fetch = realFetch;
});

/** What `call` sent, whoami (the adapter's connect) left out. */
async function requestsOf(call: () => Promise<unknown>): Promise<Sent[]> {
  sent = [];
  await call();
  return sent.filter((s) => !s.url.endsWith('/v1/whoami'));
}

describe('the Node client and the browser adapter', () => {
  it('build identical requests for the same calls and options', async () => {
    const node = openHttpStore({ url: BASE });
    const browser = new HttpStoreApi(BASE, { local: new MemoryStorage(), session: new MemoryStorage() });
    await browser.connectServer({ url: `${BASE}/` });
    const topic = 'desk:a.b_c-1';
    const calls: [string, (api: typeof node | HttpStoreApi) => Promise<unknown>][] = [
      ['listTopics', (api) => api.listTopics()],
      ['topicInfo', (api) => api.topicInfo(topic)],
      ['readEvents', (api) => api.readEvents(topic, { order: 'desc', before: 10, limit: 5, key: 'k\u0000😀', txn: 3 })],
      ['readEvents empty key', (api) => api.readEvents(topic, { after: 0, key: '' })],
      ['listTxns', (api) => api.listTxns(topic, { after: 1, limit: 2, order: 'asc' })],
      ['getTxn', (api) => api.getTxn(topic, 12)],
      ['surface', (api) => api.surface(topic, { after: 'k&1', limit: 3, prefix: 'p=', view: 'raw', asOfTxn: 4 })],
      ['invalidate', (api) => api.invalidate(topic, 12, 'wrong price')],
    ];
    for (const [name, call] of calls) {
      const fromNode = await requestsOf(() => call(node));
      const fromBrowser = await requestsOf(() => call(browser));
      expect(fromNode, name).toHaveLength(1);
      expect(fromBrowser, name).toEqual(fromNode);
    }
    // The extra routes: on Node they are the HTTP services (src-core/services/http.ts), whose
    // requests test/services/http.int.test.ts pins to these same routes.
    expect(await requestsOf(() => browser.previewInvalidate(topic, 12, 7))).toMatchObject([
      { method: 'GET', url: `${BASE}/v1/topics/desk%3Aa.b_c-1/txns/12/preview-invalidate?limit=7` },
    ]);
    expect(await requestsOf(() => browser.loadSampleData())).toMatchObject([
      { method: 'POST', url: `${BASE}/v1/sample` },
    ]);
    expect((await requestsOf(() => node.readEvents(topic, { limit: 5, key: 'k\u0000😀' })))[0]!.url).toBe(
      `${BASE}/v1/topics/desk%3Aa.b_c-1/events?limit=5&key=k%00%F0%9F%98%80`,
    );

    // The live tail's first connection.
    sent = [];
    const stopNode = node.tail(topic, 41, () => undefined);
    await expect.poll(() => sent.length).toBe(1);
    stopNode();
    const fromNode = sent.splice(0);
    const stopBrowser = browser.subscribe(topic, 41, () => undefined);
    await expect.poll(() => sent.length).toBe(1);
    stopBrowser();
    expect(sent).toEqual(fromNode);
    expect(fromNode[0]).toEqual({
      method: 'GET',
      url: `${BASE}/v1/topics/desk%3Aa.b_c-1/events/stream?after=41`,
      lastEventId: '41',
    });
    await node.close();
  });

  it('refuse the same bad input the same way', async () => {
    const node = openHttpStore({ url: BASE });
    const browser = new HttpStoreApi(BASE, { local: new MemoryStorage(), session: new MemoryStorage() });
    await browser.connectServer({ url: BASE });
    for (const api of [node, browser]) {
      await expect(api.surface('t', { prefix: 'a\ud800' })).rejects.toMatchObject({
        code: 'BAD_REQUEST',
        message: 'prefix: must be well-formed Unicode (it has a lone surrogate at index 1)',
      });
    }
    expect(() => openHttpStore({ url: 'https://u:p@h/' })).toThrow(/url: must not contain a user name or password/);
    await expect(browser.connectServer({ url: 'https://u:p@h/' })).rejects.toThrow(
      /Server URL: must not contain a user name or password/,
    );
    await expect(browser.connectServer({ url: 'https://h/?x=1' })).rejects.toThrow(
      /Server URL: must not contain a query/,
    );
    await node.close();
  });
});
