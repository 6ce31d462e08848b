/**
 * The job runner on its own: a worker thread per job over a real SQLite file. Uploaded bytes are
 * handed over without a copy only when they own their buffer, so a pooled Node Buffer is never
 * detached; a job's coded error comes back as that code; a missing snapshot file is NOT_FOUND. Diff
 * jobs have the server's limits: a snapshot over the diff limit is TOO_LARGE before it is read, a diff
 * beyond the cap is TOO_MANY_REQUESTS before any thread starts, and a cancelled or killed diff
 * leaves no temp file behind.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

  describe('diff limits', () => {
    const csv = (n: number): Uint8Array => {
      const parts = ['key,px\n'];
      for (let i = 0; i < n; i++) parts.push(`k${i},${i}\n`);
      return new TextEncoder().encode(parts.join(''));
    };
    const diffJob = (source: { kind: 'bytes'; bytes: Uint8Array } | { kind: 'path'; path: string }) => ({
      job: 'diff' as const,
      topic: 'j.t',
      source,
      fileName: 's.csv',
    });
    async function until(cond: () => boolean, what: string): Promise<void> {
      for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
      if (!cond()) throw new Error(`gave up waiting until ${what}`);
    }

    it('refuses a snapshot over the diff limit with TOO_LARGE before reading it', async () => {
      const small = devJobRunner({ diffLimit: 100_000 });
      try {
        // Invalid UTF-8 in the first byte, which the first 64 KiB read (within the limit) would
        // meet: had the file been read, the error would be BAD_REQUEST.
        const bad = Buffer.concat([Buffer.from([0xff]), Buffer.alloc(200_000, 0x61)]);
        const big = path.join(dir, 'big.csv');
        writeFileSync(big, bad);
        const refused = {
          code: 'TOO_LARGE',
          message: 's.csv: the snapshot is larger than the diff limit of 100000 bytes',
        };
        await expect(small.run({ kind: 'sqlite', file }, diffJob({ kind: 'path', path: big }))).rejects.toMatchObject(
          refused,
        );
        await expect(
          small.run({ kind: 'sqlite', file }, diffJob({ kind: 'bytes', bytes: new Uint8Array(bad) })),
        ).rejects.toMatchObject(refused);
        // Within the limit, the same kind of file is read (and refused for what it holds).
        const smallBad = path.join(dir, 'small-bad.csv');
        writeFileSync(smallBad, bad.subarray(0, 1000));
        await expect(
          small.run({ kind: 'sqlite', file }, diffJob({ kind: 'path', path: smallBad })),
        ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
        const fits = await small.run({ kind: 'sqlite', file }, diffJob({ kind: 'bytes', bytes: csv(0) }));
        expect(fits.summary.missingInSnapshot).toBe(1);
      } finally {
        await small.stopAll();
      }
    });

    it('refuses a diff beyond the cap with TOO_MANY_REQUESTS, and takes one again when a slot frees', async () => {
      const tmp = mkdtempSync(path.join(tmpdir(), 'tidemark-jobs-spill-'));
      const one = devJobRunner({ maxDiffs: 1, tmpDir: tmp });
      try {
        const first = one.run({ kind: 'sqlite', file }, diffJob({ kind: 'bytes', bytes: csv(10) }));
        // The slot is taken at once, so a second diff asked for now is refused, starting nothing.
        await expect(
          one.run({ kind: 'sqlite', file }, diffJob({ kind: 'bytes', bytes: csv(1) })),
        ).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS', message: /1 diff is already running/ });
        expect(readdirSync(tmp)).toHaveLength(1); // only the first job's directory
        expect((await first).summary.missingInStore).toBe(10);
        expect(one.runningDiffs).toBe(0);
        const again = await one.run({ kind: 'sqlite', file }, diffJob({ kind: 'bytes', bytes: csv(1) }));
        expect(again.summary.snapshotRecords).toBe(1);
        await until(() => readdirSync(tmp).length === 0, 'the job directories are removed');
      } finally {
        await one.stopAll();
        rmSync(tmp, { recursive: true, force: true });
      }
    });

    it('removes the temp files of a cancelled diff, and of a diff whose worker is killed', async () => {
      const tmp = mkdtempSync(path.join(tmpdir(), 'tidemark-jobs-spill-'));
      const runner = devJobRunner({ tmpDir: tmp, maxDiffs: 1 });
      try {
        const ac = new AbortController();
        const cancelled = runner.run({ kind: 'sqlite', file }, diffJob({ kind: 'bytes', bytes: csv(500_000) }), {
          signal: ac.signal,
          onProgress: () => ac.abort(),
        });
        await expect(cancelled).rejects.toMatchObject({ code: 'CANCELLED' });
        expect(runner.runningDiffs).toBe(0);
        await until(() => readdirSync(tmp).length === 0, 'the cancelled diff left nothing');

        let started!: () => void;
        const progressed = new Promise<void>((r) => (started = r));
        const killed = runner.run({ kind: 'sqlite', file }, diffJob({ kind: 'bytes', bytes: csv(500_000) }), {
          onProgress: () => started(),
        });
        killed.catch(() => undefined);
        await progressed;
        // The spill exists now (inside the job's directory); kill the worker without its finally.
        expect(readdirSync(tmp)).toHaveLength(1);
        await runner.stopAll();
        await expect(killed).rejects.toMatchObject({ code: 'INTERNAL' });
        expect(readdirSync(tmp)).toEqual([]);
        expect(runner.runningDiffs).toBe(0);
      } finally {
        await runner.stopAll();
        rmSync(tmp, { recursive: true, force: true });
      }
    });
  });
});
