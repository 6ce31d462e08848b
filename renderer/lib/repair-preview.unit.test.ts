/** The Repair dialog's preview text: key, field, store → snapshot lines, "and M more", and the transaction count. */
import { describe, expect, it } from 'vitest';
import type { DiffRow, JsonValue, SurfaceRow } from '../../src-core/model/types';
import { moreText, previewLines, txnsFor, writeSummary } from './repair-preview';

const store = (data: JsonValue): SurfaceRow => ({
  key: 'k',
  seq: 1,
  txn: 1,
  hash: 'h',
  data,
  time: '2026-01-01T00:00:00Z',
});

describe('repair preview', () => {
  it('lists each changed field as store → snapshot, keeping the others out', () => {
    const rows = new Map<string, DiffRow>([
      [
        'T2',
        {
          key: 'T2',
          status: 'different',
          fields: ['px'],
          store: store({ qty: 2, px: '20', note: 'x' }),
          snapshot: { px: '21' },
        },
      ],
    ]);
    expect(previewLines([{ key: 'T2', data: { qty: 2, px: '21', note: 'x' } }], rows)).toEqual([
      { key: 'T2', field: 'px', store: '20', snapshot: '21' },
    ]);
  });

  it('shows a new key field by field, a removal, and a key the diff did not load', () => {
    const rows = new Map<string, DiffRow>([
      ['N', { key: 'N', status: 'missingInStore', fields: [], store: null, snapshot: { qty: 4 } }],
      ['G', { key: 'G', status: 'missingInSnapshot', fields: [], store: store({ qty: 9 }), snapshot: null }],
    ]);
    expect(
      previewLines(
        [
          { key: 'N', data: { qty: 4 } },
          { key: 'G', data: null },
          { key: 'Z', data: { qty: 1 } },
        ],
        rows,
      ),
    ).toEqual([
      { key: 'N', field: 'qty', store: '—', snapshot: '4' },
      { key: 'G', field: null, store: '{"qty":9}', snapshot: 'removed' },
      { key: 'Z', field: null, store: '…', snapshot: '{"qty":1}' },
    ]);
  });

  it('counts what it leaves out and the transactions a write takes', () => {
    expect(moreText(50, 50)).toBeNull();
    expect(moreText(50, 10_000)).toBe('and 9,950 more');
    expect(txnsFor(0)).toBe(0);
    expect(txnsFor(10_000)).toBe(1);
    expect(txnsFor(10_001)).toBe(2);
    expect(writeSummary(1)).toBe('1 row will be written in 1 transaction.');
    expect(writeSummary(20_001)).toBe('20,001 rows will be written in 3 transactions.');
  });
});
