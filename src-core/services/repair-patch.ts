/**
 * What a repair writes for one diff row (docs/diff.md "Repair"): for `different`, the store's
 * current data with only the differing compared fields replaced by the snapshot's values (every
 * other field kept; a compared field the snapshot record lacks is removed); for `missingInStore`,
 * the snapshot record without its key column (field names already mapped by the diff); for
 * `missingInSnapshot`, a tombstone. A CSV cell takes the JSON type of the store's value of that
 * field where it has one (number, boolean, object or array; an empty cell where the store holds
 * one of those becomes null, which a CSV diff reads as an empty cell); a string, null or absent
 * store value keeps the cell as a string. JSON and NDJSON values carry their own type and are
 * written as given. A patched field must compare equal to the snapshot under the diff's own
 * rules afterwards, so a cell that cannot take the store's type exactly (`abc` for a number,
 * `5.0` for the number 5 without a tolerance) is refused with a BAD_REQUEST naming the key and the
 * field: nothing is silently rewritten. Pure.
 */
import { badRequest } from '../model/errors';
import type { DiffRow, JsonValue, RepairInclude } from '../model/types';
import { numberProblem } from '../model/json-number';
import { type CompareSpec, VALUE_FIELD, differingFields, storeFields } from '../diff/compare';

type Fields = Record<string, JsonValue>;

/** JSON's number grammar, as a CSV cell must spell a number to become one. */
const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/** Sets a field, "__proto__" included, as an own property. */
function setField(obj: Fields, name: string, value: JsonValue): void {
  Object.defineProperty(obj, name, { value, enumerable: true, writable: true, configurable: true });
}

/** The record without the key field (a copy). */
function withoutKey(record: Fields, keyField: string): Fields {
  const out: Fields = {};
  for (const [k, v] of Object.entries(record)) if (k !== keyField) setField(out, k, v);
  return out;
}

function refuse(key: string, field: string, why: string): Error {
  return badRequest(`key ${JSON.stringify(key)}, field ${JSON.stringify(field)}: ${why}; nothing was written`);
}

/** A CSV cell as the JSON type of `like` (the store's value), or undefined when it cannot be. */
function convertCell(cell: string, like: JsonValue | undefined): JsonValue | undefined {
  if (like === undefined || like === null || typeof like === 'string') return cell;
  if (cell === '') return null;
  if (typeof like === 'number') {
    if (!JSON_NUMBER.test(cell) || numberProblem(cell) !== null) return undefined;
    return Number(cell);
  }
  if (typeof like === 'boolean') return cell === 'true' ? true : cell === 'false' ? false : undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(cell);
  } catch {
    return undefined;
  }
  const sameKind = Array.isArray(like) ? Array.isArray(parsed) : typeof parsed === 'object' && !Array.isArray(parsed);
  return sameKind && parsed !== null ? (parsed as JsonValue) : undefined;
}

function typeName(v: JsonValue): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

/** The data of a `different` row's repair event: the store's data with the differing fields patched. */
function patched(row: DiffRow, spec: CompareSpec): JsonValue {
  const data = row.store!.data;
  const isObject = typeof data === 'object' && data !== null && !Array.isArray(data);
  const store = storeFields(data);
  const snap = row.snapshot!;
  const out: Fields = isObject ? { ...store } : {};
  for (const f of row.fields) {
    if (!isObject && f !== VALUE_FIELD) {
      throw refuse(row.key, f, `the store's data is not an object (it is compared as field "${VALUE_FIELD}")`);
    }
    if (!Object.hasOwn(snap, f)) {
      if (!isObject) throw refuse(row.key, f, 'the snapshot has no value to write');
      delete out[f];
      continue;
    }
    const given = snap[f]!;
    const like = Object.hasOwn(store, f) ? store[f] : undefined;
    const value = spec.csv && typeof given === 'string' ? convertCell(given, like) : given;
    if (value === undefined) {
      throw refuse(
        row.key,
        f,
        `the cell ${JSON.stringify(given)} cannot be written as the ${typeName(like!)} the store holds`,
      );
    }
    setField(out, f, value);
    if (differingFields(out, snap, { ...spec, fields: [f] }).length > 0) {
      throw refuse(
        row.key,
        f,
        `the cell ${JSON.stringify(given)} would be stored as ${JSON.stringify(value)}, which the diff does not read as equal (a tolerance may be what is meant)`,
      );
    }
  }
  return isObject ? out : out[VALUE_FIELD]!;
}

/** The event a repair writes for a non-equal diff row of an included category, or null for none. */
export function repairEvent(
  row: DiffRow,
  include: ReadonlySet<RepairInclude>,
  spec: CompareSpec,
): { key: string; data: JsonValue } | null {
  if (row.status === 'equal' || !include.has(row.status)) return null;
  if (row.status === 'missingInSnapshot') return { key: row.key, data: null };
  if (row.status === 'missingInStore') return { key: row.key, data: withoutKey(row.snapshot!, spec.keyField) };
  return { key: row.key, data: patched(row, spec) };
}
