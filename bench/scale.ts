/**
 * How cost grows (issue 14): `npm run bench -- scale`, NOT part of the default run (it takes
 * minutes). At 1x, 4x and 16x a base size (250,000 events by default, times TIDEMARK_BENCH_SCALE:
 * 250k, 1M and 4M events over a tenth as many keys) it measures, each figure followed by its ratio
 * to the 1x row so "flat" reads as ~1.00x:
 * - append: a topic built through `appendBatch` (10 transactions of 1,000 events per call, one
 *   SQLite transaction), events/s and CPU µs per event, against the raw baseline of bench/engine.ts
 *   (better-sqlite3 inserts into a table with our indexes and pragmas, 10,000 rows per transaction)
 *   grown beside it: a chunk of 10,000 events goes to the raw file, then the same events to
 *   Tidemark, so load from elsewhere hits both alike. Event generation is outside the timings.
 * - surface: the first page of 100 rows (median of 200) and a full scan in pages of 10,000
 *   (µs per row, median of 3), on the topic just built.
 * - diff: a CSV snapshot of the surface (one record per key, in scattered order; every 1,000th
 *   changed, every 2,000th missing, as many extra) against the surface, and its baseline (read the
 *   surface + parse the CSV), each in a child process under the same `--max-old-space-size`,
 *   alternating TIDEMARK_BENCH_SCALE_RUNS times (default 3), with bench/diff.ts's child runner:
 *   medians of wall, µs per record and peak RSS (anonymous = the process's own, file = the store's
 *   memory map).
 * - verify: `EventStore.verify` of the topic in a child process, µs per event and peak RSS.
 * Writes bench/out/scale.json.
 */
import { closeSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { EventInput } from '../src-core/model/types';
import { openSqliteStore } from '../src-core/store/sqlite/index';
import { type ChildResult, HEAP_MB, Sampler, mainThreadCpuMs, runChild } from './diff';
import { ENGINE_PRAGMAS, RAW_SCHEMA } from './engine';
import {
  fmtInt,
  fmtMs,
  isMain,
  median,
  now,
  printTable,
  scaled,
  tempDir,
  tradeEvent,
  withRatio,
  writeFigures,
  rawRowOf,
} from './util';

const BASE = scaled(250_000, 10_000);
const FACTORS = [1, 4, 16] as const;
const PER_TXN = 1000;
const CHUNK = 10 * PER_TXN;
const TOPIC = 'bench.scale';
const RUNS = Math.max(1, Number(process.env.TIDEMARK_BENCH_SCALE_RUNS ?? '3') || 3);
const FIRST_PAGE_RUNS = 200;
const MiB = 1048576;

interface Rate {
  eventsPerSec: number;
  cpuUsPerEvent: number;
}

interface Memory {
  wallMs: number;
  usPerItem: number;
  rssMiB: number;
  anonMiB: number;
  fileMiB: number;
}

interface SizeFigures {
  factor: number;
  events: number;
  keys: number;
  fileMiB: number;
  raw: Rate;
  append: Rate;
  firstPageMs: number;
  scanUsPerRow: number;
  diffBaseline: Memory;
  diff: Memory;
  verify: Memory;
  loadAverage: number;
}

/** Grows the raw baseline and the Tidemark topic side by side, 10,000 events at a time. */
async function build(dir: string, events: number, keys: number): Promise<{ raw: Rate; append: Rate; db: string }> {
  const rawFile = join(dir, 'raw.db');
  const db = join(dir, 'store.db');
  const raw = new Database(rawFile);
  const store = openSqliteStore(db, { synchronous: 'FULL' });
  const spent = { rawMs: 0, rawCpu: 0, tmMs: 0, tmCpu: 0 };
  try {
    for (const p of ENGINE_PRAGMAS) raw.pragma(p);
    raw.exec(RAW_SCHEMA);
    const ins = raw.prepare(
      'INSERT INTO events (topic_id, seq, txn, key, data, hash, time) VALUES (1, ?, ?, ?, ?, ?, ?)',
    );
    const rawTxn = raw.transaction((rows: string[][], first: number, txn: number) => {
      const time = Date.now();
      for (let i = 0; i < rows.length; i++) ins.run(first + i, txn, rows[i]![0], rows[i]![1], rows[i]![2], time);
    });
    for (let start = 0, call = 0; start < events; start += CHUNK, call++) {
      const end = Math.min(events, start + CHUNK);
      const txns: { topic: string; events: EventInput[] }[] = [];
      const rows: string[][] = [];
      for (let i = start; i < end; i++) {
        const e = tradeEvent(i, keys);
        if ((i - start) % PER_TXN === 0) txns.push({ topic: TOPIC, events: [] });
        txns.at(-1)!.events.push(e);
        const r = rawRowOf(e);
        rows.push([r.key, r.data, r.hash]);
      }
      let t0 = now();
      let c0 = process.cpuUsage();
      rawTxn.immediate(rows, start + 1, call + 1);
      let c = process.cpuUsage(c0);
      spent.rawMs += now() - t0;
      spent.rawCpu += c.user + c.system;
      t0 = now();
      c0 = process.cpuUsage();
      const res = await store.appendBatch(txns);
      c = process.cpuUsage(c0);
      spent.tmMs += now() - t0;
      spent.tmCpu += c.user + c.system;
      if (res.error !== null) throw new Error(res.error.message);
    }
    const info = await store.topicInfo(TOPIC);
    if (info.events !== events || info.keys !== keys) {
      throw new Error(`expected ${events} events over ${keys} keys, got ${info.events}/${info.keys}`);
    }
  } finally {
    raw.close();
    await store.close();
    for (const s of ['', '-wal', '-shm']) rmSync(rawFile + s, { force: true });
  }
  const rate = (ms: number, cpuUs: number): Rate => ({
    eventsPerSec: events / (ms / 1000),
    cpuUsPerEvent: cpuUs / events,
  });
  return { raw: rate(spent.rawMs, spent.rawCpu), append: rate(spent.tmMs, spent.tmCpu), db };
}

/** First page (median ms) and full scan (µs per row, median of 3) of the topic's surface. */
async function surface(db: string, keys: number): Promise<{ firstPageMs: number; scanUsPerRow: number }> {
  const store = openSqliteStore(db, { readonly: true });
  try {
    const first: number[] = [];
    for (let i = 0; i < FIRST_PAGE_RUNS; i++) {
      const t0 = now();
      await store.surface(TOPIC, { limit: 100 });
      first.push(now() - t0);
    }
    const scans: number[] = [];
    for (let r = 0; r < 3; r++) {
      const t0 = now();
      let rows = 0;
      let after: string | undefined;
      for (;;) {
        const page = await store.surface(TOPIC, after === undefined ? { limit: 10_000 } : { limit: 10_000, after });
        rows += page.rows.length;
        if (page.next === null) break;
        after = page.next;
      }
      if (rows !== keys) throw new Error(`surface scan returned ${rows} rows, expected ${keys}`);
      scans.push(((now() - t0) * 1000) / rows);
    }
    return { firstPageMs: median(first), scanUsPerRow: median(scans) };
  } finally {
    await store.close();
  }
}

/** A stride coprime with n, so that (i * stride) % n visits every index once in scattered order. */
function scatterStride(n: number): number {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  let s = 7919;
  while (gcd(s, n) !== 1) s += 2;
  return s;
}

/** Writes a CSV snapshot of the surface with differences; returns its records. */
async function snapshot(db: string, file: string): Promise<number> {
  const store = openSqliteStore(db, { readonly: true });
  const lines: string[] = [];
  try {
    let after: string | undefined;
    for (;;) {
      const page = await store.surface(TOPIC, after === undefined ? { limit: 10_000 } : { limit: 10_000, after });
      for (const r of page.rows) {
        const i = lines.length;
        const d = r.data as Record<string, string | number>;
        const qty = i % 1000 === 7 ? Number(d.qty) + 1 : d.qty; // different
        lines.push(`${r.key},${d.account},${d.instrument},${qty},${d.px},${d.side}\r\n`);
      }
      if (page.next === null) break;
      after = page.next;
    }
  } finally {
    await store.close();
  }
  const n = lines.length;
  for (let i = 0; i < n; i += 2000) lines[i + 3] = ''; // missing in the snapshot
  for (let i = 0; i < n / 2000; i++) lines.push(`X-${String(i).padStart(7, '0')},ACC-1,ISIN1,1,1.00,buy\r\n`);
  const stride = scatterStride(lines.length);
  const fd = openSync(file, 'w');
  try {
    let buf = 'key,account,instrument,qty,px,side\r\n';
    let records = 0;
    for (let j = 0; j < lines.length; j++) {
      const line = lines[(j * stride) % lines.length]!;
      if (line !== '') records++;
      buf += line;
      if (buf.length > 1 << 20) {
        writeSync(fd, buf);
        buf = '';
      }
    }
    writeSync(fd, buf);
    return records;
  } finally {
    closeSync(fd);
  }
}

function memoryOf(rs: ChildResult[], items: number): Memory {
  const med = (f: (r: ChildResult) => number): number => median(rs.map(f));
  const wallMs = med((r) => r.ms);
  return {
    wallMs,
    usPerItem: (wallMs * 1000) / items,
    rssMiB: med((r) => r.peaks.rss) / MiB,
    anonMiB: med((r) => r.peaks.anon) / MiB,
    fileMiB: med((r) => r.peaks.file) / MiB,
  };
}

async function measure(factor: number): Promise<SizeFigures> {
  const events = BASE * factor;
  const keys = Math.round(events / 10);
  const tmp = tempDir('scale');
  try {
    console.log(`${factor}x: building ${fmtInt(events)} events over ${fmtInt(keys)} keys...`);
    const t0 = now();
    const { raw, append, db } = await build(tmp.dir, events, keys);
    const fileMiB = statSync(db).size / MiB;
    console.log(`  built in ${((now() - t0) / 1000).toFixed(0)} s (store file ${fileMiB.toFixed(0)} MiB)`);
    const s = await surface(db, keys);
    const snap = join(tmp.dir, 'snapshot.csv');
    const records = await snapshot(db, snap);
    const base: ChildResult[] = [];
    const diff: ChildResult[] = [];
    const loads: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      base.push(await runChild('baseline', db, snap, { topic: TOPIC }));
      diff.push(await runChild('diff', db, snap, { topic: TOPIC }));
      loads.push(loadavg()[0]!);
    }
    const verify = [await runChild('verify', db, '-', { topic: TOPIC, script: fileURLToPath(import.meta.url) })];
    return {
      factor,
      events,
      keys,
      fileMiB,
      raw,
      append,
      ...s,
      diffBaseline: memoryOf(base, records),
      diff: memoryOf(diff, records),
      verify: memoryOf(verify, events),
      loadAverage: median(loads),
    };
  } finally {
    tmp.cleanup();
  }
}

/** In the child: verify the topic, reporting wall, CPU and memory peaks like bench/diff.ts's children. */
async function verifyChild(db: string, topic: string): Promise<void> {
  const store = openSqliteStore(db, { readonly: true });
  const sampler = new Sampler();
  sampler.enter('verify');
  const cpu0 = process.cpuUsage();
  const main0 = mainThreadCpuMs();
  const t0 = now();
  const r = await store.verify(topic);
  const ms = now() - t0;
  if (!r.ok) throw new Error(`verify failed: ${r.firstBad?.message}`);
  const cpu = process.cpuUsage(cpu0);
  const main1 = mainThreadCpuMs();
  sampler.stop();
  const result: ChildResult = {
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    mainCpuMs: main0 !== null && main1 !== null ? main1 - main0 : null,
    peaks: { rss: process.resourceUsage().maxRSS * 1024, ...sampler.peak },
    phases: sampler.phases,
    records: r.events,
  };
  await store.close();
  process.stdout.write(JSON.stringify(result) + '\n');
}

function print(figures: SizeFigures[]): void {
  const b = figures[0]!;
  const size = (f: SizeFigures): string => `${f.factor}x ${fmtInt(f.events)} / ${fmtInt(f.keys)}`;
  const us = (x: number): string => x.toFixed(2);
  const mib = (x: number): string => x.toFixed(0);
  const memory = (m: Memory, bm: Memory): string[] => [
    withRatio(m.wallMs / 1000, bm.wallMs / 1000, (x) => x.toFixed(1)),
    withRatio(m.usPerItem, bm.usPerItem, us),
    withRatio(m.rssMiB, bm.rssMiB, mib),
    `${mib(m.anonMiB)} / ${mib(m.fileMiB)}`,
  ];
  console.log('\nappend (events / keys; each figure with its ratio to the 1x row)');
  printTable(
    ['size', 'raw events/s', 'raw CPU µs/event', 'tidemark events/s', 'tidemark CPU µs/event', 'tidemark / raw'],
    figures.map((f) => [
      size(f),
      withRatio(f.raw.eventsPerSec, b.raw.eventsPerSec, fmtInt),
      withRatio(f.raw.cpuUsPerEvent, b.raw.cpuUsPerEvent, us),
      withRatio(f.append.eventsPerSec, b.append.eventsPerSec, fmtInt),
      withRatio(f.append.cpuUsPerEvent, b.append.cpuUsPerEvent, us),
      `${((100 * f.append.eventsPerSec) / f.raw.eventsPerSec).toFixed(0)}%`,
    ]),
  );
  console.log('\nsurface');
  printTable(
    ['size', 'store file MiB', 'first page ms (median)', 'full scan µs/row'],
    figures.map((f) => [
      size(f),
      withRatio(f.fileMiB, b.fileMiB, mib),
      withRatio(f.firstPageMs, b.firstPageMs, fmtMs),
      withRatio(f.scanUsPerRow, b.scanUsPerRow, us),
    ]),
  );
  console.log(`\ndiff: snapshot of one record per key vs the surface; medians of ${RUNS} alternating pairs,`);
  console.log(`each a child under --max-old-space-size=${HEAP_MB}; RSS split anonymous / file-backed (store map)`);
  printTable(
    ['size', 'run', 'wall s', 'µs/record', 'peak RSS MiB', 'anon / file MiB', 'vs baseline (wall, RSS)'],
    figures.flatMap((f) => [
      [size(f), 'baseline', ...memory(f.diffBaseline, b.diffBaseline), ''],
      [
        '',
        'diff',
        ...memory(f.diff, b.diff),
        `${(f.diff.wallMs / f.diffBaseline.wallMs).toFixed(2)}x, ${(f.diff.rssMiB / f.diffBaseline.rssMiB).toFixed(2)}x`,
      ],
    ]),
  );
  console.log('\nverify (one child each)');
  printTable(
    ['size', 'wall s', 'µs/event', 'peak RSS MiB', 'anon / file MiB'],
    figures.map((f) => [size(f), ...memory(f.verify, b.verify)]),
  );
  const loads = figures.map((f) => f.loadAverage.toFixed(1)).join(' / ');
  console.log(`\nload average while measuring diff (1x / 4x / 16x): ${loads} on ${cpus().length} CPUs`);
}

export async function run(): Promise<void> {
  const started = now();
  console.log(`scale: base ${fmtInt(BASE)} events (TIDEMARK_BENCH_SCALE), sizes ${FACTORS.join('x, ')}x`);
  const figures: SizeFigures[] = [];
  for (const f of FACTORS) figures.push(await measure(f));
  print(figures);
  console.log(`scale section took ${((now() - started) / 1000).toFixed(0)} s`);
  console.log(`figures written to ${writeFigures('scale', { when: new Date().toISOString(), base: BASE, figures })}`);
}

if (isMain(import.meta.url)) {
  const argv = process.argv;
  if (argv[2] === '--child' && argv[3] === 'verify') await verifyChild(argv[4]!, argv[6]!);
  else await run();
}
