/**
 * The job runner on its own: a worker thread per job over a real SQLite file. Uploaded bytes are
 * handed over without a copy only when they own their buffer, so a pooled Node Buffer is never
 * detached; a job's coded error comes back as that code; a missing snapshot file is NOT_FOUND; the
 * addon path given to the runner reaches the diff's spill (its own worker thread) too.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { runJob } from '../../electron/jobs';
import { openSqliteStore } from '../../src-core/store/sqlite';
import { devJobRunner } from './harness';

let dir: string;
let file: string;
const jobs = devJobRunner();

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'tidemark-jobs-'));
  file = path.join(dir, 'store.db');
  const store = openSqliteStore(file);
  await store.append('j.t', { events: [{ key: 'a', data: { px: '1' } }] });
  await store.close();
});
afterAll(async () => {
  await jobs.stopAll();
  rmSync(dir, { recursive: true, force: true });
});

describe('JobRunner', () => {
  it('copies bytes that share a pooled buffer instead of detaching the pool', async () => {
    const neighbour = Buffer.from('neighbour');
    const upload = Buffer.from('key,px\na,1\n');
    expect(upload.buffer).toBe(neighbour.buffer); // both live in Node's shared pool
    const res = await jobs.run(
      { kind: 'sqlite', file },
      { job: 'diff', topic: 'j.t', source: { kind: 'bytes', bytes: upload }, fileName: 's.csv' },
    );
    expect(res.summary.equal).toBe(1);
    expect(neighbour.toString()).toBe('neighbour');
    expect(upload.toString()).toBe('key,px\na,1\n');
  });

  it('transfers bytes that own their buffer', async () => {
    const own = new TextEncoder().encode('key,px\na,2\n');
    const res = await jobs.run(
      { kind: 'sqlite', file },
      { job: 'diff', topic: 'j.t', source: { kind: 'bytes', bytes: own }, fileName: 's.csv' },
    );
    expect(res.summary.different).toBe(1);
    expect(own.byteLength).toBe(0); // moved to the worker, not copied
  });

  it('reports coded errors from the worker', async () => {
    await expect(
      jobs.run(
        { kind: 'sqlite', file },
        { job: 'diff', topic: 'j.t', source: { kind: 'path', path: path.join(dir, 'nope.csv') }, fileName: 'nope.csv' },
      ),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      jobs.run(
        { kind: 'sqlite', file },
        { job: 'export', topic: 'bad topic', req: { format: 'csv' }, file: path.join(dir, 'x.csv') },
      ),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(
      jobs.run(
        { kind: 'sqlite', file: path.join(dir, 'missing.db') },
        { job: 'export', topic: 'j.t', req: { format: 'csv' }, file: path.join(dir, 'y.csv') },
      ),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('hands the native addon path to the diff, whose spill opens SQLite in a thread of its own', async () => {
    const store = openSqliteStore(file, { readonly: true });
    const job = {
      job: 'diff' as const,
      topic: 'j.t',
      source: { kind: 'bytes' as const, bytes: new TextEncoder().encode('key,px\na,1\n') },
      fileName: 's.csv',
    };
    try {
      // A path that is no addon: the spill must try (and fail) to load it, so it was passed on.
      const bogus = path.join(dir, 'not-an-addon.node');
      await expect(runJob(store, job, {}, bogus)).rejects.toThrow(/not-an-addon\.node|spill/);
      // The real (Node-ABI here) addon given explicitly: the diff runs.
      const addon = path.join(
        path.dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')),
        'build/Release/better_sqlite3.node',
      );
      const res = await runJob(
        store,
        { ...job, source: { kind: 'bytes', bytes: new TextEncoder().encode('key,px\na,1\n') } },
        {},
        addon,
      );
      expect(res).toMatchObject({ summary: { equal: 1 } });
    } finally {
      await store.close();
    }
  });
});
