/**
 * A verify run as the desktop app runs it: in a job worker (JobRunner) over a real SQLite file,
 * opened read-only there. The result comes back whole, progress arrives counted in transactions,
 * an anchor that is not in the log fails as `anchor`, and a byte changed underneath the file is
 * named at its transaction.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Progress } from '../../src-core/model/store-api';
import { openSqliteStore } from '../../src-core/store/sqlite';
import { devJobRunner } from './harness';

let dir: string;
let file: string;
let head: string;
const jobs = devJobRunner();

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'tidemark-jobs-verify-'));
  file = path.join(dir, 'store.db');
  const store = openSqliteStore(file);
  await store.appendBatch(
    Array.from({ length: 2500 }, (_, i) => ({ topic: 'v.t', events: [{ key: `k${i}`, data: i }] })),
  );
  head = (await store.topicInfo('v.t')).head!;
  await store.close();
});
afterAll(async () => {
  await jobs.stopAll();
  rmSync(dir, { recursive: true, force: true });
});

describe('verify in a job worker', () => {
  it('answers the result with progress in transactions, and checks an anchor', async () => {
    const progress: Progress[] = [];
    const r = await jobs.run(
      { kind: 'sqlite', file },
      { job: 'verify', topic: 'v.t', req: { expectHead: head } },
      { onProgress: (p) => progress.push(p) },
    );
    expect(r).toMatchObject({ ok: true, txns: 2500, events: 2500, head, firstBad: null });
    expect(progress.length).toBeGreaterThan(0);
    expect(progress[progress.length - 1]).toMatchObject({ done: 2500, total: 2500, unit: 'txns', phase: 'verifying' });
    const other = await jobs.run(
      { kind: 'sqlite', file },
      { job: 'verify', topic: 'v.t', req: { expectHead: 'e'.repeat(64) } },
    );
    expect(other.firstBad).toMatchObject({ txn: null, what: 'anchor' });
  });

  it('names a byte changed underneath the file at its transaction', async () => {
    const raw = new Database(file);
    raw.exec("UPDATE events SET data = '7777' WHERE seq = 1234");
    raw.close();
    const r = await jobs.run({ kind: 'sqlite', file }, { job: 'verify', topic: 'v.t', req: {} });
    expect(r).toMatchObject({ ok: false, txns: 1233, firstBad: { txn: 1234, what: 'data' } });
  });
});
