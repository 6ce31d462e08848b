/**
 * Diff rows as files: the one layout of an exported diff, written alike by the CLI's
 * `tidemark diff --out` (through diff/export.ts's streaming writer), the app's Diff tab Export (the
 * same renderer code in the browser and the desktop app) and anything else that saves diff rows,
 * so the same diff gives the same bytes everywhere (docs/diff.md, "Command line"). CSV: the header
 * `key,status,fields,storeSeq,storeTxn,storeTime,storeHash,storeData,snapshot`, one record per row
 * (`fields` joined by `;`; the store columns empty when the key is not in the store; `storeData`
 * as canonical JSON; `snapshot` the record as JSON, in its own member order, empty when the key is
 * not in the snapshot), every cell through the one cell rule (csv.ts), CRLF line ends. NDJSON: one
 * DiffRow JSON per line, LF line ends. Pure, no node:*: the renderer imports it.
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

/** What a diff file starts with: the CSV header, or nothing for NDJSON. */
export function diffFileStart(format: ExportFormat): string {
  return format === 'csv' ? DIFF_CSV_HEADER : '';
}

/** One row in `format`. */
export function diffRowLine(row: DiffRow, format: ExportFormat): string {
  return format === 'csv' ? diffCsvLine(row) : diffNdjsonLine(row);
}

/** A whole diff file: the start, then every row, in the order given. */
export function diffFileText(rows: readonly DiffRow[], format: ExportFormat): string {
  let out = diffFileStart(format);
  for (const r of rows) out += diffRowLine(r, format);
  return out;
}
