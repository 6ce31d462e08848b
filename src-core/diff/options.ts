/**
 * Checking the options of a diff (from code, the HTTP query or the CLI) and taking the key out of
 * a snapshot record. Every problem is a BAD_REQUEST naming the option or the record. Pure.
 */
import { badRequest } from '../model/errors';
import { LIMITS } from '../model/limits';
import type { JsonValue } from '../model/types';
import type { CompareSpec } from './compare';
import { DIFF_ROWS_MAX, type DiffOptions } from './types';

export interface CheckedOptions {
  keyField: string;
  fields: string[] | null;
  ignore: Set<string>;
  limit: number;
  includeEqual: boolean;
  asOfTxn: number | undefined;
  pageSize: number;
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
  const pageSize = opts.pageSize ?? LIMITS.pageMax;
  if (!Number.isSafeInteger(pageSize) || pageSize < 1 || pageSize > LIMITS.pageMax) {
    throw badRequest(`pageSize: must be an integer from 1 to ${LIMITS.pageMax}`);
  }
  return { keyField, fields, ignore, limit, includeEqual: opts.includeEqual === true, asOfTxn, pageSize };
}

function checkNames(names: string[] | undefined, what: string): string[] {
  if (names === undefined) return [];
  if (!Array.isArray(names)) throw badRequest(`${what}: must be a list of field names`);
  for (const n of names) {
    if (typeof n !== 'string' || n === '') throw badRequest(`${what}: field names must be non-empty strings`);
  }
  return names;
}

/** Parses a comma list (`a,b, c`) from a query or the command line; blanks are an error. */
export function splitList(value: string, what: string): string[] {
  const parts = value.split(',').map((s) => s.trim());
  if (parts.some((p) => p === '')) throw badRequest(`${what}: an empty name in ${JSON.stringify(value)}`);
  return parts;
}

/** The key of a record: a non-empty string (a number is taken as its JSON text). */
export function recordKey(record: Record<string, JsonValue>, keyField: string, where: string): string {
  if (!Object.hasOwn(record, keyField)) throw badRequest(`${where}: has no ${JSON.stringify(keyField)} field`);
  const v = record[keyField];
  if (typeof v === 'string') return checkKey(v, keyField, where);
  if (typeof v === 'number') return JSON.stringify(v);
  throw badRequest(`${where}: the key ${JSON.stringify(keyField)} must be a string or a number, got ${describe(v)}`);
}

/** A key must be non-empty, well-formed Unicode (it is compared byte for byte with the store's). */
export function checkKey(key: string, keyField: string, where: string): string {
  if (key === '') throw badRequest(`${where}: the key ${JSON.stringify(keyField)} is empty`);
  if (!key.isWellFormed()) throw badRequest(`${where}: the key ${JSON.stringify(keyField)} is not well-formed Unicode`);
  return key;
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
