/**
 * The real diff with its comparison options (map, tolerance, normalise) against the naive oracle
 * (helpers.ts `oracleDiff`, which renames, subtracts and trims the obvious way) on random data:
 * store values and near-copies of them in the snapshot (numbers moved by a little, strings padded
 * or re-cased, fields under upstream names), all three formats, every mix of the options. Numbers
 * are ones a double holds exactly (halves, quarters), so the oracle's plain subtraction is exact
 * and any disagreement is the engine's.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffSnapshot } from '../../src-core/diff/index';
import type { SnapshotFormat } from '../../src-core/diff/types';
import type { JsonValue } from '../../src-core/model/types';
import type { EventStore } from '../../src-core/store/types';
import {
  asCell,
  oracleDiff,
  oracleSurface,
  shape,
  sqliteStore,
  tempDir,
  textChunks,
  toCsv,
  toJsonArray,
  toNdjson,
} from './helpers';

const KEYS = ['k1', 'k2', 'k3', 'k4', 'k5', 'k6'];
const STORE_VALUES: JsonValue[] = [1, 2.5, -0.25, 0, 100, 'Buy', 'sell', ' x ', 'X', '1.5', true, null, { n: 'A' }];
/** How a snapshot value relates to the store's. */
const NUDGES = ['same', 'plus quarter', 'plus one', 'pad', 'upper', 'number as text', 'other'] as const;
type Nudge = (typeof NUDGES)[number];

function nudged(v: JsonValue, how: Nudge, other: JsonValue): JsonValue {
  switch (how) {
    case 'same':
      return v;
    case 'plus quarter':
      return typeof v === 'number' ? v + 0.25 : v;
    case 'plus one':
      return typeof v === 'number' ? v + 1 : v;
    case 'pad':
      return typeof v === 'string' ? `  ${v} ` : v;
    case 'upper':
      return typeof v === 'string' ? v.toUpperCase() : v;
    case 'number as text':
      return typeof v === 'number' ? `${v}.0` : v;
    case 'other':
      return other;
  }
}

/** Upstream names for the store's fields `a` and `b` (renamed back by `map` when it is given). */
const UPSTREAM: Record<string, string> = { a: 'Alpha', b: 'Beta' };

let dir: { dir: string; cleanup: () => void };
let store: EventStore;
let run = 0;

beforeAll(() => {
  dir = tempDir();
  store = sqliteStore(dir.dir);
});
afterAll(async () => {
  await store.close();
  dir.cleanup();
});

function serialise(format: SnapshotFormat, records: Record<string, JsonValue>[], columns: string[]): string {
  if (format === 'json') return toJsonArray(records);
  if (format === 'ndjson') return toNdjson(records);
  return toCsv(columns, records as Record<string, string>[]);
}

describe('diffSnapshot with options agrees with the naive oracle', () => {
  it('on random stores, near-copies, formats and options', async () => {
    const value = fc.constantFrom(...STORE_VALUES);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ a: value, b: value }), { minLength: KEYS.length, maxLength: KEYS.length }),
        fc.array(fc.tuple(fc.constantFrom(...NUDGES), fc.constantFrom(...NUDGES), fc.boolean(), value), {
          minLength: KEYS.length,
          maxLength: KEYS.length,
        }),
        fc.constantFrom<SnapshotFormat>('csv', 'json', 'ndjson'),
        fc.record({
          mapped: fc.boolean(),
          tolerance: fc.option(fc.constantFrom<number | Record<string, number>>(0, 0.25, 1, { a: 0.5 }, { b: 0 }), {
            nil: undefined,
          }),
          trim: fc.boolean(),
          lowerCase: fc.boolean(),
        }),
        async (data, plan, format, o) => {
          const topic = `o${++run}`;
          await store.append(topic, { events: KEYS.map((key, i) => ({ key, data: data[i]! })) });
          const surface = await oracleSurface([{ events: KEYS.map((key, i) => ({ key, data: data[i]! })) }], new Set());
          const csv = format === 'csv';
          const name = (f: string): string => (o.mapped ? UPSTREAM[f]! : f);
          const records: Record<string, JsonValue>[] = [];
          KEYS.forEach((key, i) => {
            const [na, nb, present, other] = plan[i]!;
            if (!present) return;
            const d = data[i]!;
            const a = nudged(d.a, na, other);
            const b = nudged(d.b, nb, other);
            records.push({ key, [name('a')]: csv ? asCell(a) : a, [name('b')]: csv ? asCell(b) : b });
          });
          const normalise: ('trim' | 'case')[] = [];
          if (o.trim) normalise.push('trim');
          if (o.lowerCase) normalise.push('case');
          const map = o.mapped ? { Alpha: 'a', Beta: 'b' } : undefined;
          // Without the map the snapshot's names are compared as they are (the store has no such fields).
          const expected = oracleDiff(surface, records, {
            keyField: 'key',
            csv,
            ...(map !== undefined ? { map } : {}),
            ...(o.tolerance !== undefined ? { tolerance: o.tolerance } : {}),
            trim: o.trim,
            lowerCase: o.lowerCase,
          });
          const result = await diffSnapshot(
            store,
            topic,
            { format, body: textChunks(serialise(format, records, ['key', name('a'), name('b')])) },
            {
              includeEqual: true,
              ...(map !== undefined ? { map } : {}),
              ...(o.tolerance !== undefined ? { tolerance: o.tolerance } : {}),
              ...(normalise.length > 0 ? { normalise } : {}),
            },
          );
          expect(result.summary).toEqual(expected.summary);
          expect(shape(result.rows)).toEqual(expected.rows);
        },
      ),
      { numRuns: 150 },
    );
  });
});
