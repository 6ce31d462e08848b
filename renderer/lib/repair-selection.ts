/**
 * Which diff rows a person picked for repair, and the repair request that follows from it. Pure
 * (unit-tested beside it). A category (different, missing in store, missing in snapshot) is either
 * picked whole ("all N", whether or not its rows are loaded: the request then names the category in
 * `include` and sends no keys, so the server repairs every key of it) or row by row (the request
 * sends those keys, and `include` names their categories). Equal rows cannot be picked. Unticking
 * one row of a category picked whole leaves the category's other LOADED rows picked, row by row:
 * "all but one" can only be said with keys. A category picked whole beside rows picked one by one
 * in another category is one request only when the whole category is loaded (its keys are sent);
 * otherwise the selection says why it cannot be repaired in one go.
 */
import type { DiffRow, DiffStatus, DiffSummary, RepairInclude } from '../../src-core/model/types';
import { fmtNum } from './format';

export const REPAIR_CATEGORIES: readonly RepairInclude[] = ['different', 'missingInStore', 'missingInSnapshot'];

export interface RepairSelection {
  /** Categories picked whole. */
  readonly all: ReadonlySet<RepairInclude>;
  /** Rows picked one by one, key -> category (never of a category in `all`). */
  readonly keys: ReadonlyMap<string, RepairInclude>;
}

export const NO_SELECTION: RepairSelection = { all: new Set(), keys: new Map() };

/** What a selection asks the server to repair. */
export interface RepairTarget {
  include: RepairInclude[];
  /** Absent: every key of the included categories. */
  keys?: string[];
  /** Rows this repairs (from the diff's complete counts for whole categories). */
  count: number;
}

export function isRepairable(status: DiffStatus): status is RepairInclude {
  return status !== 'equal';
}

export function isSelected(sel: RepairSelection, row: DiffRow): boolean {
  return isRepairable(row.status) && (sel.all.has(row.status) || sel.keys.has(row.key));
}

/** Ticks or unticks one row (see the header for a row of a category picked whole). */
export function toggleRow(sel: RepairSelection, row: DiffRow, loaded: readonly DiffRow[]): RepairSelection {
  const cat = row.status;
  if (!isRepairable(cat)) return sel;
  const keys = new Map(sel.keys);
  if (sel.all.has(cat)) {
    const all = new Set(sel.all);
    all.delete(cat);
    for (const r of loaded) if (r.status === cat && r.key !== row.key) keys.set(r.key, cat);
    return { all, keys };
  }
  if (keys.has(row.key)) keys.delete(row.key);
  else keys.set(row.key, cat);
  return { all: sel.all, keys };
}

/** Picks every row of a category ("all N"), or, when it is picked whole, none of it. */
export function toggleCategory(sel: RepairSelection, cat: RepairInclude): RepairSelection {
  const all = new Set(sel.all);
  if (all.has(cat)) all.delete(cat);
  else all.add(cat);
  const keys = new Map([...sel.keys].filter(([, c]) => c !== cat));
  return { all, keys };
}

/** Picks every row of a category (a no-op when it is picked whole already). */
export function selectCategory(sel: RepairSelection, cat: RepairInclude): RepairSelection {
  return sel.all.has(cat) ? sel : toggleCategory(sel, cat);
}

/** How a category's "select all" box shows: all of it, some rows of it, or none. */
export function categoryState(sel: RepairSelection, cat: RepairInclude): 'all' | 'some' | 'none' {
  if (sel.all.has(cat)) return 'all';
  for (const c of sel.keys.values()) if (c === cat) return 'some';
  return 'none';
}

/** Rows picked: whole categories by the diff's counts, plus rows picked one by one. */
export function selectedCount(sel: RepairSelection, summary: DiffSummary): number {
  let n = sel.keys.size;
  for (const cat of sel.all) n += summary[cat];
  return n;
}

/**
 * The request a selection makes against a diff (its complete counts and the rows loaded), null when
 * nothing is picked, or `{ problem }` when it cannot be said in one request.
 */
export function repairTarget(
  sel: RepairSelection,
  summary: DiffSummary,
  loaded: readonly DiffRow[],
): RepairTarget | { problem: string } | null {
  const wholes = REPAIR_CATEGORIES.filter((c) => sel.all.has(c) && summary[c] > 0);
  const count = selectedCount({ all: new Set(wholes), keys: sel.keys }, summary);
  if (count === 0) return null;
  const chosenCats = REPAIR_CATEGORIES.filter((c) => [...sel.keys.values()].includes(c));
  if (sel.keys.size === 0) return { include: wholes, count };
  if (wholes.length === 0) return { include: chosenCats, keys: [...sel.keys.keys()], count };
  // Whole categories beside single rows: only as keys, so every row of those categories must be loaded.
  const keys = [...sel.keys.keys()];
  for (const cat of wholes) {
    const rows = loaded.filter((r) => r.status === cat);
    if (rows.length < summary[cat]) {
      return {
        problem: `All ${fmtNum(summary[cat])} rows of one category and single rows of another cannot be repaired together: repair them one after the other.`,
      };
    }
    keys.push(...rows.map((r) => r.key));
  }
  const include = REPAIR_CATEGORIES.filter((c) => wholes.includes(c) || chosenCats.includes(c));
  return { include, keys, count };
}

/** Keeps only the picked rows a new diff still lists in the same category (whole categories stay). */
export function keepListed(sel: RepairSelection, rows: readonly DiffRow[]): RepairSelection {
  const now = new Map(rows.map((r) => [r.key, r.status]));
  const keys = new Map([...sel.keys].filter(([k, c]) => now.get(k) === c));
  return { all: sel.all, keys };
}
