/**
 * POST /v1/topics/:topic/repair on the real HTTP server (startServer, port 0, real SQLite store):
 * a plain snapshot body and multipart/form-data with chosen keys (sent by FormData as a browser
 * would, and by the wire's streaming encoder), `by` from the token and `meta.repair`, 409 on a
 * stale expectMaxSeq, bad parts and options named in a 400, 413 beyond the body limit and for a
 * keys part too large, the write role (read is 403), an unknown query parameter (400). Every
 * refusal leaves the topic unchanged.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RepairResult } from '../../src-core/model/types';
import { LIMITS } from '../../src-core/model/limits';
import { startServer } from '../../src-core/server/index';
import type { EventStore } from '../../src-core/store/types';
import { repairFormData, repairMultipart } from '../../src-core/wire/repair-form';
import { sqliteStore, tempDir } from './helpers';

let dir: { dir: string; cleanup: () => void };
let store: EventStore;
let server: { url: string; close(): Promise<void> };
const WRITE = 'writer-token';
const READ = 'reader-token';
const LIMIT = 64 * 1024;
let topicN = 0;
let topic = '';

beforeAll(async () => {
  dir = tempDir();
  store = sqliteStore(dir.dir);
  server = await startServer({
    store,
    port: 0,
    tokens: [
      { token: WRITE, role: 'write', name: 'fixer' },
      { token: READ, role: 'read', name: 'viewer' },
    ],
    diffLimit: LIMIT,
    maxDiffs: 8,
  });
});
afterAll(async () => {
  await server.close();
  await store.close();
  dir.cleanup();
});
beforeEach(async () => {
  topic = `t${++topicN}`;
  await store.append(topic, {
    events: [
      { key: 'A', data: { qty: 5, px: '101.5', desk: 'x' } },
      { key: 'B', data: { qty: 7, px: '99', desk: 'y' } },
      { key: 'C', data: { qty: 1, px: '1', desk: 'z' } },
    ],
  });
});

const CSV = 'id,qty,px\nA,6,101.5\nB,7,98\nD,2,3\n';

function post(
  body: NonNullable<RequestInit['body']> | ReadableStream<Uint8Array>,
  query: string,
  headers: Record<string, string> = { 'content-type': 'text/csv' },
  token = WRITE,
): Promise<Response> {
  const init: RequestInit & { duplex?: 'half' } = {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, ...headers },
    body: body as NonNullable<RequestInit['body']>,
  };
  if (body instanceof ReadableStream) init.duplex = 'half';
  return fetch(`${server.url}/v1/topics/${topic}/repair${query}`, init);
}

async function refused(res: Response, status: number, message: RegExp): Promise<void> {
  const body = (await res.json()) as { error: { message: string } };
  expect({ status: res.status, message: body.error.message }).toMatchObject({ status });
  expect(body.error.message).toMatch(message);
  expect((await store.topicInfo(topic)).maxSeq).toBe(3);
}

describe('POST /v1/topics/{topic}/repair', () => {
  it('repairs from a CSV body, with by from the token and meta.repair', async () => {
    const res = await post(CSV, '?key=id&reason=upstream%20fix&name=up.csv');
    expect(res.status).toBe(200);
    const r = (await res.json()) as RepairResult;
    expect(r).toMatchObject({ written: 3, txns: [2], dryRun: false, asOf: { maxSeq: 3, maxTxn: 1 } });
    expect(r.events.map((e) => [e.key, e.data])).toEqual([
      ['A', { qty: 6, px: '101.5', desk: 'x' }],
      ['B', { qty: 7, px: '98', desk: 'y' }],
      ['D', { qty: '2', px: '3' }],
    ]);
    const txn = (await store.listTxns(topic)).txns.find((t) => t.txn === 2)!;
    expect(txn.by).toBe('fixer');
    expect(txn.meta).toMatchObject({
      repair: {
        reason: 'upstream fix',
        snapshot: { name: 'up.csv' },
        options: { keyField: 'id' },
      },
    });
  });

  it('repairs chosen keys sent as multipart, from FormData and from the streaming encoder', async () => {
    const form = repairFormData(['B', 'D'], new Blob([CSV], { type: 'text/csv' }), 'up.csv');
    const res = await post(form, '?key=id&reason=r&include=different,missingInStore', {});
    expect(res.status).toBe(200);
    const r = (await res.json()) as RepairResult;
    expect(r.events.map((e) => e.key)).toEqual(['B', 'D']);
    const meta = (await store.listTxns(topic)).txns.find((t) => t.txn === 2)!.meta!;
    expect(meta.repair).toMatchObject({ snapshot: { name: 'up.csv' } });

    async function* body(): AsyncGenerator<string> {
      yield 'id,qty,px\nA,';
      yield '8,101.5\n';
    }
    const mp = repairMultipart(['A'], { name: 'second.csv', format: 'csv', body: body(), size: null });
    const stream = ReadableStream.from(mp.body);
    const res2 = await post(stream, '?key=id&reason=r2', { 'content-type': mp.contentType });
    expect(res2.status).toBe(200);
    expect(((await res2.json()) as RepairResult).events.map((e) => [e.key, e.data])).toEqual([
      ['A', { qty: 8, px: '101.5', desk: 'x' }],
    ]);
  });

  it('dryRun answers and writes nothing; a stale expectMaxSeq is 409', async () => {
    const dry = await post(CSV, '?key=id&reason=r&dryRun=true&expectMaxSeq=3');
    expect(dry.status).toBe(200);
    expect(((await dry.json()) as RepairResult).dryRun).toBe(true);
    await refused(await post(CSV, '?key=id&reason=r&expectMaxSeq=2'), 409, /expectMaxSeq/);
  });

  it('refuses bad parts, naming them', async () => {
    const unknown = new FormData();
    unknown.append('file', new Blob([CSV]), 'up.csv');
    await refused(await post(unknown, '?key=id&reason=r', {}), 400, /file: is not a part of a repair/);
    const noSnapshot = new FormData();
    noSnapshot.append('keys', new Blob(['"A"\n']), 'keys.ndjson');
    await refused(await post(noSnapshot, '?key=id&reason=r', {}), 400, /snapshot: the part is missing/);
    const keysAfter = new FormData();
    keysAfter.append('snapshot', new Blob([CSV], { type: 'text/csv' }), 'up.csv');
    keysAfter.append('keys', new Blob(['"A"\n']), 'keys.ndjson');
    await refused(await post(keysAfter, '?key=id&reason=r', {}), 400, /keys: sent again or after the "snapshot" part/);
    const badKeys = repairFormData([], new Blob([CSV], { type: 'text/csv' }), 'up.csv');
    badKeys.set('keys', new Blob(['A\n']), 'keys.ndjson');
    const reordered = new FormData();
    reordered.append('keys', badKeys.get('keys')!);
    reordered.append('snapshot', badKeys.get('snapshot')!);
    await refused(await post(reordered, '?key=id&reason=r', {}), 400, /keys: line 1 is not JSON/);
    const three = repairFormData(['A'], new Blob([CSV], { type: 'text/csv' }), 'up.csv');
    three.append('extra', new Blob(['x']), 'x');
    await refused(await post(three, '?key=id&reason=r', {}), 400, /at most two parts|extra/);
    const noFormat = repairFormData(['A'], new Blob([CSV]), 'upstream');
    await refused(await post(noFormat, '?key=id&reason=r', {}), 400, /format/);
  });

  it('refuses a missing reason, asOfTxn, an unknown parameter and a bad category before reading', async () => {
    await refused(await post(CSV, '?key=id'), 400, /reason/);
    await refused(await post(CSV, '?key=id&reason=r&asOfTxn=1'), 400, /asOfTxn/);
    await refused(await post(CSV, '?key=id&reason=r&includeEqual=true'), 400, /includeEqual/);
    await refused(await post(CSV, '?key=id&reason=r&include=equal'), 400, /include/);
    await refused(await post(CSV, '?key=id&reason=r', { 'content-type': 'text/plain' }), 400, /content-type/);
  });

  it('is 413 beyond the body limit', async () => {
    const big = 'id,qty,px\n' + 'A,6,101.5\n'.repeat(LIMIT / 10 + 10);
    await refused(await post(big, '?key=id&reason=r'), 413, /.+/);
  });

  it('is 413 for a keys part beyond LIMITS.repairKeysBytesMax, even within the body limit', async () => {
    const big = await startServer({ store, port: 0, diffLimit: LIMITS.repairKeysBytesMax * 2 });
    try {
      const form = new FormData();
      const line = JSON.stringify('k'.repeat(1000)) + '\n';
      form.append(
        'keys',
        new Blob([line.repeat(Math.ceil(LIMITS.repairKeysBytesMax / line.length) + 1)]),
        'keys.ndjson',
      );
      form.append('snapshot', new Blob([CSV], { type: 'text/csv' }), 'up.csv');
      const res = await fetch(`${big.url}/v1/topics/${topic}/repair?key=id&reason=r`, { method: 'POST', body: form });
      await refused(res, 413, /keys: the part is larger than/);
    } finally {
      await big.close();
    }
  });

  it('needs the write role', async () => {
    await refused(await post(CSV, '?key=id&reason=r', { 'content-type': 'text/csv' }, READ), 403, /.+/);
  });
});
