/**
 * Helpers for the diff tests: temp SQLite stores (the real engine), snapshot serialisers written
 * independently of the parsers under test, chunking of a text at arbitrary byte offsets, and the
 * NAIVE ORACLE — the surface as the in-memory reference store (src-core/store/memory) folds it, and
 * an obviously-correct model of the comparison rules (docs/diff.md) that the real, spilled, paged
 * diff must agree with.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DiffRow, DiffStatus, DiffSummary, JsonValue } from '../../src-core/model/types';
import { openMemoryStore } from '../../src-core/store/memory/index';
import { openSqliteStore } from '../../src-core/store/sqlite/index';
import type { EventStore } from '../../src-core/store/types';
import { surfaceAll } from '../contract/harness';

export function tempDir(prefix = 'tm-diff-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function sqliteStore(dir: string): EventStore {
  return openSqliteStore(join(dir, 'store.db'), { synchronous: 'NORMAL' });
}

/** Files left in a directory (to check that the spill was removed). */
export function filesIn(dir: string): string[] {
  return readdirSync(dir);
}

/** The text as UTF-8 bytes cut at the given offsets (they may split a multi-byte character). */
export async function* chunked(text: string, cuts: number[] = []): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text, 'utf8');
  const points = [...new Set(cuts.map((c) => Math.max(0, Math.min(bytes.length, c))))].sort((a, b) => a - b);
  let from = 0;
  for (const p of [...points, bytes.length]) {
    if (p > from) yield bytes.subarray(from, p);
    from = p;
  }
}

export async function* textChunks(...parts: string[]): AsyncGenerator<string> {
  for (const p of parts) yield p;
}

// ---- serialisers (independent of the code under test) ----

/** CSV with every cell quoted (quotes doubled) and the given line end. */
export function toCsv(columns: string[], records: Record<string, string>[], eol = '\r\n', bom = false): string {
  const q = (s: string): string => `"${s.replace(/"/g, '""')}"`;
  let out = bom ? '\ufeff' : '';
  out += columns.map(q).join(',') + eol;
  for (const r of records) out += columns.map((c) => q(r[c] ?? '')).join(',') + eol;
  return out;
}

export function toJsonArray(records: Record<string, JsonValue>[]): string {
  return '[\n' + records.map((r) => '  ' + JSON.stringify(r)).join(',\n') + '\n]\n';
}

export function toNdjson(records: Record<string, JsonValue>[], eol = '\n'): string {
  return records.map((r) => JSON.stringify(r) + eol).join('');
}

// ---- the naive oracle ----

export interface OracleTxn {
  events: { key: string; data: JsonValue }[];
}

/**
 * The valid surface after these transactions (numbered from 1) with the `invalid` ones invalidated,
 * as the in-memory reference store folds it: key -> {data, txn}.
 */
export async function oracleSurface(
  txns: OracleTxn[],
  invalid: Set<number>,
): Promise<Map<string, { data: JsonValue; txn: number }>> {
  const oracle = openMemoryStore();
  for (const t of txns) await oracle.append('oracle', { events: t.events });
  for (const txn of invalid) await oracle.invalidate('oracle', txn, 'oracle');
  const surface = new Map<string, { data: JsonValue; txn: number }>();
  for (const row of await surfaceAll(oracle, 'oracle')) surface.set(row.key, { data: row.data, txn: row.txn });
  await oracle.close();
  return surface;
}

function sortDeep(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, JsonValue> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortDeep(v[k]!);
    return out;
  }
  return v;
}

const canon = (v: JsonValue): string => JSON.stringify(sortDeep(v));

function asCell(v: JsonValue | undefined): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'object') return canon(v);
  return String(v);
}

export interface OracleOptions {
  keyField: string;
  fields?: string[];
  ignore?: string[];
  csv: boolean;
  /** Snapshot field -> store field, renamed before comparing. */
  map?: Record<string, string>;
  /** Numbers this close are equal (the tests use values a double holds exactly, so plain subtraction is exact). */
  tolerance?: number | Record<string, number>;
  trim?: boolean;
  lowerCase?: boolean;
}

/** A CSV cell that is a number under a tolerance: JSON number grammar, finite. */
const CELL_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

/** Whether two field values are equal under the oracle's options (docs/diff.md, the naive way). */
function sameValue(a: JsonValue | undefined, b: JsonValue | undefined, field: string, o: OracleOptions): boolean {
  const tol = typeof o.tolerance === 'number' ? o.tolerance : o.tolerance?.[field];
  if (tol !== undefined) {
    const x = typeof a === 'number' ? a : null;
    const y = typeof b === 'number' ? b : o.csv && typeof b === 'string' && CELL_NUMBER.test(b) ? Number(b) : null;
    if (x !== null && y !== null && Number.isFinite(y)) return Math.abs(x - y) <= tol;
  }
  const norm = (s: string): string => {
    const t = o.trim === true ? s.trim() : s;
    return o.lowerCase === true ? t.toLowerCase() : t;
  };
  if (o.csv) {
    if (typeof a === 'object' && a !== null) return asCell(a) === asCell(b);
    return norm(asCell(a)) === norm(asCell(b));
  }
  if (a === undefined || b === undefined) return a === b;
  if (typeof a === 'string' && typeof b === 'string') return norm(a) === norm(b);
  return canon(a) === canon(b);
}

export function oracleDiff(
  surface: Map<string, { data: JsonValue; txn: number }>,
  snapshot: Record<string, JsonValue>[],
  o: OracleOptions,
): { summary: DiffSummary; rows: { key: string; status: DiffStatus; fields: string[]; txn: number | null }[] } {
  const snap = new Map<string, Record<string, JsonValue>>();
  for (const raw of snapshot) {
    const r: Record<string, JsonValue> = {};
    for (const [f, v] of Object.entries(raw)) r[o.map?.[f] ?? f] = v;
    const k = r[o.keyField];
    snap.set(typeof k === 'string' ? k : JSON.stringify(k), r);
  }
  const keys = [...new Set([...surface.keys(), ...snap.keys()])];
  // Code-point order, the naive way: compare arrays of code points.
  const cps = (s: string): number[] => Array.from(s, (ch) => ch.codePointAt(0)!);
  keys.sort((a, b) => {
    const x = cps(a);
    const y = cps(b);
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
    return x.length - y.length;
  });
  const summary: DiffSummary = {
    equal: 0,
    different: 0,
    missingInStore: 0,
    missingInSnapshot: 0,
    snapshotRecords: snapshot.length,
    surfaceRows: surface.size,
  };
  const rows: { key: string; status: DiffStatus; fields: string[]; txn: number | null }[] = [];
  const ignore = new Set(o.ignore ?? []);
  for (const key of keys) {
    const st = surface.get(key);
    const sn = snap.get(key);
    if (st === undefined) {
      summary.missingInStore++;
      rows.push({ key, status: 'missingInStore', fields: [], txn: null });
      continue;
    }
    if (sn === undefined) {
      summary.missingInSnapshot++;
      rows.push({ key, status: 'missingInSnapshot', fields: [], txn: st.txn });
      continue;
    }
    const data = st.data;
    const obj: Record<string, JsonValue> =
      typeof data === 'object' && data !== null && !Array.isArray(data) ? data : { value: data };
    const names = (o.fields ?? Object.keys(sn).filter((k) => k !== o.keyField)).filter((k) => !ignore.has(k));
    const differ: string[] = [];
    for (const f of names) {
      const a = Object.hasOwn(obj, f) ? obj[f] : undefined;
      const b = Object.hasOwn(sn, f) ? sn[f] : undefined;
      if (!sameValue(a, b, f, o)) differ.push(f);
    }
    if (differ.length === 0) summary.equal++;
    else summary.different++;
    rows.push({ key, status: differ.length === 0 ? 'equal' : 'different', fields: differ, txn: st.txn });
  }
  return { summary, rows };
}

/** The comparable part of real diff rows. */
export function shape(rows: DiffRow[]): { key: string; status: DiffStatus; fields: string[]; txn: number | null }[] {
  return rows.map((r) => ({ key: r.key, status: r.status, fields: r.fields, txn: r.store?.txn ?? null }));
}

/** A cell's string form the way an upstream CSV export would write a store value. */
export { asCell };
