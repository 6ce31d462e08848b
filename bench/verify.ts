/**
 * Verify benchmark (the `verify` section of `npm run bench`, or `npx tsx bench/verify.ts`): what
 * `EventStore.verify` costs on a SQLite file at 1x and 4x a topic size (one-event keys spread
 * over transactions of 10 events, a tenth of keys rewritten, one invalidation). Baseline, in the
 * same run and on the same file: reading every event through `readEvents` in pages of 10,000 (what
 * any client must do to check the log itself), so the ratio is verify's cost over a plain read.
 * Also the growth of the JS heap during the verify (its peak over the value before it, sampled at
 * every progress report, i.e. every 1,000 transactions, after a full GC when node runs with
 * --expose-gc, so it is what verify keeps alive), which must stay about the same at 4x: verify
 * reads in bounded pages. The verify timings of a --expose-gc run include those GCs. Writes bench/out/verify.json. TIDEMARK_BENCH_SCALE
 * shrinks the topic for a smoke run.
 */
import { join } from 'node:path';
import { openSqliteStore } from '../src-core/store/sqlite/index';
import type { EventStore } from '../src-core/store/types';
import { fmtInt, fmtMs, isMain, median, now, printTable, scaled, tempDir, writeFigures } from './util';

const BASE_EVENTS = scaled(100_000, 2000);
const PER_TXN = 10;
const RUNS = 3;
const TOPIC = 'bench.verify';

const gc = (globalThis as { gc?: () => void }).gc;

async function fill(store: EventStore, events: number): Promise<void> {
  const keys = Math.ceil(events * 0.9);
  for (let start = 0; start < events; start += PER_TXN * 100) {
    const txns = [];
    for (let t = start; t < Math.min(events, start + PER_TXN * 100); t += PER_TXN) {
      txns.push({
        topic: TOPIC,
        events: Array.from({ length: Math.min(PER_TXN, events - t) }, (_, j) => {
          const i = t + j;
          return { key: `k${String(i % keys).padStart(8, '0')}`, data: { i, name: `item ${i}`, px: i / 7 } };
        }),
      });
    }
    const r = await store.appendBatch(txns);
    if (r.error !== null) throw new Error(r.error.message);
  }
  await store.invalidate(TOPIC, 3, 'bench');
}

async function readAll(store: EventStore): Promise<number> {
  let after = 0;
  let n = 0;
  for (;;) {
    const page = await store.readEvents(TOPIC, { after, limit: 10_000 });
    n += page.events.length;
    if (page.next === null) return n;
    after = page.next;
  }
}

interface Figure {
  scale: number;
  events: number;
  baselineMs: number;
  verifyMs: number;
  ratio: number;
  heapGrowthMiB: number;
}

async function measure(scale: number): Promise<Figure> {
  const { dir, cleanup } = tempDir('tidemark-bench-verify-');
  const store = openSqliteStore(join(dir, 'v.db'));
  try {
    await fill(store, BASE_EVENTS * scale);
    const info = await store.topicInfo(TOPIC);
    const base: number[] = [];
    const ver: number[] = [];
    let growth = 0;
    for (let i = 0; i < RUNS; i++) {
      let t0 = now();
      await readAll(store);
      base.push(now() - t0);
      gc?.();
      const before = process.memoryUsage().heapUsed;
      let peak = before;
      t0 = now();
      const r = await store.verify(TOPIC, {
        onProgress: () => {
          // With --expose-gc: what verify keeps alive (not garbage awaiting collection).
          gc?.();
          peak = Math.max(peak, process.memoryUsage().heapUsed);
        },
      });
      ver.push(now() - t0);
      if (!r.ok) throw new Error(`verify failed: ${r.firstBad?.message}`);
      growth = Math.max(growth, (peak - before) / 1048576);
    }
    const b = median(base);
    const v = median(ver);
    return { scale, events: info.events, baselineMs: b, verifyMs: v, ratio: v / b, heapGrowthMiB: growth };
  } finally {
    await store.close();
    cleanup();
  }
}

export async function run(): Promise<void> {
  if (gc === undefined) console.log('(run node with --expose-gc for a steadier heap figure)');
  const figures = [await measure(1), await measure(4)];
  printTable(
    ['scale', 'events', 'read all (ms)', 'verify (ms)', 'verify / read', 'heap growth (MiB)'],
    figures.map((f) => [
      `${f.scale}x`,
      fmtInt(f.events),
      fmtMs(f.baselineMs),
      fmtMs(f.verifyMs),
      f.ratio.toFixed(2),
      f.heapGrowthMiB.toFixed(1),
    ]),
  );
  console.log(
    `heap growth 4x / 1x: ${(figures[1]!.heapGrowthMiB / Math.max(0.1, figures[0]!.heapGrowthMiB)).toFixed(2)}`,
  );
  console.log(`written to ${writeFigures('verify', figures)}`);
}

if (isMain(import.meta.url)) await run();
