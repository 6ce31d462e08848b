/**
 * The real diff (spilled to SQLite, merged with the real SQLite engine's paged surface) against
 * the naive in-memory oracle (helpers.ts) on random data: every category, tombstones, invalidated
 * transactions, unicode keys in code-point order, all three formats chunked at random byte
 * offsets, explicit fields / ignore / key field, limit and truncation, equal rows on request, and
 * `onRow` seeing every row. The spill directory must be empty afterwards.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffSnapshot } from '../../src-core/diff/index';
import type { SnapshotFormat } from '../../src-core/diff/types';
import type { DiffRow, JsonValue } from '../../src-core/model/types';
import type { EventStore } from '../../src-core/store/types';
import {
  type OracleTxn,
  asCell,
  chunked,
  filesIn,
  oracleDiff,
  oracleSurface,
  shape,
  sqliteStore,
  tempDir,
  toCsv,
  toJsonArray,
  toNdjson,
} from './helpers';

const KEYS = ['a', 'b', 'B', '0', 'é', 'e\u0301', '中', '😀', '\uffff', 'a b', 'k,1', 'q"q', 'z\nz', 'zz', '𝔸x'];
const VALUES: JsonValue[] = [
  1,
  2,
  1.5,
  '1',
  'x',
  'x,y',
  'q"q',
  'line\nbreak',
  true,
  false,
  null,
  '',
  { n: 1, m: [1] },
  [1, 'a'],
];
const FIELDS = ['a', 'b', 'c'];

const value = fc.constantFrom(...VALUES);
const data: fc.Arbitrary<JsonValue> = fc.oneof(
  { weight: 6, arbitrary: fc.dictionary(fc.constantFrom(...FIELDS), value, { maxKeys: 3 }) },
  { weight: 1, arbitrary: value.filter((v) => v !== null) },
  { weight: 1, arbitrary: fc.constant(null) },
);
const txns = fc.array(fc.array(fc.record({ key: fc.constantFrom(...KEYS), data }), { minLength: 1, maxLength: 8 }), {
  minLength: 1,
  maxLength: 6,
});
/** Per key: what the snapshot holds (0 absent, 1 a copy of the store, 2 a copy with one field changed, 3 random). */
const plan = fc.array(fc.constantFrom(0, 1, 1, 2, 3), { minLength: KEYS.length, maxLength: KEYS.length });

let dir: { dir: string; cleanup: () => void };
let spillDir: { dir: string; cleanup: () => void };
let store: EventStore;
let run = 0;

beforeAll(() => {
  dir = tempDir();
  spillDir = tempDir('tm-diff-spill-');
  store = sqliteStore(dir.dir);
});
afterAll(async () => {
  await store.close();
  dir.cleanup();
  spillDir.cleanup();
});

/** Writes the transactions, invalidates some; returns the oracle's view of what was stored. */
async function build(topic: string, ts: { key: string; data: JsonValue }[][], invalid: number[]) {
  const stored: OracleTxn[] = [];
  const storedTxnNo: number[] = [];
  for (const events of ts) {
    const res = await store.append(topic, { events });
    if (res.txn === null) continue;
    stored.push({ events: events.filter((_, i) => !res.results[i]!.duplicate) });
    storedTxnNo.push(res.txn);
  }
  const bad = new Set<number>();
  for (const i of invalid) {
    const txn = storedTxnNo[i % Math.max(1, storedTxnNo.length)];
    if (txn === undefined || bad.has(txn)) continue;
    await store.invalidate(topic, txn, 'test');
    bad.add(txn);
  }
  // Stored transactions are numbered densely from 1 in this topic (markers come after them).
  return { stored, bad };
}

function snapshotFor(
  surface: Map<string, { data: JsonValue; txn: number }>,
  p: number[],
  keyField: string,
  csv: boolean,
  pick: (i: number) => JsonValue,
): Record<string, JsonValue>[] {
  const out: Record<string, JsonValue>[] = [];
  KEYS.forEach((key, i) => {
    const what = p[i]!;
    if (what === 0) return;
    const st = surface.get(key);
    let fields: Record<string, JsonValue>;
    if (st === undefined || what === 3) {
      fields = { a: pick(i), b: pick(i + 1) };
    } else {
      const d = st.data;
      fields = typeof d === 'object' && d !== null && !Array.isArray(d) ? { ...d } : { value: d };
      if (what === 2) fields.a = pick(i);
    }
    const rec: Record<string, JsonValue> = { [keyField]: key };
    for (const [k, v] of Object.entries(fields)) rec[k] = csv ? asCell(v) : v;
    out.push(rec);
  });
  return out;
}

function serialise(
  format: SnapshotFormat,
  records: Record<string, JsonValue>[],
  keyField: string,
  crlf: boolean,
): string {
  if (format === 'json') return toJsonArray(records);
  if (format === 'ndjson') return toNdjson(records, crlf ? '\r\n' : '\n');
  return toCsv([keyField, 'a', 'b', 'c', 'value'], records as Record<string, string>[], crlf ? '\r\n' : '\n', crlf);
}

describe('diffSnapshot agrees with the naive oracle', () => {
  it('on random stores, snapshots, formats and options', async () => {
    await fc.assert(
      fc.asyncProperty(
        txns,
        fc.array(fc.nat(), { maxLength: 3 }),
        plan,
        fc.constantFrom<SnapshotFormat>('csv', 'json', 'ndjson'),
        fc.record({
          keyField: fc.constantFrom('key', 'id'),
          fields: fc.option(fc.constantFrom<string[]>(['a'], ['a', 'b'], ['value', 'c']), { nil: undefined }),
          ignore: fc.option(fc.constantFrom<string[]>(['b'], ['value']), { nil: undefined }),
          limit: fc.option(fc.nat({ max: 6 }), { nil: undefined }),
          includeEqual: fc.boolean(),
        }),
        fc.array(fc.nat({ max: 2000 }), { maxLength: 6 }),
        fc.boolean(),
        fc.nat(),
        async (ts, invalid, p, format, o, cuts, crlf, seed) => {
          const topic = `t${++run}`;
          const { stored, bad } = await build(topic, ts, invalid);
          const csv = format === 'csv';
          const pick = (i: number): JsonValue => VALUES[(seed + i * 7) % VALUES.length]!;
          const surface = await oracleSurface(stored, bad);
          // A CSV record has every header column (empty cells included), so the oracle sees that too.
          const columns = [o.keyField, 'a', 'b', 'c', 'value'];
          const records = snapshotFor(surface, p, o.keyField, csv, pick).map((r) =>
            csv ? Object.fromEntries(columns.map((c) => [c, r[c] ?? ''])) : r,
          );
          const fields = o.fields?.filter((f) => !(o.ignore ?? []).includes(f));
          if (fields !== undefined && fields.length === 0) return; // rejected up front, tested elsewhere
          const expected = oracleDiff(surface, records, { keyField: o.keyField, fields, ignore: o.ignore, csv });

          const seen: DiffRow[] = [];
          const result = await diffSnapshot(
            store,
            topic,
            { format, body: chunked(serialise(format, records, o.keyField, crlf), cuts) },
            { ...o, pageSize: 1 + (seed % 4), tmpDir: spillDir.dir, onRow: (r) => void seen.push(r) },
          );
          const wanted = expected.rows.filter((r) => o.includeEqual || r.status !== 'equal');
          const limit = o.limit ?? 1000;
          expect(result.summary).toEqual(expected.summary);
          expect(shape(result.rows)).toEqual(wanted.slice(0, limit));
          expect(result.truncated).toBe(wanted.length > limit);
          expect(shape(seen)).toEqual(wanted);
          for (const r of seen) {
            if (r.store !== null) expect(r.store.key).toBe(r.key);
            if (r.snapshot !== null) expect(r.snapshot[o.keyField]).toBe(r.key);
          }
          expect(filesIn(spillDir.dir)).toEqual([]);
        },
      ),
      { numRuns: 120 },
    );
  });
});
