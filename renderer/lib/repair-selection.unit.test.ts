/** The Diff tab's repair selection: whole categories (all N, sent as include) versus ticked rows (sent as keys), and the request each makes. */
import { describe, expect, it } from 'vitest';
import type { DiffRow, DiffStatus, DiffSummary } from '../../src-core/model/types';
import {
  NO_SELECTION,
  categoryState,
  isSelected,
  keepListed,
  repairTarget,
  selectCategory,
  selectedCount,
  toggleCategory,
  toggleRow,
} from './repair-selection';

const row = (key: string, status: DiffStatus): DiffRow => ({ key, status, fields: [], store: null, snapshot: null });
const summary = (p: Partial<DiffSummary>): DiffSummary => ({
  equal: 0,
  different: 0,
  missingInStore: 0,
  missingInSnapshot: 0,
  snapshotRecords: 0,
  surfaceRows: 0,
  ...p,
});

const A = row('A', 'different');
const B = row('B', 'different');
const C = row('C', 'missingInStore');
const E = row('E', 'equal');
const loaded = [A, B, C, E];

describe('repair selection', () => {
  it('picks nothing at first, and equal rows never', () => {
    expect(repairTarget(NO_SELECTION, summary({ different: 2 }), loaded)).toBeNull();
    expect(toggleRow(NO_SELECTION, E, loaded)).toBe(NO_SELECTION);
    expect(isSelected(NO_SELECTION, A)).toBe(false);
  });

  it('sends chosen rows as keys, their categories as include', () => {
    let sel = toggleRow(NO_SELECTION, A, loaded);
    sel = toggleRow(sel, C, loaded);
    expect(isSelected(sel, A) && isSelected(sel, C) && !isSelected(sel, B)).toBe(true);
    expect(categoryState(sel, 'different')).toBe('some');
    expect(repairTarget(sel, summary({ different: 2, missingInStore: 1 }), loaded)).toEqual({
      include: ['different', 'missingInStore'],
      keys: ['A', 'C'],
      count: 2,
    });
    // Ticking again unticks.
    expect(repairTarget(toggleRow(sel, C, loaded), summary({ different: 2 }), loaded)).toEqual({
      include: ['different'],
      keys: ['A'],
      count: 1,
    });
  });

  it('means all N of a category, loaded or not, and then sends no keys', () => {
    const sel = toggleCategory(toggleRow(NO_SELECTION, A, loaded), 'different');
    expect(categoryState(sel, 'different')).toBe('all');
    expect(isSelected(sel, B)).toBe(true);
    // 10,000 different though only two rows are loaded.
    expect(selectedCount(sel, summary({ different: 10_000 }))).toBe(10_000);
    expect(repairTarget(sel, summary({ different: 10_000 }), loaded)).toEqual({
      include: ['different'],
      count: 10_000,
    });
    expect(categoryState(toggleCategory(sel, 'different'), 'different')).toBe('none');
    expect(selectCategory(sel, 'different')).toBe(sel);
  });

  it('unticking one row of a whole category keeps the other loaded rows of it', () => {
    const sel = toggleRow(selectCategory(NO_SELECTION, 'different'), A, loaded);
    expect(categoryState(sel, 'different')).toBe('some');
    expect(repairTarget(sel, summary({ different: 2 }), loaded)).toEqual({
      include: ['different'],
      keys: ['B'],
      count: 1,
    });
  });

  it('combines a whole category with single rows only when the whole category is loaded', () => {
    const sel = toggleRow(selectCategory(NO_SELECTION, 'different'), C, loaded);
    expect(repairTarget(sel, summary({ different: 2, missingInStore: 1 }), loaded)).toEqual({
      include: ['different', 'missingInStore'],
      keys: ['C', 'A', 'B'],
      count: 3,
    });
    const partial = repairTarget(sel, summary({ different: 5, missingInStore: 1 }), loaded);
    expect(partial).toHaveProperty('problem');
  });

  it('ignores a whole category the diff found empty', () => {
    const sel = selectCategory(NO_SELECTION, 'missingInSnapshot');
    expect(repairTarget(sel, summary({ different: 2 }), loaded)).toBeNull();
  });

  it('keeps only picks a new diff still lists in the same category', () => {
    const sel = toggleRow(toggleRow(NO_SELECTION, A, loaded), C, loaded);
    const kept = keepListed(sel, [row('A', 'different'), row('C', 'equal')]);
    expect([...kept.keys.keys()]).toEqual(['A']);
  });
});
