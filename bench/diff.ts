/**
 * Diff benchmark (`npx tsx bench/diff.ts`, or the `diff` section of `npm run bench`): builds a
 * topic of 1,000,000 keys in a SQLite store (transactions of 10,000 events) and a 1,000,000-record
 * CSV snapshot of it with differences (1,000 changed, 500 missing, 500 extra, records in scattered
 * key order), then runs `diffSnapshot` in a child process and reports wall time, records/s and the
 * child's peak RSS (maxRSS), with the peaks of its anonymous memory, of its file-backed pages (the
 * store's memory map) and of the V8 heap, sampled every 20 ms. Baseline, each run in its own
 * child: just reading the whole surface in pages of 10,000 plus parsing the whole snapshot (no
 * spill, no compare). Both children run under the same `--max-old-space-size`
 * (TIDEMARK_BENCH_DIFF_HEAP_MB, default 1024), alternating baseline and diff
 * TIDEMARK_BENCH_DIFF_RUNS times (default 5), and the medians are compared.
 * Targets: diff wall ≤ 1.2× and peak RSS ≤ 1.2× the baseline's. TIDEMARK_BENCH_SCALE (e.g. 0.1,
 * or 4 for 4M) scales the sizes. TIDEMARK_BENCH_DIFF_DATA=<dir> keeps the built store and
 * snapshot there (one pair per size) and reuses them in later runs.
 */
import { spawn } from 'node:child_process';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
} from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getHeapStatistics } from 'node:v8';
import { diffSnapshot } from '../src-core/diff/index';
import { parseSnapshot } from '../src-core/diff/parse';
import type { DiffSummary, EventInput } from '../src-core/model/types';
import { openSqliteStore } from '../src-core/store/sqlite/index';
import { fmtInt, isMain, median, printTable, scaled, tempDir, tradeEvent, writeFigures } from './util';

const N = scaled(1_000_000, 1000);
const TOPIC = 'bench.diff';
const RUNS = Math.max(1, Number(process.env.TIDEMARK_BENCH_DIFF_RUNS ?? '5') || 5);
export const HEAP_MB = Math.max(64, Number(process.env.TIDEMARK_BENCH_DIFF_HEAP_MB ?? '1024') || 1024);
const TARGET_RATIO = 1.2;
const MiB = 1048576;

/** Peaks of one child's memory, in bytes. */
export interface Peaks {
  /** Peak resident set (getrusage maxRSS: the kernel's high-water mark, catches every spike). */
  rss: number;
  /** Sampled peaks of anonymous and file-backed resident pages (/proc/self/status) and V8 heap. */
  anon: number;
  file: number;
  heap: number;
}

export interface ChildResult {
  ms: number;
  /** CPU time of the child, all threads (user + system). */
  cpuMs: number;
  /** CPU time of the child's main thread (Linux /proc; null elsewhere): its wall time on an idle machine. */
  mainCpuMs: number | null;
  peaks: Peaks;
  /** Sampled peaks per phase (diff: load, sort, compare; baseline: surface, parse). */
  phases: Record<string, Omit<Peaks, 'rss'>>;
  /** Wall time per phase, ms. */
  phaseMs?: Record<string, number>;
  /** When each phase began, ms since the child started (performance.now(): lines up with --trace-gc). */
  phaseAt?: Record<string, number>;
  summary?: DiffSummary;
  records?: number;
  surfaceRows?: number;
}

/** Writes the topic: n keys, 10,000 events per transaction. */
async function buildStore(file: string, n: number): Promise<void> {
  const store = openSqliteStore(file, { synchronous: 'NORMAL' });
  try {
    for (let i = 0; i < n; i += 10_000) {
      const events: EventInput[] = [];
      for (let j = i; j < Math.min(n, i + 10_000); j++) events.push(tradeEvent(j, n));
      await store.append(TOPIC, { events });
    }
  } finally {
    await store.close();
  }
}

/** Writes the CSV snapshot in the same scattered key order, with the differences. */
async function buildSnapshot(file: string, n: number): Promise<void> {
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
  for (let i = 0; i < n; i++) {
    if (i % 2000 === 3) continue; // missing in the snapshot
    const e = tradeEvent(i, n);
    const d = e.data as Record<string, string | number>;
    const qty = i % 1000 === 7 ? Number(d.qty) + 1 : d.qty; // different
    await write(`${e.key},${d.account},${d.instrument},${qty},${d.px},${d.side}\r\n`);
  }
  for (let i = 0; i < n / 2000; i++) await write(`X-${String(i).padStart(7, '0')},ACC-1,ISIN1,1,1.00,buy\r\n`);
  out.write(buf);
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

/** The store and snapshot of size n in `dir`, built unless a previous run left them there. */
async function prepare(dir: string, n: number): Promise<{ db: string; snap: string }> {
  const db = join(dir, `store-${n}.db`);
  const snap = join(dir, `snapshot-${n}.csv`);
  if (!existsSync(db)) {
    const t = performance.now();
    await buildStore(db + '.part', n);
    renameSync(db + '.part', db);
    console.log(`built a topic of ${fmtInt(n)} keys in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  if (!existsSync(snap)) {
    const t = performance.now();
    await buildSnapshot(snap + '.part', n);
    renameSync(snap + '.part', snap);
    const mib = statSync(snap).size / MiB;
    console.log(`wrote a ${mib.toFixed(0)} MiB CSV snapshot in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  return { db, snap };
}

/** Anonymous and file-backed resident bytes of this process (Linux; zeros elsewhere). */
function residentKinds(): { anon: number; file: number } {
  try {
    const s = readFileSync('/proc/self/status', 'utf8');
    const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(s)?.[1] ?? 0) * 1024;
    return { anon: kb('RssAnon'), file: kb('RssFile') + kb('RssShmem') };
  } catch {
    return { anon: 0, file: 0 };
  }
}

/** Samples memory every 20 ms, keeping the peaks overall and per phase. */
export class Sampler {
  phase = '';
  readonly phases: Record<string, Omit<Peaks, 'rss'>> = {};
  readonly peak = { anon: 0, file: 0, heap: 0 };
  /** Wall time spent in each phase, ms. */
  readonly phaseMs: Record<string, number> = {};
  /** When each phase first began, ms since the process started. */
  readonly phaseAt: Record<string, number> = {};
  private since = performance.now();
  private readonly timer = setInterval(() => this.sample(), 20);

  sample(): void {
    const r = residentKinds();
    const heap = getHeapStatistics().used_heap_size;
    const p = (this.phases[this.phase] ??= { anon: 0, file: 0, heap: 0 });
    for (const t of [this.peak, p]) {
      t.anon = Math.max(t.anon, r.anon);
      t.file = Math.max(t.file, r.file);
      t.heap = Math.max(t.heap, heap);
    }
  }

  enter(phase: string): void {
    if (phase === this.phase) return;
    this.sample();
    this.lap();
    this.phase = phase;
    this.phaseAt[phase] ??= performance.now();
  }

  private lap(): void {
    const now = performance.now();
    if (this.phase !== '') this.phaseMs[this.phase] = (this.phaseMs[this.phase] ?? 0) + now - this.since;
    this.since = now;
  }

  stop(): void {
    this.sample();
    this.lap();
    clearInterval(this.timer);
  }
}

/** In the child: the diff itself, or the baseline (surface read + snapshot parse), of `topic`. */
async function child(mode: string, db: string, snap: string, topic = TOPIC): Promise<void> {
  const store = openSqliteStore(db, { readonly: true });
  const sampler = new Sampler();
  const started = performance.now();
  const result: ChildResult = {
    ms: 0,
    cpuMs: 0,
    mainCpuMs: null,
    peaks: { rss: 0, anon: 0, file: 0, heap: 0 },
    phases: {},
  };
  const cpu0 = process.cpuUsage();
  const main0 = mainThreadCpuMs();
  if (mode === 'diff') {
    sampler.enter('load');
    const r = await diffSnapshot(
      store,
      topic,
      { format: 'csv', body: createReadStream(snap), size: statSync(snap).size },
      { limit: 1000 },
      // The phase after the load's last report is the sort, until the first compare report.
      { onProgress: (p) => sampler.enter(p.phase === 'load' && p.done === p.total ? 'sort' : (p.phase ?? '')) },
    );
    result.summary = r.summary;
  } else {
    sampler.enter('surface');
    let rows = 0;
    let after: string | undefined;
    for (;;) {
      const page = await store.surface(topic, after !== undefined ? { after, limit: 10_000 } : { limit: 10_000 });
      rows += page.rows.length;
      if (page.next === null) break;
      after = page.next;
    }
    sampler.enter('parse');
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
  sampler.stop();
  result.peaks = { rss: process.resourceUsage().maxRSS * 1024, ...sampler.peak };
  result.phases = sampler.phases;
  result.phaseMs = sampler.phaseMs;
  result.phaseAt = sampler.phaseAt;
  await store.close();
  process.stdout.write(JSON.stringify(result) + '\n');
}

/** CPU time (user + system) of this process's main thread, from /proc on Linux. */
export function mainThreadCpuMs(): number | null {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms
  } catch {
    return null;
  }
}

/**
 * Runs one child under `--max-old-space-size=HEAP_MB` (the same for the baseline and the diff):
 * `script --child mode db snap topic`, this file's diff or baseline by default; bench/scale.ts
 * runs its own child modes through it. The child prints its ChildResult as its last stdout line.
 */
export function runChild(
  mode: string,
  db: string,
  snap: string,
  opts: { topic?: string; script?: string } = {},
): Promise<ChildResult> {
  const script = opts.script ?? fileURLToPath(import.meta.url);
  const args = [`--max-old-space-size=${HEAP_MB}`, '--import', 'tsx', script, '--child', mode, db, snap];
  args.push(opts.topic ?? TOPIC);
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`bench child (${mode}) exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1)!) as ChildResult);
    });
  });
}

const mib = (b: number): string => (b / MiB).toFixed(0);

export async function run(): Promise<void> {
  const keep = process.env.TIDEMARK_BENCH_DIFF_DATA;
  const tmp = keep === undefined ? tempDir('diff') : null;
  try {
    const dir = keep ?? tmp!.dir;
    mkdirSync(dir, { recursive: true });
    const { db, snap } = await prepare(dir, N);
    const base: ChildResult[] = [];
    const diff: ChildResult[] = [];
    const loads: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      // Alternating, so the machine's load (shared) hits both alike.
      base.push(await runChild('baseline', db, snap));
      diff.push(await runChild('diff', db, snap));
      loads.push(loadavg()[0]!);
    }
    const records = diff[0]!.summary!.snapshotRecords;
    const med = (rs: ChildResult[], f: (r: ChildResult) => number): number => median(rs.map(f));
    const line = (name: string, rs: ChildResult[]): string[] => [
      name,
      (med(rs, (r) => r.ms) / 1000).toFixed(2),
      (med(rs, (r) => r.cpuMs) / 1000).toFixed(2),
      (med(rs, (r) => r.mainCpuMs ?? Number.NaN) / 1000).toFixed(2),
      fmtInt(records / (med(rs, (r) => r.ms) / 1000)),
      mib(med(rs, (r) => r.peaks.rss)),
      mib(med(rs, (r) => r.peaks.anon)),
      mib(med(rs, (r) => r.peaks.file)),
      mib(med(rs, (r) => r.peaks.heap)),
    ];
    console.log(
      `${fmtInt(N)} records x ${fmtInt(N)} keys; medians of ${RUNS} alternating runs, --max-old-space-size=${HEAP_MB}`,
    );
    printTable(
      ['run', 'wall s', 'cpu s', 'main-thread cpu s', 'records/s', 'peak RSS MiB', 'anon MiB', 'file MiB', 'heap MiB'],
      [line('baseline: read surface + parse CSV', base), line('diffSnapshot (spill + merge)', diff)],
    );
    for (const [name, rs] of [
      ['baseline', base],
      ['diff', diff],
    ] as const) {
      const phases = Object.keys(rs[0]!.phases).filter((p) => p !== '');
      const each = phases.map((p) => {
        const m = (f: (x: Omit<Peaks, 'rss'>) => number): string =>
          mib(med(rs, (r) => (r.phases[p] ? f(r.phases[p]) : 0)));
        const secs = (med(rs, (r) => r.phaseMs?.[p] ?? 0) / 1000).toFixed(2);
        return `${p} ${secs} s, anon ${m((x) => x.anon)} / file ${m((x) => x.file)} / heap ${m((x) => x.heap)}`;
      });
      console.log(`  ${name} by phase (wall; peaks MiB): ${each.join('; ')}`);
    }
    console.log(`load average while measuring: ${median(loads).toFixed(1)} on ${cpus().length} CPUs (median)`);
    console.log(`summary: ${JSON.stringify(diff[0]!.summary)}`);
    const wall = med(diff, (r) => r.ms) / med(base, (r) => r.ms);
    const rss = med(diff, (r) => r.peaks.rss) / med(base, (r) => r.peaks.rss);
    const verdict = (x: number): string => `${x.toFixed(2)}x (${x <= TARGET_RATIO ? 'met' : 'MISSED'})`;
    const mainCpu = med(diff, (r) => r.mainCpuMs ?? Number.NaN) / med(base, (r) => r.mainCpuMs ?? Number.NaN);
    console.log(`targets (≤ ${TARGET_RATIO}x the baseline): wall ${verdict(wall)}; peak RSS ${verdict(rss)}`);
    console.log(
      `main-thread CPU ${mainCpu.toFixed(2)}x the baseline's (the wall ratio on an idle machine, where the worker has its own core)`,
    );
    writeFigures('diff', {
      n: N,
      runs: RUNS,
      heapMb: HEAP_MB,
      snapshotMiB: statSync(snap).size / MiB,
      baseline: base,
      diff,
    });
  } finally {
    tmp?.cleanup();
  }
}

if (isMain(import.meta.url)) {
  const argv = process.argv;
  if (argv[2] === '--child') await child(argv[3]!, argv[4]!, argv[5]!, argv[6]);
  else await run();
}
