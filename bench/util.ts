/**
 * Small helpers shared by the benchmark sections: the TIDEMARK_BENCH_SCALE factor, "was this file
 * run directly?", temp directories that are always removed, a monotonic clock, medians, number formatting, an aligned results table, and the generator of
 * realistic trade-like events every section writes (so figures are comparable across sections).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { canonicalJson } from '../src-core/model/canonical';
import type { EventInput } from '../src-core/model/types';
import { hashCanonical } from '../src-core/store/hash';

/** TIDEMARK_BENCH_SCALE: every section's sizes are multiplied by it (default 1). */
export const SCALE = Number(process.env.TIDEMARK_BENCH_SCALE ?? '1') || 1;

/** The PostgreSQL the PostgreSQL sections and harnesses use (TIDEMARK_BENCH_PG_URL). */
export const PG_URL = process.env.TIDEMARK_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** `PG_URL` with `database` in place of its database. */
export function pgUrlFor(database: string): string {
  const u = new URL(PG_URL);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * The raw baselines' events table, `table` (the store's events shape: its columns, primary key and
 * key index; bench/engine.ts's SQLite one is its own), as the statements that create it.
 */
export function rawEventsTableSql(table: string): string[] {
  return [
    `CREATE TABLE ${table} (
    topic_id integer NOT NULL, seq bigint NOT NULL, txn bigint NOT NULL, key text COLLATE "C" NOT NULL,
    type text NOT NULL, data text NOT NULL, tomb boolean NOT NULL, content_type text NOT NULL,
    hash text NOT NULL, time text NOT NULL, target bigint, reason text, PRIMARY KEY (topic_id, seq))`,
    `CREATE INDEX ON ${table} (topic_id, key, seq DESC)`,
  ];
}

/** An event as the raw baselines insert it: its key, data as canonical JSON and content hash. */
export interface RawRow {
  key: string;
  data: string;
  hash: string;
}

/** `e` as a raw row (serialised and hashed ahead of a baseline's clock). */
export function rawRowOf(e: EventInput): RawRow {
  const data = canonicalJson(e.data);
  return { key: e.key, data, hash: hashCanonical(data) };
}

/** `x` times SCALE, rounded, at least `min`. */
export function scaled(x: number, min = 1): number {
  return Math.max(min, Math.round(x * SCALE));
}

/** Whether the module of `metaUrl` (its `import.meta.url`) is the script node was started with. */
export function isMain(metaUrl: string): boolean {
  const invoked = process.argv[1];
  return invoked !== undefined && metaUrl === pathToFileURL(invoked).href;
}

/** A fresh temp directory, removed by the returned cleanup (also on failure of the caller). */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `tidemark-bench-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const now = (): number => performance.now();

/** Where sections write their JSON figures: TIDEMARK_BENCH_OUT, default bench/out (git-ignored). */
export function writeFigures(section: string, figures: unknown): string {
  const dir = process.env.TIDEMARK_BENCH_OUT ?? 'bench/out';
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${section}.json`);
  writeFileSync(file, JSON.stringify(figures, null, 2) + '\n');
  return file;
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function fmtMs(ms: number): string {
  return ms < 10 ? ms.toFixed(2) : ms.toFixed(1);
}

export function pct(ratio: number): string {
  return `${(ratio * 100).toFixed(0)}%`;
}

/** What a bench prints beside a figure that has a target. */
export function verdict(ok: boolean): 'PASS' | 'MISS' {
  return ok ? 'PASS' : 'MISS';
}

/**
 * A table's two target cells for a ratio that must reach `target` (`>= 60%`, PASS or MISS), or
 * two empty ones for a figure shown without a target.
 */
export function targetCells(ratio: number, target: number | null, none = ''): [string, string] {
  if (target === null) return [none, ''];
  return [`>= ${pct(target)}`, verdict(ratio >= target)];
}

/** Prints rows as an aligned table with a header line. */
export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

/** Key of the i-th event when `keys` distinct keys are cycled through in a scattered order. */
export function keyOf(i: number, keys: number): string {
  // 7919 is prime and does not divide the key counts used, so consecutive events hit spread keys.
  return keyName((i * 7919) % keys);
}

/** The name of key number k: `T-0000042`. */
export function keyName(k: number): string {
  return `T-${String(k).padStart(7, '0')}`;
}

/** A trade-like event (~110 bytes of JSON); `version` changes the content for the same key. */
export function tradeEvent(i: number, keys: number, version = i): EventInput {
  return {
    key: keyOf(i, keys),
    data: {
      account: `ACC-${i % 97}`,
      instrument: `ISIN${String(i % 5003).padStart(8, '0')}`,
      qty: (version % 500) + 1,
      px: ((version % 10000) / 100 + 50).toFixed(2),
      side: version % 2 === 0 ? 'buy' : 'sell',
    },
  };
}

/** Keys the PostgreSQL write section's events spread over (bench/pg.ts and its harnesses). */
export const PG_KEYS = 20_000;

/**
 * The PostgreSQL write section's workload: `count` trade events from event `offset` on over
 * PG_KEYS keys, in transactions of `perTxn` (bench/pg.ts, pg-set-ab.ts, pg-set-loop.ts).
 */
export function tradeTxns(count: number, perTxn: number, offset = 0): EventInput[][] {
  const txns: EventInput[][] = [];
  for (let i = 0; i < count; i += perTxn) {
    const events: EventInput[] = [];
    for (let j = i; j < Math.min(count, i + perTxn); j++) events.push(tradeEvent(offset + j, PG_KEYS));
    txns.push(events);
  }
  return txns;
}

/**
 * `value` formatted, followed by its ratio to `base` (the same figure at the smallest size of a
 * scaling table): `12.3 (1.04x)`. Ratios read "flat" near 1.00x; a missing base prints `n/a`.
 */
export function withRatio(value: number, base: number, fmt: (x: number) => string): string {
  const ratio = Number.isFinite(value) && Number.isFinite(base) && base !== 0 ? `${(value / base).toFixed(2)}x` : 'n/a';
  return `${fmt(value)} (${ratio})`;
}

/** CPU a bench server child reports in its `cpu {"userMs":…,"systemMs":…}` line. */
export interface ChildCpu {
  userMs: number;
  systemMs: number;
}

/** A bench server child's stdout, gathered from its start (see `listening`). */
export interface ChildStdout {
  /** The URL of its `listening on URL` line. */
  url: string;
  /** Everything it has written so far. */
  text: () => string;
  /** Its `cpu {…}` line (written as it exits), or null before that. */
  cpu: () => ChildCpu | null;
}

/**
 * Waits for a bench server child (bench/http-server.ts, bench/fanout-server.ts) to print
 * `listening on URL`, gathering its stdout from the start; rejects, naming `what`, if it exits first.
 */
export async function listening(proc: ChildProcess, what: string): Promise<ChildStdout> {
  let out = '';
  const stdout = proc.stdout;
  if (stdout === null) throw new Error(`${what}: its stdout is not a pipe`);
  stdout.setEncoding('utf8');
  const url = await new Promise<string>((resolve, reject) => {
    stdout.on('data', (d: string) => {
      out += d;
      const m = /listening on (\S+)\n/.exec(out);
      if (m) resolve(m[1]!);
    });
    proc.once('exit', (code) => reject(new Error(`${what} exited (${code}) before listening`)));
  });
  return {
    url,
    text: () => out,
    cpu: () => {
      const m = /^cpu (\{.*\})$/m.exec(out);
      return m ? (JSON.parse(m[1]!) as ChildCpu) : null;
    },
  };
}
