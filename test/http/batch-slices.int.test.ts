/**
 * A long batch (`POST /v1/batch` of more than `BATCH_SLICE_EVENTS` events, neither atomic nor a
 * dry run) is applied slice by slice, the server answering other requests between slices: against
 * the real `tidemark serve` in a child process over a real SQLite file, a reader polling the topic
 * while a batch of 60,000 one-event transactions is applied sees it partly applied (the old single
 * call showed nothing until the end). The answer is the one a single call gives: every result in
 * order with dense numbers; a refused transaction in a later slice is named by its index in the
 * whole batch, the transactions before it applied and none after; an atomic batch of the same size
 * with the same refusal writes nothing.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchResponse } from '../../src-core/model/types';
import { BATCH_SLICE_EVENTS } from '../../src-core/server/routes/write';
import { tempDir } from './helpers';
import { type Served, spawnServe } from './spawn';

const N = 60_000;

let srv: Served;
let url: string;
let dir: string;

beforeAll(async () => {
  dir = tempDir('tidemark-slices-');
  srv = await spawnServe(['--db', 's.db', '--port', '0'], dir);
  if (srv.url === null) throw new Error(`tidemark serve did not start: ${srv.stderr()}`);
  url = srv.url;
});
afterAll(async () => {
  srv.proc.kill('SIGTERM');
  await srv.exit;
  rmSync(dir, { recursive: true, force: true });
});

/** `n` one-event transactions on `topic`; `conflictAt` gets an `expectMaxSeq` that cannot hold. */
function batchOf(topic: string, n: number, conflictAt?: number): string {
  const txns: string[] = [];
  for (let i = 0; i < n; i++) {
    const expect = i === conflictAt ? ',"expectMaxSeq":0' : '';
    txns.push(`{"topic":"${topic}","events":[{"key":"k${i % 997}","data":{"i":${i}}}]${expect}}`);
  }
  return `{"txns":[${txns.join(',')}]}`;
}

async function post(path: string, body: string): Promise<BatchResponse> {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  expect(res.status).toBe(200);
  return (await res.json()) as BatchResponse;
}

async function maxSeqOf(topic: string): Promise<number> {
  const res = await fetch(`${url}/v1/topics/${topic}`);
  if (res.status === 404) return 0;
  expect(res.status).toBe(200);
  return ((await res.json()) as { maxSeq: number }).maxSeq;
}

describe('a long batch is applied in slices', () => {
  it('other requests are answered between slices, and the answer is whole and in order', async () => {
    expect(N).toBeGreaterThan(3 * BATCH_SLICE_EVENTS);
    const seen: number[] = [];
    let done = false;
    const batch = post('/v1/batch', batchOf('a', N)).finally(() => (done = true));
    while (!done) {
      seen.push(await maxSeqOf('a'));
      await new Promise((r) => setTimeout(r, 5));
    }
    const res = await batch;
    expect(res.error).toBeNull();
    expect(res.results).toHaveLength(N);
    res.results.forEach((r, i) => {
      expect(r.txn).toBe(i + 1);
      expect(r.results).toEqual([{ seq: i + 1, txn: i + 1, duplicate: false }]);
    });
    // A reader saw the batch partly applied: the server answered it between two slices.
    expect(seen.some((s) => s > 0 && s < N)).toBe(true);
    expect(await maxSeqOf('a')).toBe(N);
  });

  it('a refusal in a later slice is named by its index in the whole batch; what came before stays', async () => {
    const at = 2 * BATCH_SLICE_EVENTS + 1234;
    const res = await post('/v1/batch', batchOf('b', N, at));
    expect(res.results).toHaveLength(at);
    expect(res.error).toMatchObject({ index: at, status: 409, code: 'CONFLICT' });
    expect(res.error?.message).toBe(`expectMaxSeq: topic "b" is at seq ${at}, not 0`);
    expect(await maxSeqOf('b')).toBe(at);
  });

  it('an atomic batch is not sliced: the same refusal writes nothing', async () => {
    const res = await post('/v1/batch?atomic=true', batchOf('c', N, N - 1));
    expect(res.results).toEqual([]);
    expect(res.error).toMatchObject({ index: N - 1, code: 'CONFLICT' });
    expect(await maxSeqOf('c')).toBe(0);
  });
});
