/**
 * Field-level view of one diff row: for each field, the store's value and the snapshot's, and
 * whether the diff said they differ. The store value of a field is `data[field]` when the
 * surface value is an object (a whole scalar value is shown under "value").
 */
import type { DiffRow, JsonValue } from '../../src-core/model/types';

export interface FieldCompare {
  field: string;
  store: JsonValue | undefined;
  snapshot: JsonValue | undefined;
  differs: boolean;
}

function storeField(data: JsonValue | undefined, field: string): JsonValue | undefined {
  if (data !== null && typeof data === 'object' && !Array.isArray(data)) return data[field];
  return undefined;
}

export function fieldsOf(row: DiffRow, keyField: string): FieldCompare[] {
  const names = new Set<string>();
  for (const f of row.fields) names.add(f);
  if (row.snapshot) for (const k of Object.keys(row.snapshot)) if (k !== keyField) names.add(k);
  const data = row.store?.data;
  if (data !== null && data !== undefined && typeof data === 'object' && !Array.isArray(data)) {
    for (const k of Object.keys(data)) names.add(k);
  }
  const differing = new Set(row.fields);
  return [...names].map((field) => ({
    field,
    store: storeField(data, field),
    snapshot: row.snapshot?.[field],
    differs: differing.has(field),
  }));
}
