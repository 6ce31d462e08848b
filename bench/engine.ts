/**
 * Engine benchmark: the SQLite backend against a raw better-sqlite3 baseline measured in the same
 * run, on temp files, with the same durability (WAL, synchronous=FULL). The baseline inserts
 * pre-serialised rows into a table with the same primary key and index as the engine's `events`
 * table — (a) one row per transaction, (b) 1000 rows per transaction. Tidemark then appends the
 * same kind of events with 1, 100 and 1000 events per transaction (its time includes canonical
 * JSON, hashing, de-duplication and the maintained surface/txn/topic tables); baseline and
 * Tidemark runs alternate over a few rounds; rates are medians and each ratio is the median of
 * the per-round ratios. The baseline uses the engine's own pragmas (page size, WAL, cache). Finally, on a topic
 * of 1M events over 100k keys: the first surface page (100 rows, median of many), pages further
 * in, and a full surface scan in pages of 10,000. Prints events/s, ratios and targets; writes the
 * figures to bench/out/engine.json (or $TIDEMARK_BENCH_OUT). TIDEMARK_BENCH_SCALE (e.g. 0.1) shrinks every size for a
 * quick smoke run.
 */
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { EventInput } from '../src-core/model/types';
import { openSqliteStore } from '../src-core/store/sqlite/index';
import { FILE_PRAGMAS, MEMORY_PRAGMAS } from '../src-core/store/sqlite/open';
import {
  fmtInt,
  fmtMs,
  SCALE,
  keyName,
  median,
  now,
  pct,
  percentile,
  printTable,
  scaled,
  targetCells,
  tempDir,
  tradeEvent,
  verdict,
  writeFigures,
  type RawRow,
  rawRowOf,
} from './util';

const n = scaled;

const SIZES = {
  /** Alternating rounds of baseline and Tidemark runs; each figure is the median over rounds. */
  rounds: 3,
  singleTxns: n(1500),
  batchedEvents: n(50_000),
  batched100Events: n(20_000),
  keys: n(100_000),
  surfaceEvents: n(1_000_000),
  surfaceKeys: n(100_000),
  firstPageRuns: 300,
  asOfRuns: 5,
};

const TARGETS = {
  // Issue 14 (the performance issue): 1000 events per transaction at >= 55% of the raw baseline.
  batchedRatio: 0.55,
  singleRatio: 0.3,
  firstPageMs: 20,
  scanRowsPerSec: 200_000,
};

/** The engine's `events` table and its index (src-core/store/sqlite/schema.ts, v1). */
export const RAW_SCHEMA = `
  CREATE TABLE events (
    topic_id INTEGER NOT NULL, seq INTEGER NOT NULL, txn INTEGER NOT NULL, key TEXT NOT NULL,
    marker INTEGER NOT NULL DEFAULT 0, data TEXT, content_type TEXT, hash TEXT NOT NULL,
    time INTEGER NOT NULL, invalid INTEGER NOT NULL DEFAULT 0, target INTEGER, reason TEXT,
    PRIMARY KEY (topic_id, seq)
  ) WITHOUT ROWID;
  CREATE INDEX events_by_key ON events (topic_id, key, seq);`;

/**
 * The connection settings the engine uses (src-core/store/sqlite/open.ts), so the baseline differs
 * from Tidemark only in what is written, not in tuning.
 */
export const ENGINE_PRAGMAS = [...FILE_PRAGMAS, 'synchronous = FULL', ...MEMORY_PRAGMAS];

function rawRows(count: number, keys: number): RawRow[] {
  const rows = new Array<RawRow>(count);
  for (let i = 0; i < count; i++) {
    rows[i] = rawRowOf(tradeEvent(i, keys));
  }
  return rows;
}

/** Raw inserts, `perTxn` rows per transaction; returns rows per second. */
function rawInsert(file: string, rows: RawRow[], perTxn: number): number {
  const db = new Database(file);
  try {
    for (const p of ENGINE_PRAGMAS) db.pragma(p);
    db.exec(RAW_SCHEMA);
    const ins = db.prepare(
      'INSERT INTO events (topic_id, seq, txn, key, data, hash, time) VALUES (1, ?, ?, ?, ?, ?, ?)',
    );
    const txn = db.transaction((from: number, to: number, t: number) => {
      const time = Date.now();
      for (let i = from; i < to; i++) {
        const r = rows[i]!;
        ins.run(i + 1, t, r.key, r.data, r.hash, time);
      }
    });
    const t0 = now();
    let t = 0;
    for (let i = 0; i < rows.length; i += perTxn) txn.immediate(i, Math.min(rows.length, i + perTxn), ++t);
    return rows.length / ((now() - t0) / 1000);
  } finally {
    db.close();
  }
}

/** Tidemark appends of `count` events, `perTxn` per transaction; returns events per second. */
async function tidemarkAppend(file: string, count: number, perTxn: number, keys: number): Promise<number> {
  const store = openSqliteStore(file, { synchronous: 'FULL' });
  try {
    const txns: EventInput[][] = [];
    for (let i = 0; i < count; i += perTxn) {
      const events: EventInput[] = [];
      for (let j = i; j < Math.min(count, i + perTxn); j++) events.push(tradeEvent(j, keys));
      txns.push(events);
    }
    const t0 = now();
    for (const events of txns) await store.append('bench', { events });
    const secs = (now() - t0) / 1000;
    const info = await store.topicInfo('bench');
    if (info.events !== count) throw new Error(`expected ${count} events, the topic holds ${info.events}`);
    return count / secs;
  } finally {
    await store.close();
  }
}

interface SurfaceFigures {
  buildEventsPerSec: number;
  surfaceRows: number;
  firstPageMedianMs: number;
  firstPageP95Ms: number;
  middlePageMedianMs: number;
  rawFirstPageMedianMs: number;
  prefixPageMedianMs: number;
  asOfTxnPageMedianMs: number;
  scanRowsPerSec: number;
}

async function timeCalls(runs: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = now();
    await fn();
    out.push(now() - t0);
  }
  return out;
}

async function surfaceBench(file: string): Promise<SurfaceFigures> {
  const { surfaceEvents: total, surfaceKeys: keys } = SIZES;
  const store = openSqliteStore(file, { synchronous: 'FULL' });
  try {
    // Build: 1000 events per transaction, 10 transactions per batch call; every key gets
    // total/keys versions, interleaved.
    const t0 = now();
    for (let i = 0; i < total;) {
      const txns = [];
      for (let t = 0; t < 10 && i < total; t++) {
        const events: EventInput[] = [];
        for (let j = 0; j < 1000 && i < total; j++, i++) events.push(tradeEvent(i, keys));
        txns.push({ topic: 'surface', events });
      }
      const res = await store.appendBatch(txns);
      if (res.error !== null) throw new Error(res.error.message);
    }
    const buildEventsPerSec = total / ((now() - t0) / 1000);
    const info = await store.topicInfo('surface');
    if (info.events !== total || info.keys !== keys) {
      throw new Error(`surface topic: expected ${total} events over ${keys} keys, got ${info.events}/${info.keys}`);
    }

    const first = await timeCalls(SIZES.firstPageRuns, () => store.surface('surface', { limit: 100 }));
    const middleKey = keyName(Math.floor(keys / 2));
    const middle = await timeCalls(SIZES.firstPageRuns, () =>
      store.surface('surface', { limit: 100, after: middleKey }),
    );
    const raw = await timeCalls(SIZES.firstPageRuns, () => store.surface('surface', { limit: 100, view: 'raw' }));
    const prefix = await timeCalls(SIZES.firstPageRuns, () =>
      store.surface('surface', { limit: 100, prefix: middleKey.slice(0, -2) }),
    );
    const asOf = await timeCalls(SIZES.asOfRuns, () =>
      store.surface('surface', { limit: 100, asOfTxn: Math.floor(info.maxTxn / 2) }),
    );

    const scans: number[] = [];
    let rows = 0;
    for (let r = 0; r < 3; r++) {
      const s0 = now();
      rows = 0;
      let after: string | undefined;
      for (;;) {
        const page = await store.surface('surface', after === undefined ? { limit: 10_000 } : { limit: 10_000, after });
        rows += page.rows.length;
        if (page.next === null) break;
        after = page.next;
      }
      scans.push(rows / ((now() - s0) / 1000));
    }
    if (rows !== keys) throw new Error(`full scan returned ${rows} rows, expected ${keys}`);
    return {
      buildEventsPerSec,
      surfaceRows: rows,
      firstPageMedianMs: median(first),
      firstPageP95Ms: percentile(first, 95),
      middlePageMedianMs: median(middle),
      rawFirstPageMedianMs: median(raw),
      prefixPageMedianMs: median(prefix),
      asOfTxnPageMedianMs: median(asOf),
      scanRowsPerSec: median(scans),
    };
  } finally {
    await store.close();
  }
}

export async function run(): Promise<void> {
  const tmp = tempDir('engine');
  const started = now();
  try {
    console.log(`engine: temp files in ${tmp.dir}; WAL, synchronous=FULL; scale ${SCALE} (TIDEMARK_BENCH_SCALE)\n`);
    const load = loadavg()[0]!;
    if (load > cpus().length) {
      console.log(
        `note: load average ${load.toFixed(1)} on ${cpus().length} cores: other work competes, figures are low`,
      );
    }
    const singleRows = rawRows(SIZES.singleTxns, SIZES.keys);
    const batchRows = rawRows(SIZES.batchedEvents, SIZES.keys);
    const runs = {
      rawSingle: [] as number[],
      rawBatched100: [] as number[],
      rawBatched: [] as number[],
      tm1: [] as number[],
      tm100: [] as number[],
      tm1000: [] as number[],
    };
    // Baseline and Tidemark alternate, so a burst of load from elsewhere hits both alike.
    for (let r = 0; r < SIZES.rounds; r++) {
      const f = (name: string): string => join(tmp.dir, `${name}-${r}.db`);
      runs.rawSingle.push(rawInsert(f('raw-single'), singleRows, 1));
      runs.tm1.push(await tidemarkAppend(f('tm-1'), SIZES.singleTxns, 1, SIZES.keys));
      runs.rawBatched.push(rawInsert(f('raw-batched'), batchRows, 1000));
      runs.tm1000.push(await tidemarkAppend(f('tm-1000'), SIZES.batchedEvents, 1000, SIZES.keys));
      runs.rawBatched100.push(rawInsert(f('raw-batched-100'), batchRows.slice(0, SIZES.batched100Events), 100));
      runs.tm100.push(await tidemarkAppend(f('tm-100'), SIZES.batched100Events, 100, SIZES.keys));
    }
    // Ratios are taken per round (a baseline run and the Tidemark run right after it), then the
    // median: adjacent runs see similar load from elsewhere.
    const paired = (a: number[], b: number[]): number => median(a.map((x, i) => x / b[i]!));
    const ratio = {
      single: paired(runs.tm1, runs.rawSingle),
      batched100: paired(runs.tm100, runs.rawBatched100),
      batched1000: paired(runs.tm1000, runs.rawBatched),
    };
    const rawSingle = median(runs.rawSingle);
    const rawBatched = median(runs.rawBatched);
    const rawBatched100 = median(runs.rawBatched100);
    const tm1 = median(runs.tm1);
    const tm100 = median(runs.tm100);
    const tm1000 = median(runs.tm1000);

    printTable(
      ['append (median of rounds)', 'events', 'events/s', 'vs baseline', 'target', ''],
      [
        ['raw insert, 1 row/txn', fmtInt(SIZES.singleTxns), fmtInt(rawSingle), 'baseline', '', ''],
        ['raw insert, 100 rows/txn', fmtInt(SIZES.batched100Events), fmtInt(rawBatched100), 'baseline', '', ''],
        ['raw insert, 1000 rows/txn', fmtInt(SIZES.batchedEvents), fmtInt(rawBatched), 'baseline', '', ''],
        [
          'tidemark, 1 event/txn',
          fmtInt(SIZES.singleTxns),
          fmtInt(tm1),
          pct(ratio.single),
          ...targetCells(ratio.single, TARGETS.singleRatio),
        ],
        [
          'tidemark, 100 events/txn (vs raw 100/txn)',
          fmtInt(SIZES.batched100Events),
          fmtInt(tm100),
          pct(ratio.batched100),
          '',
          '',
        ],
        [
          'tidemark, 1000 events/txn',
          fmtInt(SIZES.batchedEvents),
          fmtInt(tm1000),
          pct(ratio.batched1000),
          ...targetCells(ratio.batched1000, TARGETS.batchedRatio),
        ],
      ],
    );

    console.log(
      `\nsurface: building a topic of ${fmtInt(SIZES.surfaceEvents)} events over ${fmtInt(SIZES.surfaceKeys)} keys...`,
    );
    const s = await surfaceBench(join(tmp.dir, 'surface.db'));
    console.log(`(built at ${fmtInt(s.buildEventsPerSec)} events/s, 10 x 1000-event txns per batch call)\n`);
    printTable(
      ['surface', 'figure', 'target', ''],
      [
        [
          'first page, 100 rows (median)',
          `${fmtMs(s.firstPageMedianMs)} ms`,
          `< ${TARGETS.firstPageMs} ms`,
          verdict(s.firstPageMedianMs < TARGETS.firstPageMs),
        ],
        ['first page, 100 rows (p95)', `${fmtMs(s.firstPageP95Ms)} ms`, '', ''],
        ['page after the middle key (median)', `${fmtMs(s.middlePageMedianMs)} ms`, '', ''],
        ['first page, view=raw (median)', `${fmtMs(s.rawFirstPageMedianMs)} ms`, '', ''],
        ['first page, prefix (median)', `${fmtMs(s.prefixPageMedianMs)} ms`, '', ''],
        ['first page, asOfTxn=half (median)', `${fmtMs(s.asOfTxnPageMedianMs)} ms`, '', ''],
        [
          `full scan, pages of 10,000 (${fmtInt(s.surfaceRows)} rows)`,
          `${fmtInt(s.scanRowsPerSec)} rows/s`,
          `>= ${fmtInt(TARGETS.scanRowsPerSec)}`,
          verdict(s.scanRowsPerSec >= TARGETS.scanRowsPerSec),
        ],
      ],
    );
    const seconds = (now() - started) / 1000;
    console.log(`\nengine section took ${seconds.toFixed(1)} s`);
    const figures = {
      when: new Date().toISOString(),
      scale: SCALE,
      sizes: SIZES,
      loadAverage: load,
      append: { rawSingle, rawBatched100, rawBatched, tm1, tm100, tm1000, runs },
      ratios: ratio,
      surface: s,
      seconds,
    };
    console.log(`figures written to ${writeFigures('engine', figures)}`);
  } finally {
    tmp.cleanup();
  }
}
