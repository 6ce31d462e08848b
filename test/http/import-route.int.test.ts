/**
 * `POST /v1/topics/{topic}/import` against a real server on 127.0.0.1 port 0 over a SQLite file:
 * only an admin token may import (read and write get 403, nothing written); a body of NDJSON lines
 * from another store's log imports and reads back identical; a transaction whose chain does not
 * match is refused with 409 in `error` and nothing of it written, the ones before it committed;
 * sending the rest resumes; a malformed line is refused naming its line number; a line over the
 * line limit and a body of the wrong type are refused; the body is not buffered whole (a
 * transaction commits while the request is still open).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportResult, ImportTxn } from '../../src-core/model/integrity';
import { LIMITS } from '../../src-core/model/limits';
import { readImportTxns } from '../../src-core/services/txn-reader';
import { openMemoryStore } from '../../src-core/store/memory/index';
import { call, errorOf, startTestServer, type TestServer } from './helpers';

let s: TestServer;
let units: ImportTxn[];

const linesOf = (us: ImportTxn[]): string =>
  us.map((u) => [JSON.stringify({ txn: u.txn }), ...u.events.map((e) => JSON.stringify(e))].join('\n') + '\n').join('');

beforeAll(async () => {
  s = await startTestServer({
    tokens: [
      { token: 'r', role: 'read', name: 'reader' },
      { token: 'w', role: 'write', name: 'writer' },
      { token: 'a', role: 'admin', name: 'ops' },
    ],
  });
  const src = openMemoryStore();
  for (let i = 1; i <= 5; i++) {
    await src.append('imp', {
      events: [
        { key: `k${i}`, data: { i } },
        { key: 'all', data: i },
      ],
      by: 'loader',
    });
  }
  await src.invalidate('imp', 2, 'wrong', { by: 'auditor' });
  units = [];
  for await (const u of readImportTxns(src, 'imp')) units.push(u);
  await src.close();
});
afterAll(async () => {
  await s.close();
});

const post = (topic: string, body: string, token = 'a', type = 'application/x-ndjson') =>
  call(`${s.url}/v1/topics/${topic}/import`, {
    method: 'POST',
    body,
    token,
    headers: { 'content-type': type },
  });

const retopic = (us: ImportTxn[], topic: string): ImportTxn[] =>
  us.map((u) => ({ txn: u.txn, events: u.events.map((e) => ({ ...e, topic })) }));

describe('POST /v1/topics/{topic}/import', () => {
  it('is refused to read and write tokens, writing nothing', async () => {
    for (const token of ['r', 'w']) {
      const a = await post('imp1', linesOf(retopic(units, 'imp1')), token);
      expect(a.status).toBe(403);
      expect(errorOf(a).code).toBe('FORBIDDEN');
    }
    expect((await s.store.listTopics()).map((t) => t.topic)).not.toContain('imp1');
  });

  it('imports a log that reads back identical, markers and by included', async () => {
    const a = await post('imp2', linesOf(retopic(units, 'imp2')));
    expect(a.status).toBe(200);
    expect(a.body).toEqual({ imported: 6, head: units[5]!.txn.chain, error: null });
    const txns = (await s.store.listTxns('imp2')).txns;
    expect(txns).toEqual(units.map((u) => u.txn));
    const events = (await s.store.readEvents('imp2', { limit: 100 })).events;
    expect(events).toEqual(retopic(units, 'imp2').flatMap((u) => u.events));
  });

  it('refuses a transaction whose chain does not match with 409, keeps the ones before it, and resumes', async () => {
    const us = retopic(units, 'imp3');
    const bad = us.map((u, i) => (i === 3 ? { ...u, txn: { ...u.txn, chain: '0'.repeat(64) } } : u));
    const a = await post('imp3', linesOf(bad));
    expect(a.status).toBe(200);
    const r = a.body as ImportResult;
    expect(r).toMatchObject({
      imported: 3,
      head: units[2]!.txn.chain,
      error: { index: 3, status: 409, code: 'CONFLICT' },
    });
    expect((await s.store.topicInfo('imp3')).maxTxn).toBe(3);
    // The whole body again: its first transaction does not follow the head; nothing changes.
    const again = await post('imp3', linesOf(us));
    expect(again.body).toMatchObject({ imported: 0, error: { index: 0, status: 409 } });
    expect((await s.store.topicInfo('imp3')).maxTxn).toBe(3);
    // The rest resumes.
    const rest = await post('imp3', linesOf(us.slice(3)));
    expect(rest.body).toEqual({ imported: 3, head: units[5]!.txn.chain, error: null });
  });

  it('refuses a malformed line naming its number, after committing what came before', async () => {
    const us = retopic(units, 'imp4');
    const body = linesOf(us.slice(0, 2)) + '{"txn": {"txn": 3,\n' + linesOf(us.slice(2));
    const a = await post('imp4', body);
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ imported: 2, error: { index: 2, status: 400, code: 'BAD_REQUEST' } });
    expect((a.body as ImportResult).error!.message).toMatch(/^line 7: /);
    // An event line where a {"txn"} line belongs, and a body that ends inside a transaction.
    const b = await post('imp5', JSON.stringify(us[0]!.events[0]) + '\n');
    expect((b.body as ImportResult).error!.message).toMatch(/^line 1: expected a \{"txn":TxnInfo\} line/);
    const c = await post('imp5', JSON.stringify({ txn: us[0]!.txn }) + '\n' + JSON.stringify(us[0]!.events[0]) + '\n');
    expect((c.body as ImportResult).error!.message).toMatch(/ended inside txn 1 \(1 of the 2 events/);
    expect((await s.store.listTopics()).map((t) => t.topic)).not.toContain('imp5');
  });

  it('refuses a line over the line limit and a body that is not NDJSON', async () => {
    const huge = `{"txn":{"txn":1,"pad":"${'x'.repeat(LIMITS.importLineBytesMax)}"}}\n`;
    const a = await post('imp6', huge);
    expect(a.status).toBe(200);
    expect((a.body as ImportResult).error!.message).toBe(`line 1: is longer than ${LIMITS.importLineBytesMax} bytes`);
    const b = await post('imp6', linesOf(retopic(units, 'imp6')), 'a', 'application/json');
    expect(b.status).toBe(400);
    expect(errorOf(b).message).toMatch(/application\/x-ndjson/);
    expect((await s.store.listTopics()).map((t) => t.topic)).not.toContain('imp6');
  });

  it('commits each transaction as it arrives, before the body has ended', async () => {
    const us = retopic(units, 'imp7');
    let push!: (s: string | null) => void;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        push = (text) => (text === null ? controller.close() : controller.enqueue(new TextEncoder().encode(text)));
      },
    });
    const res = fetch(`${s.url}/v1/topics/imp7/import`, {
      method: 'POST',
      headers: { authorization: 'Bearer a', 'content-type': 'application/x-ndjson' },
      body,
      duplex: 'half',
    });
    push(linesOf(us.slice(0, 1)));
    // The first transaction commits while the request is still open (no deadline: it must happen).
    let seen = 0;
    for (;;) {
      if (seen > 0) break;
      await new Promise((r) => setTimeout(r, 25));
      seen = (await s.store.listTopics()).find((t) => t.topic === 'imp7')?.maxTxn ?? 0;
    }
    push(linesOf(us.slice(1)));
    push(null);
    const a = await res;
    expect(a.status).toBe(200);
    expect(((await a.json()) as ImportResult).imported).toBe(6);
    expect(seen).toBe(1);
  });
});
