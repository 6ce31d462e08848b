/**
 * Checking the options of a diff (from code, the HTTP query or the CLI; their text forms are read
 * by src-core/wire/diff-query.ts), renaming a snapshot record's fields by `map`, and taking the key
 * out of a snapshot record. Every problem is a BAD_REQUEST naming the option or the record. Pure.
 */
import { badRequest } from '../model/errors';
import { LIMITS } from '../model/limits';
import type { JsonValue } from '../model/types';
import type { CompareRules, CompareSpec } from './compare';
import { NORMALISE_RULES, type NormaliseRule, type Tolerance, toleranceOfNumber } from './rules';
import { DIFF_ROWS_MAX, type DiffOptions } from './types';

/**
 * Surface rows per page unless `pageSize` says otherwise. A page's rows live until the merge has
 * passed them; at 10,000 (the most a page may hold) V8 saw nearly all of a page's rows survive a
 * scavenge and from then on allocated every surface row straight into the old generation, freed
 * only by full collections: 1,000 keeps them young (docs/bench.md, "Wall, fourth pass").
 */
export const PAGE_SIZE = 1_000;

export interface CheckedOptions {
  keyField: string;
  fields: string[] | null;
  ignore: Set<string>;
  limit: number;
  includeEqual: boolean;
  asOfTxn: number | undefined;
  pageSize: number;
  /** Snapshot field -> store field, or null when nothing is renamed. */
  map: ReadonlyMap<string, string> | null;
  /** The value rules, or undefined when there are none (the plain comparison). */
  rules: CompareRules | undefined;
}

export function checkOptions(opts: DiffOptions): CheckedOptions {
  const keyField = opts.keyField ?? 'key';
  if (typeof keyField !== 'string' || keyField === '') throw badRequest('key: must be a non-empty field name');
  const ignore = new Set(checkNames(opts.ignore, 'ignore'));
  const listed = opts.fields === undefined ? null : checkNames(opts.fields, 'fields');
  if (listed !== null && listed.length === 0) throw badRequest('fields: name at least one field');
  const fields = listed === null ? null : [...new Set(listed)].filter((f) => !ignore.has(f));
  if (fields !== null && fields.length === 0) throw badRequest('fields: every listed field is also ignored');
  const limit = opts.limit ?? LIMITS.diffRowsDefault;
  if (!Number.isSafeInteger(limit) || limit < 0 || limit > DIFF_ROWS_MAX) {
    throw badRequest(`limit: must be an integer from 0 to ${DIFF_ROWS_MAX}`);
  }
  const asOfTxn = opts.asOfTxn;
  if (asOfTxn !== undefined && (!Number.isSafeInteger(asOfTxn) || asOfTxn < 0)) {
    throw badRequest('asOfTxn: must be a non-negative integer');
  }
  const pageSize = opts.pageSize ?? PAGE_SIZE;
  if (!Number.isSafeInteger(pageSize) || pageSize < 1 || pageSize > LIMITS.pageMax) {
    throw badRequest(`pageSize: must be an integer from 1 to ${LIMITS.pageMax}`);
  }
  const map = checkMap(opts.map, keyField);
  const rules = checkRules(opts, keyField);
  return { keyField, fields, ignore, limit, includeEqual: opts.includeEqual === true, asOfTxn, pageSize, map, rules };
}

/** Every option that lists fields names at most LIMITS.diffFieldsMax of them. */
function checkFieldCount(n: number, what: string): void {
  if (n > LIMITS.diffFieldsMax) throw badRequest(`${what}: names ${n} fields; at most ${LIMITS.diffFieldsMax}`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkMap(map: DiffOptions['map'], keyField: string): Map<string, string> | null {
  if (map === undefined) return null;
  if (!isRecord(map)) throw badRequest('map: must map snapshot field names to store field names');
  checkFieldCount(Object.keys(map).length, 'map');
  const out = new Map<string, string>();
  const onto = new Map<string, string>();
  for (const [from, to] of Object.entries(map)) {
    if (from === '' || typeof to !== 'string' || to === '')
      throw badRequest('map: field names must be non-empty strings');
    if (from === keyField) throw badRequest(`map: the key field ${JSON.stringify(keyField)} cannot be renamed`);
    if (to === keyField)
      throw badRequest(`map: ${JSON.stringify(from)} cannot be renamed to the key field ${JSON.stringify(keyField)}`);
    const other = onto.get(to);
    if (other !== undefined) {
      throw badRequest(`map: ${JSON.stringify(other)} and ${JSON.stringify(from)} both map to ${JSON.stringify(to)}`);
    }
    onto.set(to, from);
    out.set(from, to);
  }
  if (out.size === 0) throw badRequest('map: name at least one field');
  return out;
}

function checkRules(opts: DiffOptions, keyField: string): CompareRules | undefined {
  const tolerance = checkTolerance(opts.tolerance, keyField);
  const words = checkNormalise(opts.normalise);
  if (tolerance === null && words.length === 0) return undefined;
  return { tolerance: tolerance ?? (() => null), trim: words.includes('trim'), lowerCase: words.includes('case') };
}

function checkTolerance(t: DiffOptions['tolerance'], keyField: string): ((field: string) => Tolerance | null) | null {
  if (t === undefined) return null;
  const why = 'tolerance: must be a number that is not negative, or per field (`field:number`)';
  if (typeof t === 'number') {
    const all = toleranceOfNumber(t);
    if (all === null) throw badRequest(why);
    return () => all;
  }
  if (!isRecord(t)) throw badRequest(why);
  checkFieldCount(Object.keys(t).length, 'tolerance');
  const each = new Map<string, Tolerance>();
  for (const [field, n] of Object.entries(t)) {
    if (field === '') throw badRequest('tolerance: field names must be non-empty strings');
    if (field === keyField) throw badRequest(`tolerance: the key field ${JSON.stringify(keyField)} is not compared`);
    const tol = toleranceOfNumber(n);
    if (tol === null) throw badRequest(`tolerance: ${JSON.stringify(field)} must be a number that is not negative`);
    each.set(field, tol);
  }
  if (each.size === 0) throw badRequest('tolerance: name at least one field');
  return (field) => each.get(field) ?? null;
}

function checkNormalise(words: DiffOptions['normalise']): NormaliseRule[] {
  if (words === undefined) return [];
  if (!Array.isArray(words)) throw badRequest(`normalise: must be a list of ${NORMALISE_RULES.join(', ')}`);
  const seen: NormaliseRule[] = [];
  for (const w of words as unknown[]) {
    if (!NORMALISE_RULES.includes(w as NormaliseRule)) {
      throw badRequest(`normalise: ${JSON.stringify(w)} is not one of ${NORMALISE_RULES.join(', ')}`);
    }
    if (seen.includes(w as NormaliseRule)) throw badRequest(`normalise: ${JSON.stringify(w)} is listed twice`);
    seen.push(w as NormaliseRule);
  }
  if (seen.length === 0) throw badRequest(`normalise: name at least one of ${NORMALISE_RULES.join(', ')}`);
  return seen;
}

/**
 * A snapshot record with its fields renamed by `map`, in its own member order. A record that
 * holds both a renamed field and a field already named as its new name is refused (`where`
 * names it): one of the two would otherwise be dropped.
 */
export function mapRecord(
  record: Record<string, JsonValue>,
  map: ReadonlyMap<string, string>,
  where: string,
): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const [name, v] of Object.entries(record)) {
    const to = map.get(name) ?? name;
    if (Object.hasOwn(out, to)) {
      const [a, b] = map.has(name) ? [name, to] : [[...map].find(([, t]) => t === to)![0], name];
      throw badRequest(
        `${where}: has both ${JSON.stringify(a)} and ${JSON.stringify(b)}, and map renames ${JSON.stringify(a)} to ${JSON.stringify(to)}`,
      );
    }
    Object.defineProperty(out, to, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function checkNames(names: string[] | undefined, what: string): string[] {
  if (names === undefined) return [];
  if (!Array.isArray(names)) throw badRequest(`${what}: must be a list of field names`);
  checkFieldCount(names.length, what);
  for (const n of names) {
    if (typeof n !== 'string' || n === '') throw badRequest(`${what}: field names must be non-empty strings`);
  }
  return names;
}

/** The key of a record: a non-empty string (a number is taken as its JSON text). */
export function recordKey(record: Record<string, JsonValue>, keyField: string, where: string): string {
  if (!Object.hasOwn(record, keyField)) throw badRequest(`${where}: has no ${JSON.stringify(keyField)} field`);
  const v = record[keyField];
  if (typeof v === 'string') return checkKey(v, keyField, () => where);
  if (typeof v === 'number') return JSON.stringify(v);
  throw badRequest(`${where}: the key ${JSON.stringify(keyField)} must be a string or a number, got ${describe(v)}`);
}

/**
 * A key must be non-empty, well-formed Unicode (it is compared byte for byte with the store's).
 * `where` names the record, asked for only when the key is refused (a CSV load checks a million
 * keys and refuses none).
 */
export function checkKey(key: string, keyField: string, where: () => string): string {
  if (key === '') throw badRequest(`${where()}: the key ${JSON.stringify(keyField)} is empty`);
  if (!key.isWellFormed())
    throw badRequest(`${where()}: the key ${JSON.stringify(keyField)} is not well-formed Unicode`);
  return key;
}

/**
 * CSV: the header with its columns renamed by `map`. Every mapped field must be a column (a typo
 * would otherwise rename nothing), and no two columns may end up with one name.
 */
export function mapColumns(header: readonly string[], map: ReadonlyMap<string, string> | null): string[] {
  if (map === null) return [...header];
  const list = header.map((c) => JSON.stringify(c)).join(', ');
  for (const from of map.keys()) {
    if (!header.includes(from))
      throw badRequest(`map: ${JSON.stringify(from)} is not a column of the CSV header (columns: ${list})`);
  }
  return Object.keys(mapRecord(Object.fromEntries(header.map((c) => [c, ''])), map, 'the CSV header'));
}

/** CSV: every listed field must be a column (a typo would otherwise compare as empty cells). */
export function checkCsvColumns(columns: string[], spec: CompareSpec): void {
  const have = new Set(columns);
  const list = columns.map((c) => JSON.stringify(c)).join(', ');
  if (!have.has(spec.keyField)) {
    throw badRequest(`the CSV header has no key column ${JSON.stringify(spec.keyField)} (columns: ${list})`);
  }
  for (const f of spec.fields ?? []) {
    if (!have.has(f))
      throw badRequest(`fields: ${JSON.stringify(f)} is not a column of the CSV header (columns: ${list})`);
  }
}

function describe(v: JsonValue | undefined): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}
