/**
 * The comparison rules of a diff, for one key present on both sides (shared/API.md, "Snapshot
 * upload for diff"). The store side is the surface row's data: an object's properties are its
 * fields; any other value (string, number, array, ...) is one field named `value`. Compared fields
 * default to every field of the snapshot record except the key, minus `ignore`. Values compare by
 * canonical JSON; a field missing on both sides is equal, missing on one side differs. Against a
 * CSV snapshot (every cell a string) a store scalar compares by its string form (number 1 equals
 * cell "1", true equals "true", null and a missing field equal an empty cell) and an object or
 * array by its canonical JSON text (`storedCanonicalJson`: store data may predate today's limits).
 * The options' value rules (rules.ts) come first where they apply: under a tolerance two numbers
 * (a CSV cell in JSON number grammar counts as one) within it are equal; normalisation applies to
 * strings on both sides (and, against CSV, to a store scalar's text and the cell; an object or
 * array still compares exactly). Field names here are the store's: `map` renamed the snapshot's
 * fields before they get here (index.ts). Pure.
 */
import { storedCanonicalJson } from '../model/canonical';
import type { JsonValue } from '../model/types';
import { type Tolerance, normaliseText, numberOf, withinTolerance } from './rules';

export type Fields = Record<string, JsonValue>;

/** The name a non-object store value is compared under. */
export const VALUE_FIELD = 'value';

/** The store data as fields: an object as is, anything else as `{ value: data }`. */
export function storeFields(data: JsonValue): Fields {
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) return data;
  return { [VALUE_FIELD]: data };
}

export interface CompareSpec {
  keyField: string;
  /** Explicit fields to compare (already minus `ignore`), or null for "the snapshot's fields". */
  fields: string[] | null;
  ignore: ReadonlySet<string>;
  /** The snapshot is CSV: its cells are strings. */
  csv: boolean;
  /** The options' value rules; none when absent. */
  rules?: CompareRules;
}

/** Tolerance and normalisation, as checked by options.ts. */
export interface CompareRules {
  /** The tolerance of a field, or null for none. */
  tolerance: (field: string) => Tolerance | null;
  trim: boolean;
  lowerCase: boolean;
}

/** The names of the fields that differ, in comparison order (empty: equal). */
export function differingFields(store: Fields, snapshot: Fields, spec: CompareSpec): string[] {
  const out: string[] = [];
  const check = (name: string): void => {
    if (!sameField(store, snapshot, name, spec.csv, spec.rules)) out.push(name);
  };
  if (spec.fields !== null) {
    for (const name of spec.fields) check(name);
  } else {
    for (const name of Object.keys(snapshot)) {
      if (name !== spec.keyField && !spec.ignore.has(name)) check(name);
    }
  }
  return out;
}

function sameField(store: Fields, snapshot: Fields, name: string, csv: boolean, rules?: CompareRules): boolean {
  const inStore = Object.hasOwn(store, name);
  const inSnap = Object.hasOwn(snapshot, name);
  if (csv) {
    const cell = inSnap ? snapshot[name]! : '';
    const text = typeof cell === 'string' ? cell : cellText(cell);
    const v = inStore ? store[name]! : null;
    return rules === undefined ? cellText(v) === text : sameCell(v, text, name, rules);
  }
  if (!inStore || !inSnap) return inStore === inSnap;
  const a = store[name]!;
  const b = snapshot[name]!;
  if (rules !== undefined) {
    const tol = rules.tolerance(name);
    if (tol !== null && typeof a === 'number' && typeof b === 'number') {
      return withinTolerance(numberOf(a, false)!, numberOf(b, false)!, tol);
    }
    if (typeof a === 'string' && typeof b === 'string') {
      return normaliseText(a, rules.trim, rules.lowerCase) === normaliseText(b, rules.trim, rules.lowerCase);
    }
  }
  return sameJson(a, b);
}

/** A store value against a CSV cell under the options' rules. */
function sameCell(v: JsonValue, cell: string, name: string, rules: CompareRules): boolean {
  const tol = rules.tolerance(name);
  if (tol !== null) {
    const a = numberOf(v, false);
    const b = a === null ? null : numberOf(cell, true);
    if (a !== null && b !== null) return withinTolerance(a, b, tol);
  }
  if (typeof v === 'object' && v !== null) return cellText(v) === cell;
  return normaliseText(cellText(v), rules.trim, rules.lowerCase) === normaliseText(cell, rules.trim, rules.lowerCase);
}

/** A compared CSV column: its name and its index in the header. */
export interface CsvColumn {
  name: string;
  index: number;
}

/** CSV fast path: the same rule as `differingFields` with `csv: true`, on a row of cells. */
export function differingCells(
  store: Fields,
  cells: readonly string[],
  columns: readonly CsvColumn[],
  rules?: CompareRules,
): string[] {
  const out: string[] = [];
  for (const c of columns) {
    const v = Object.hasOwn(store, c.name) ? store[c.name]! : null;
    const same = rules === undefined ? cellText(v) === cells[c.index] : sameCell(v, cells[c.index]!, c.name, rules);
    if (!same) out.push(c.name);
  }
  return out;
}

/** Canonical-JSON equality, with a fast path for scalars (same result, no string building). */
export function sameJson(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return storedCanonicalJson(a) === storedCanonicalJson(b);
}

/** A store value as a CSV cell would hold it. */
export function cellText(v: JsonValue): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return JSON.stringify(v);
  return storedCanonicalJson(v);
}
