#!/usr/bin/env node
/**
 * Measures what the job worker buys the Electron main process: how long main's event loop is
 * blocked (max and p99 delay, perf_hooks.monitorEventLoopDelay) while a large diff runs (a) inline
 * on the main thread and (b) in a job worker thread as the app does (electron/jobs.ts), against
 * the same SQLite store and snapshot. Also times a full surface export in the worker. Plain Node,
 * no Electron; the worker is the bundled dist-electron/job-worker.cjs, and tsx loads the sources:
 *
 *   npm run build:electron && npx tsx scripts/measure-main-loop.mjs [keys=100000]
 */
import { mkdtempSync, rmSync, writeFileSync, createReadStream, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { openSqliteStore } from '../src-core/store/sqlite/index.ts';
import { diffSnapshot } from '../src-core/diff/index.ts';
import { JobRunner } from '../electron/jobs.ts';

const keys = Number(process.argv[2] ?? 100_000);
const dir = mkdtempSync(path.join(tmpdir(), 'tidemark-loop-'));
const file = path.join(dir, 'store.db');
const snapshot = path.join(dir, 'snapshot.csv');

try {
  const store = openSqliteStore(file, { synchronous: 'NORMAL' });
  for (let start = 0; start < keys; start += 10_000) {
    const events = [];
    for (let i = start; i < Math.min(keys, start + 10_000); i++) {
      events.push({ key: `K-${String(i).padStart(8, '0')}`, data: { qty: i, px: String(i % 997) } });
    }
    await store.append('loop.t', { events });
  }
  const lines = ['key,qty,px'];
  for (let i = 0; i < keys; i++) lines.push(`K-${String(i).padStart(8, '0')},${i},${i % 100 === 0 ? 'x' : i % 997}`);
  writeFileSync(snapshot, lines.join('\n') + '\n');

  async function measure(label, fn) {
    const h = monitorEventLoopDelay({ resolution: 10 });
    h.enable();
    const t0 = performance.now();
    const result = await fn();
    const ms = performance.now() - t0;
    h.disable();
    const max = h.max / 1e6;
    const p99 = h.percentile(99) / 1e6;
    const p50 = h.percentile(50) / 1e6;
    console.log(
      `${label.padEnd(38)} wall ${ms.toFixed(0).padStart(6)} ms   main loop delay: max ${max.toFixed(0).padStart(4)} ms, p99 ${p99.toFixed(0).padStart(4)} ms, p50 ${p50.toFixed(0).padStart(3)} ms   ${result}`,
    );
  }

  const size = statSync(snapshot).size;
  console.log(`store: ${keys} keys; snapshot: ${keys} rows, ${(size / 1e6).toFixed(1)} MB CSV, 1% different`);

  await measure('diff inline on the main thread', async () => {
    const r = await diffSnapshot(
      store,
      'loop.t',
      { format: 'csv', body: createReadStream(snapshot), size },
      { limit: 100 },
    );
    return `different=${r.summary.different}`;
  });

  // The bundled worker of the app (npm run build:electron), loading Node's own better-sqlite3.
  const jobs = new JobRunner(path.resolve('dist-electron/job-worker.cjs'));
  await measure('diff in a job worker (the app)', async () => {
    const r = await jobs.run(
      { kind: 'sqlite', file },
      { job: 'diff', topic: 'loop.t', source: { kind: 'path', path: snapshot }, fileName: 'snapshot.csv', limit: 100 },
    );
    return `different=${r.summary.different}`;
  });
  await measure('surface export (CSV) in a job worker', async () => {
    const r = await jobs.run(
      { kind: 'sqlite', file },
      { job: 'export', topic: 'loop.t', req: { format: 'csv' }, file: path.join(dir, 'out.csv') },
    );
    return `rows=${r.rows}`;
  });
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
