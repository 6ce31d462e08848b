/**
 * Diff rows as files: the one layout of an exported diff, written alike by the CLI's
 * `tidemark diff --out` (through diff/export.ts's streaming writer), the app's Diff tab Export (the
 * same renderer code in the browser and the desktop app) and anything else that saves diff rows,
 * so the same diff gives the same bytes everywhere (docs/diff.md, "Command line"). CSV: the header
 * `key,status,fields,storeSeq,storeTxn,storeTime,storeHash,storeData,snapshot`, one record per row
 * (`fields` joined by `;`; the store columns empty when the key is not in the store; `storeData`
 * as canonical JSON; `snapshot` the record as JSON, in its own member order, empty when the key is
 * not in the snapshot), every cell through the one cell rule (csv.ts), CRLF line ends; a plain
 * table, whatever the options. NDJSON: one DiffRow JSON per line, LF line ends, after a first line
 * `{"options":{…}}` when the diff was run with an option that changes how values compare (`map`,
 * `tolerance`, `normalise`): it records every comparison option given, in one fixed member order
 * (`diffOptionsLine`), so the same options give the same bytes from every writer; a diff without
 * those options writes rows only, as v1 did. Pure, no node:*: the renderer imports it.
 */
import { storedCanonicalJson } from '../model/canonical';
import { stringifyJson } from '../model/json-write';
import type { ExportFormat } from '../model/store-api';
import type { DiffRow } from '../model/types';
import { csvRecord } from './csv';

export const DIFF_CSV_COLUMNS = [
  'key',
  'status',
  'fields',
  'storeSeq',
  'storeTxn',
  'storeTime',
  'storeHash',
  'storeData',
  'snapshot',
] as const;

export const DIFF_CSV_HEADER = csvRecord(DIFF_CSV_COLUMNS);

/** One diff row as a CSV record (CRLF-terminated). */
export function diffCsvLine(row: DiffRow): string {
  const s = row.store;
  return csvRecord([
    row.key,
    row.status,
    row.fields.join(';'),
    s === null ? '' : String(s.seq),
    s === null ? '' : String(s.txn),
    s === null ? '' : s.time,
    s === null ? '' : s.hash,
    s === null ? '' : storedCanonicalJson(s.data),
    row.snapshot === null ? '' : stringifyJson(row.snapshot),
  ]);
}

/** One diff row as an NDJSON line (LF-terminated). */
export function diffNdjsonLine(row: DiffRow): string {
  return stringifyJson(row) + '\n';
}

/** The options of a diff that decide how it compared (the rest, such as `limit`, are not recorded). */
export interface DiffFileOptions {
  keyField?: string | undefined;
  fields?: readonly string[] | undefined;
  ignore?: readonly string[] | undefined;
  asOfTxn?: number | undefined;
  map?: Readonly<Record<string, string>> | undefined;
  tolerance?: number | Readonly<Record<string, number>> | undefined;
  normalise?: readonly string[] | undefined;
}

/** The recorded options, in this order. */
const RECORDED = ['keyField', 'fields', 'ignore', 'asOfTxn', 'map', 'tolerance', 'normalise'] as const;

/**
 * An NDJSON diff file's first line, `{"options":{…}}` (LF-terminated), or '' when no option that
 * changes how values compare (`map`, `tolerance`, `normalise`) was given.
 */
export function diffOptionsLine(opts: DiffFileOptions | undefined): string {
  if (opts === undefined) return '';
  if (opts.map === undefined && opts.tolerance === undefined && opts.normalise === undefined) return '';
  const recorded: Record<string, unknown> = {};
  for (const name of RECORDED) if (opts[name] !== undefined) recorded[name] = opts[name];
  return stringifyJson({ options: recorded }) + '\n';
}

/** What a diff file starts with: the CSV header, or for NDJSON the options line (if any). */
export function diffFileStart(format: ExportFormat, opts?: DiffFileOptions): string {
  return format === 'csv' ? DIFF_CSV_HEADER : diffOptionsLine(opts);
}

/** One row in `format`. */
export function diffRowLine(row: DiffRow, format: ExportFormat): string {
  return format === 'csv' ? diffCsvLine(row) : diffNdjsonLine(row);
}

/** A whole diff file: the start, then every row, in the order given. */
export function diffFileText(rows: readonly DiffRow[], format: ExportFormat, opts?: DiffFileOptions): string {
  let out = diffFileStart(format, opts);
  for (const r of rows) out += diffRowLine(r, format);
  return out;
}
