/**
 * The comparison rules of a diff, for one key present on both sides (shared/API.md, "Snapshot
 * upload for diff"). The store side is the surface row's data: an object's properties are its
 * fields; any other value (string, number, array, ...) is one field named `value`. Compared fields
 * default to every field of the snapshot record except the key, minus `ignore`. Values compare by
 * canonical JSON; a field missing on both sides is equal, missing on one side differs. Against a
 * CSV snapshot (every cell a string) a store scalar compares by its string form (number 1 equals
 * cell "1", true equals "true", null and a missing field equal an empty cell) and an object or
 * array by its canonical JSON text (`storedCanonicalJson`: store data may predate today's limits).
 * Pure.
 */
import { storedCanonicalJson } from '../model/canonical';
import type { JsonValue } from '../model/types';

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
}

/** The names of the fields that differ, in comparison order (empty: equal). */
export function differingFields(store: Fields, snapshot: Fields, spec: CompareSpec): string[] {
  const out: string[] = [];
  const check = (name: string): void => {
    if (!sameField(store, snapshot, name, spec.csv)) out.push(name);
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

function sameField(store: Fields, snapshot: Fields, name: string, csv: boolean): boolean {
  const inStore = Object.hasOwn(store, name);
  const inSnap = Object.hasOwn(snapshot, name);
  if (csv) {
    const cell = inSnap ? snapshot[name]! : '';
    return cellText(inStore ? store[name]! : null) === (typeof cell === 'string' ? cell : cellText(cell));
  }
  if (!inStore || !inSnap) return inStore === inSnap;
  return sameJson(store[name]!, snapshot[name]!);
}

/** A compared CSV column: its name and its index in the header. */
export interface CsvColumn {
  name: string;
  index: number;
}

/** CSV fast path: the same rule as `differingFields` with `csv: true`, on a row of cells. */
export function differingCells(store: Fields, cells: readonly string[], columns: readonly CsvColumn[]): string[] {
  const out: string[] = [];
  for (const c of columns) {
    const v = Object.hasOwn(store, c.name) ? store[c.name]! : null;
    if (cellText(v) !== cells[c.index]) out.push(c.name);
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
