/**
 * Diff benchmark (`npx tsx bench/diff.ts`, or the `diff` section of `npm run bench`): builds a
 * topic of 1,000,000 keys in a SQLite store (transactions of 10,000 events) and a 1,000,000-record
 * CSV snapshot of it with differences (1,000 changed, 500 missing, 500 extra, records in scattered
 * key order), then runs `diffSnapshot` in a child process and reports wall time, records/s and the
 * child's peak RSS (maxRSS). Baseline, measured in the same run in its own child: just reading the
 * whole surface in pages of 10,000 plus parsing the whole snapshot (no spill, no compare).
 * Targets: < 15 s and < 1 GiB. TIDEMARK_BENCH_SCALE (e.g. 0.1) shrinks the sizes for a smoke run.
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { diffSnapshot } from '../src-core/diff/index';
import { parseSnapshot } from '../src-core/diff/parse';
import type { DiffSummary, EventInput } from '../src-core/model/types';
import { openSqliteStore } from '../src-core/store/sqlite/index';
import { SCALE, fmtInt, isMain, printTable, scaled, tempDir, tradeEvent } from './util';

const N = scaled(1_000_000, 1000);
const TOPIC = 'bench.diff';
const TARGET_MS = 15_000;
const TARGET_RSS = 1024 * 1024 * 1024;

interface ChildResult {
  ms: number;
  /** CPU time of the child, all threads (user + system). */
  cpuMs: number;
  /** CPU time of the child's main thread (Linux /proc; null elsewhere): the wall time on an idle machine. */
  mainCpuMs: number | null;
  maxRssBytes: number;
  summary?: DiffSummary;
  records?: number;
  surfaceRows?: number;
}

/** Writes the topic: N keys, 10,000 events per transaction. */
async function buildStore(file: string): Promise<void> {
  const store = openSqliteStore(file, { synchronous: 'NORMAL' });
  try {
    for (let i = 0; i < N; i += 10_000) {
      const events: EventInput[] = [];
      for (let j = i; j < Math.min(N, i + 10_000); j++) events.push(tradeEvent(j, N));
      await store.append(TOPIC, { events });
    }
  } finally {
    await store.close();
  }
}

/** Writes the CSV snapshot in the same scattered key order, with the differences. */
async function buildSnapshot(file: string): Promise<void> {
  const out = createWriteStream(file);
  const cols = ['account', 'instrument', 'qty', 'px', 'side'];
  let buf = 'key,' + cols.join(',') + '\r\n';
  const write = async (s: string): Promise<void> => {
    buf += s;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
      buf = '';
    }
  };
  for (let i = 0; i < N; i++) {
    if (i % 2000 === 3) continue; // missing in the snapshot
    const e = tradeEvent(i, N);
    const d = e.data as Record<string, string | number>;
    const qty = i % 1000 === 7 ? Number(d.qty) + 1 : d.qty; // different
    await write(`${e.key},${d.account},${d.instrument},${qty},${d.px},${d.side}\r\n`);
  }
  for (let i = 0; i < N / 2000; i++) await write(`X-${String(i).padStart(7, '0')},ACC-1,ISIN1,1,1.00,buy\r\n`);
  out.write(buf);
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

/** In the child: the diff itself, or the baseline (surface read + snapshot parse). */
async function child(mode: string, db: string, snap: string): Promise<void> {
  const store = openSqliteStore(db, { readonly: true });
  const started = performance.now();
  const result: ChildResult = { ms: 0, cpuMs: 0, mainCpuMs: null, maxRssBytes: 0 };
  const cpu0 = process.cpuUsage();
  const main0 = mainThreadCpuMs();
  if (mode === 'diff') {
    const r = await diffSnapshot(
      store,
      TOPIC,
      { format: 'csv', body: createReadStream(snap), size: statSync(snap).size },
      { limit: 1000 },
    );
    result.summary = r.summary;
  } else {
    let rows = 0;
    let after: string | undefined;
    for (;;) {
      const page = await store.surface(TOPIC, after !== undefined ? { after, limit: 10_000 } : { limit: 10_000 });
      rows += page.rows.length;
      if (page.next === null) break;
      after = page.next;
    }
    let records = 0;
    for await (const _ of parseSnapshot({ format: 'csv', body: createReadStream(snap) })) records++;
    result.surfaceRows = rows;
    result.records = records;
  }
  result.ms = performance.now() - started;
  const cpu = process.cpuUsage(cpu0);
  result.cpuMs = (cpu.user + cpu.system) / 1000;
  const main1 = mainThreadCpuMs();
  result.mainCpuMs = main0 !== null && main1 !== null ? main1 - main0 : null;
  result.maxRssBytes = process.resourceUsage().maxRSS * 1024;
  await store.close();
  process.stdout.write(JSON.stringify(result) + '\n');
}

/** CPU time (user + system) of this process's main thread, from /proc on Linux. */
function mainThreadCpuMs(): number | null {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms
  } catch {
    return null;
  }
}

function runChild(mode: string, db: string, snap: string): Promise<ChildResult> {
  const self = fileURLToPath(import.meta.url);
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', self, '--child', mode, db, snap], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`bench child (${mode}) exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1)!) as ChildResult);
    });
  });
}

export async function run(): Promise<void> {
  const tmp = tempDir('diff');
  try {
    const db = join(tmp.dir, 'store.db');
    const snap = join(tmp.dir, 'snapshot.csv');
    let t = performance.now();
    await buildStore(db);
    console.log(`built a topic of ${fmtInt(N)} keys in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    t = performance.now();
    await buildSnapshot(snap);
    const mib = statSync(snap).size / 1048576;
    console.log(`wrote a ${mib.toFixed(0)} MiB CSV snapshot in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    const base = await runChild('baseline', db, snap);
    const diff = await runChild('diff', db, snap);
    const records = diff.summary!.snapshotRecords;
    const line = (name: string, r: ChildResult): string[] => [
      name,
      (r.ms / 1000).toFixed(2),
      (r.cpuMs / 1000).toFixed(2),
      r.mainCpuMs === null ? 'n/a' : (r.mainCpuMs / 1000).toFixed(2),
      fmtInt(records / (r.ms / 1000)),
      (r.maxRssBytes / 1048576).toFixed(0),
    ];
    printTable(
      ['run', 'wall s', 'cpu s (all threads)', 'cpu s (main thread)', 'records/s', 'peak RSS MiB'],
      [line('baseline: read surface + parse CSV', base), line('diffSnapshot (spill + merge)', diff)],
    );
    console.log(`load average while measuring: ${loadavg()[0]!.toFixed(1)} on ${cpus().length} CPUs`);
    console.log(`summary: ${JSON.stringify(diff.summary)}`);
    const mainNote =
      diff.mainCpuMs === null
        ? ''
        : `; main-thread CPU ${(diff.mainCpuMs / 1000).toFixed(1)} s (${diff.mainCpuMs < TARGET_MS ? 'under' : 'OVER'} 15 s: the wall time on an idle machine)`;
    console.log(
      `targets (1M records): wall < 15 s: ${diff.ms < TARGET_MS ? 'met' : 'MISSED'}${SCALE !== 1 ? ' (scaled run)' : ''}${mainNote}; peak RSS < 1 GiB: ${diff.maxRssBytes < TARGET_RSS ? 'met' : 'MISSED'}; ratio to baseline ${(diff.ms / base.ms).toFixed(2)}x`,
    );
    const outDir = join(fileURLToPath(new URL('.', import.meta.url)), 'out');
    mkdirSync(outDir, { recursive: true });
    writeFileSync(
      join(outDir, 'diff.json'),
      JSON.stringify({ n: N, snapshotMiB: mib, baseline: base, diff }, null, 2) + '\n',
    );
  } finally {
    tmp.cleanup();
  }
}

if (isMain(import.meta.url)) {
  const argv = process.argv;
  if (argv[2] === '--child') await child(argv[3]!, argv[4]!, argv[5]!);
  else await run();
}
