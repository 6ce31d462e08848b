/**
 * The desktop app's jobs over a server connection: `runJob` goes through the store's services, so
 * in a real job worker over an HTTP descriptor a diff is one upload to the server's diff route (no
 * surface page read) and an export is one GET of its export route (beside one topic read for the
 * progress total), and each gives what the same job over the server's SQLite file gives: the same
 * DiffResult, the same exported bytes and row count. Cancel works over HTTP for both, leaving no
 * file behind; progress reaches the caller (bytes uploaded, rows exported). A repair is one
 * upload to the server's repair route (multipart with chosen keys), its dry run the same as on the
 * file, and its write lands in the server's store with meta.repair.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Progress } from '../../src-core/model/store-api';
import { openSqliteStore, type SqliteEventStore } from '../../src-core/store/sqlite';
import type { StoreDescriptor } from '../../electron/connections';
import { type DiffJob, type ExportJob, type RepairJob, runJob } from '../../electron/jobs';
import { openHttpStore } from '../../src-core/store/http';
import { TOPIC, countingServer, seed, snapshotCsv, type CountingServer } from '../services/helpers';
import { devJobRunner } from './harness';

let dir: string;
let file: string;
let store: SqliteEventStore;
let server: CountingServer;
let local: StoreDescriptor;
let remote: StoreDescriptor;
const jobs = devJobRunner();

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'tidemark-jobs-http-'));
  file = path.join(dir, 'store.db');
  store = openSqliteStore(file);
  await seed(store);
  for (let t = 0; t < 2; t++) {
    const big = Array.from({ length: 10_000 }, (_, i) => ({
      key: `b${String(t * 10_000 + i).padStart(6, '0')}`,
      data: { i },
    }));
    await store.append('big', { events: big });
  }
  server = await countingServer(store);
  local = { kind: 'sqlite', file };
  remote = { kind: 'http', url: server.url };
});
afterAll(async () => {
  await jobs.stopAll();
  await server?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  server.requests.length = 0;
});

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const diffJob = (source: DiffJob['source'], extra: Partial<DiffJob> = {}): DiffJob => ({
  job: 'diff',
  topic: TOPIC,
  source,
  fileName: 'snap.csv',
  keyField: 'id',
  ...extra,
});

describe('runJob over an HTTP descriptor', () => {
  it('repair: one POST to the repair route, the dry run as on the file, chosen keys written there', async () => {
    await store.append('rep', {
      events: [
        { key: 'a', data: { px: 1, desk: 'x' } },
        { key: 'b', data: { px: 2, desk: 'y' } },
      ],
    });
    const csv = 'key,px\na,10\nb,20\n';
    const job = (extra: Partial<RepairJob>): RepairJob => ({
      job: 'repair',
      topic: 'rep',
      source: { kind: 'bytes', bytes: bytes(csv) },
      fileName: 'up.csv',
      reason: 'upstream is right',
      ...extra,
    });
    const shape = (r: {
      summary: unknown;
      written: number;
      txns: number[];
      events: { key: string; data: unknown }[];
    }) => ({
      summary: r.summary,
      written: r.written,
      txns: r.txns,
      events: r.events.map((e) => [e.key, e.data]),
    });
    const want = await jobs.run(local, job({ dryRun: true }));
    server.requests.length = 0;
    const got = await jobs.run(remote, job({ dryRun: true }));
    expect(shape(got)).toEqual(shape(want));
    expect(server.requests).toEqual(['POST /v1/topics/rep/repair']);

    server.requests.length = 0;
    const res = await jobs.run(remote, job({ keys: ['b'], expectMaxSeq: want.asOf.maxSeq }));
    expect(server.requests).toEqual(['POST /v1/topics/rep/repair']);
    expect(res).toMatchObject({ dryRun: false, written: 1 });
    const txn = await store.getTxn('rep', res.txns[0]!);
    expect(txn.meta).toMatchObject({ repair: { reason: 'upstream is right' } });
    expect((await store.surface('rep')).rows.map((r) => r.data)).toEqual([
      { px: 1, desk: 'x' },
      { px: 20, desk: 'y' },
    ]);
  });

  it('diff: one POST to the diff route, no surface read, the result of the same job on the file', async () => {
    const snap = path.join(dir, 'snap.csv');
    writeFileSync(snap, snapshotCsv());
    for (const extra of [{}, { limit: 2, fields: ['n'] }, { ignore: ['s'] }]) {
      const want = await jobs.run(local, diffJob({ kind: 'bytes', bytes: bytes(snapshotCsv()) }, extra));
      server.requests.length = 0;
      const seen: Progress[] = [];
      const got = await jobs.run(remote, diffJob({ kind: 'bytes', bytes: bytes(snapshotCsv()) }, extra), {
        onProgress: (p) => seen.push(p),
      });
      expect(got).toEqual(want);
      expect(server.requests).toEqual([`POST /v1/topics/${TOPIC}/diff`]);
      expect(seen.at(-1)).toMatchObject({ unit: 'bytes', phase: 'upload', done: bytes(snapshotCsv()).byteLength });
      server.requests.length = 0;
      expect(await jobs.run(remote, diffJob({ kind: 'path', path: snap }, extra))).toEqual(want);
      expect(server.requests).toEqual([`POST /v1/topics/${TOPIC}/diff`]);
    }
  });

  it('export: one GET of the export route, the bytes and row count of the same job on the file', async () => {
    for (const req of [{ format: 'csv' as const }, { format: 'ndjson' as const, view: 'raw' as const }]) {
      const a = path.join(dir, `local.${req.format}`);
      const b = path.join(dir, `remote.${req.format}`);
      const job = (f: string): ExportJob => ({ job: 'export', topic: TOPIC, req, file: f });
      const want = await jobs.run(local, job(a));
      server.requests.length = 0;
      const seen: Progress[] = [];
      const got = await jobs.run(remote, job(b), { onProgress: (p) => seen.push(p) });
      expect(got).toEqual(want);
      expect(readFileSync(b, 'latin1')).toBe(readFileSync(a, 'latin1'));
      expect(server.count('GET', `/v1/topics/${TOPIC}/surface/export`)).toBe(1);
      // Besides the export only the topic's counters (the progress total) are read.
      expect(server.requests.filter((r) => r !== `GET /v1/topics/${TOPIC}/surface/export`)).toEqual(
        req.view === undefined ? [`GET /v1/topics/${TOPIC}`] : [],
      );
      expect(seen.at(-1)).toMatchObject({ unit: 'rows', done: want.rows });
    }
  });

  it('cancels a diff and an export over HTTP, leaving no file', async () => {
    // runJob itself (as the worker runs it), so no worker kill can stand in for a cancel that failed.
    const client = openHttpStore({ url: server.url });
    try {
      const lines = ['key,i'];
      for (let i = 0; i < 400_000; i++) lines.push(`b${String(i).padStart(6, '0')},${i}`);
      const ac = new AbortController();
      const diff = runJob(
        client,
        { job: 'diff', topic: 'big', source: { kind: 'bytes', bytes: bytes(lines.join('\n')) }, fileName: 's.csv' },
        { signal: ac.signal, onProgress: () => ac.abort() },
      );
      await expect(diff).rejects.toMatchObject({ code: 'CANCELLED' });

      const out = path.join(dir, 'cancelled.csv');
      const ac2 = new AbortController();
      const exp = runJob(
        client,
        { job: 'export', topic: 'big', req: { format: 'csv' }, file: out },
        { signal: ac2.signal, onProgress: () => ac2.abort() },
      );
      await expect(exp).rejects.toMatchObject({ code: 'CANCELLED' });
      expect(readdirSync(dir).filter((f) => f.startsWith('cancelled.csv'))).toEqual([]);
      expect(server.requests.filter((r) => r.endsWith('/surface'))).toEqual([]);
    } finally {
      await client.close();
    }
  });
});
