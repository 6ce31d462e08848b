/**
 * The surface export file formats, written alike by the server's
 * `GET /v1/topics/{topic}/surface/export`, the desktop app's export job and anything else that
 * exports a surface. CSV: the header `key,seq,txn,hash,time,invalid,data`, one record per row
 * (`data` as canonical JSON, `invalid` as `true`/`false`), every cell through the one cell rule
 * (csv.ts: formula neutralising and RFC 4180 quoting). NDJSON: one SurfaceRow JSON per line. Pure.
 */
import { storedCanonicalJson } from '../model/canonical';
import { stringifyJson } from '../model/json-write';
import type { ExportFormat } from '../model/store-api';
import type { SurfaceRow } from '../model/types';
import { csvRecord } from './csv';

export const SURFACE_CSV_COLUMNS = ['key', 'seq', 'txn', 'hash', 'time', 'invalid', 'data'] as const;

export const SURFACE_CSV_HEADER = csvRecord(SURFACE_CSV_COLUMNS);

export function surfaceCsvLine(r: SurfaceRow): string {
  return csvRecord([
    r.key,
    String(r.seq),
    String(r.txn),
    r.hash,
    r.time,
    r.invalid ? 'true' : 'false',
    storedCanonicalJson(r.data),
  ]);
}

/** The text of a page of rows in `format` (no CSV header: write `SURFACE_CSV_HEADER` first). */
export function surfaceRowsText(rows: readonly SurfaceRow[], format: ExportFormat): string {
  let out = '';
  for (const r of rows) out += format === 'csv' ? surfaceCsvLine(r) : stringifyJson(r) + '\n';
  return out;
}
