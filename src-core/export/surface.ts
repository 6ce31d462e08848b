/**
 * The surface export file formats, written alike by the server's
 * `GET /v1/topics/{topic}/surface/export`, the desktop app's export job and anything else that
 * exports a surface. CSV: the header `key,seq,txn,hash,time,invalid,data`, one record per row
 * (`data` as canonical JSON, `invalid` as `true`/`false`; rows read as stored text are
 * written from that text, which is the canonical JSON), every cell through the one cell rule
 * (csv.ts: formula neutralising and RFC 4180 quoting). NDJSON: one SurfaceRow JSON per line. Pure.
 */
import { storedCanonicalJson } from '../model/canonical';
import { stringifyJson } from '../model/json-write';
import type { ExportFormat } from '../model/store-api';
import { type SurfaceRowText, surfaceRowWriter } from '../model/stored-json';
import type { SurfaceRow } from '../model/types';
import { csvRecord } from './csv';

export const SURFACE_CSV_COLUMNS = ['key', 'seq', 'txn', 'hash', 'time', 'invalid', 'data'] as const;

export const SURFACE_CSV_HEADER = csvRecord(SURFACE_CSV_COLUMNS);

export function surfaceCsvLine(r: SurfaceRow): string {
  return csvLine(r, storedCanonicalJson(r.data));
}

/** A CSV record of the row's members, its data cell given as canonical JSON text. */
function csvLine(r: Omit<SurfaceRow, 'data'>, data: string): string {
  return csvRecord([r.key, String(r.seq), String(r.txn), r.hash, r.time, r.invalid ? 'true' : 'false', data]);
}

/** The text of a page of rows in `format` (no CSV header: write `SURFACE_CSV_HEADER` first). */
export function surfaceRowsText(rows: readonly SurfaceRow[], format: ExportFormat): string {
  let out = '';
  for (const r of rows) out += format === 'csv' ? surfaceCsvLine(r) : stringifyJson(r) + '\n';
  return out;
}

/**
 * `surfaceRowsText` of rows read with their data as the stored text (store/text-reads.ts), written
 * from that text without parsing it: the stored text is the canonical JSON the CSV cell holds, and
 * an NDJSON line is the row's JSON as model/stored-json.ts writes it for surface pages.
 */
export function surfaceTextRowsText(rows: readonly SurfaceRowText[], format: ExportFormat): string {
  let out = '';
  if (format === 'csv') for (const r of rows) out += csvLine(r, r.data);
  else {
    const json = surfaceRowWriter();
    for (const r of rows) out += json(r) + '\n';
  }
  return out;
}
