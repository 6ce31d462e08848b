/** After a repair: the keys the new diff no longer lists shown as equal and linked to their repair transaction. */
import { describe, expect, it } from 'vitest';
import type { DiffResult, DiffRow, StoredEvent } from '../../src-core/model/types';
import { repairedOf, withRepaired } from './repaired-rows';

const ev = (key: string, txn: number, data: StoredEvent['data'] = { v: 1 }): StoredEvent => ({
  topic: 't',
  seq: txn * 10,
  txn,
  key,
  type: 'event',
  data,
  contentType: 'application/json',
  hash: 'h',
  time: '2026-01-01T00:00:00.000Z',
});
const row = (key: string): DiffRow => ({ key, status: 'different', fields: ['v'], store: null, snapshot: null });
const result = (rows: DiffRow[], truncated = false): DiffResult => ({
  summary: {
    equal: 0,
    different: rows.length,
    missingInStore: 0,
    missingInSnapshot: 0,
    snapshotRecords: 0,
    surfaceRows: 0,
  },
  rows,
  truncated,
  asOf: { maxSeq: 0, maxTxn: 0 },
});

describe('repaired rows', () => {
  it('shows each repaired key the new diff no longer lists as equal, linked to its repair txn, in key order', () => {
    const rows = withRepaired(result([row('B')]), repairedOf([ev('C', 5), ev('A', 5)]));
    expect(rows.map((r) => [r.key, r.status, r.store?.txn ?? null])).toEqual([
      ['A', 'equal', 5],
      ['B', 'different', null],
      ['C', 'equal', 5],
    ]);
  });

  it('keeps the real status of a key still listed, and leaves out removals', () => {
    const rows = withRepaired(result([row('A')]), repairedOf([ev('A', 5), ev('G', 5, null)]));
    expect(rows.map((r) => [r.key, r.status])).toEqual([['A', 'different']]);
  });

  it('claims nothing beyond the last row of a truncated diff', () => {
    const rows = withRepaired(result([row('M')], true), repairedOf([ev('A', 5), ev('Z', 5)]));
    expect(rows.map((r) => r.key)).toEqual(['A', 'M']);
  });
});
