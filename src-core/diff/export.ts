/**
 * Streaming export of diff rows: CSV (a header row, CRLF line ends, every cell through the one cell
 * rule of src-core/export/csv.ts: formula-like text neutralised, RFC 4180 quoting) or NDJSON (one
 * DiffRow JSON per line).
 * `DiffRowWriter` batches rows into ~64 KiB writes to any Node Writable and honours back-pressure:
 * `write` returns a promise only when the stream asked to wait, so it plugs straight into
 * `diffSnapshot`'s `onRow`. CSV columns: key, status, fields (names joined by ";"), storeSeq,
 * storeTxn, storeTime, storeHash, storeData (canonical JSON), snapshot (the record as JSON).
 */
import type { Writable } from 'node:stream';
import { csvRecord } from '../export/csv';
import { storedCanonicalJson } from '../model/canonical';
import { TidemarkError, badRequest } from '../model/errors';
import { stringifyJson } from '../model/json-write';
import type { ExportFormat } from '../model/store-api';
import type { DiffRow } from '../model/types';

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

export function diffCsvHeader(): string {
  return csvRecord(DIFF_CSV_COLUMNS);
}

export function diffRowToCsv(row: DiffRow): string {
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
    row.snapshot === null ? '' : JSON.stringify(row.snapshot),
  ]);
}

export function diffRowToNdjson(row: DiffRow): string {
  return stringifyJson(row) + '\n';
}

/** The export format a file name implies (.csv, .ndjson/.jsonl); BAD_REQUEST otherwise. */
export function exportFormatFromFileName(name: string): ExportFormat {
  const ext = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase();
  if (ext === 'csv') return 'csv';
  if (ext === 'ndjson' || ext === 'jsonl') return 'ndjson';
  throw badRequest(`--out: ${JSON.stringify(name)} must end in .csv or .ndjson`);
}

const FLUSH_CHARS = 64 * 1024;

/** Writes diff rows to a stream in the chosen format, batched, with back-pressure. */
export class DiffRowWriter {
  private buf = '';
  rows = 0;
  private failed: Error | null = null;

  constructor(
    private readonly format: ExportFormat,
    private readonly out: Writable,
    /** Transforms a row to a line; default per format. */
    private readonly line: (row: DiffRow) => string = format === 'csv' ? diffRowToCsv : diffRowToNdjson,
  ) {
    if (format === 'csv') this.buf = diffCsvHeader();
    out.on('error', (e) => (this.failed ??= e));
  }

  /** Adds a row; returns a promise only when the stream wants the writer to wait. */
  write = (row: DiffRow): void | Promise<void> => {
    this.rows++;
    this.buf += this.line(row);
    if (this.buf.length >= FLUSH_CHARS) return this.flush();
  };

  /** Writes raw text (e.g. a trailer line) after the buffered rows. */
  text(s: string): void | Promise<void> {
    this.buf += s;
    if (this.buf.length >= FLUSH_CHARS) return this.flush();
  }

  flush(): void | Promise<void> {
    if (this.failed) throw this.failed;
    // A destroyed stream never drains again: stop here rather than wait forever.
    if (this.out.destroyed) throw new TidemarkError('CANCELLED', 'the output was closed before the rows were written');
    if (this.buf === '') return;
    const ok = this.out.write(this.buf);
    this.buf = '';
    if (!ok) return waitDrain(this.out);
  }

  /** Flushes and ends the stream; resolves when everything is written. */
  async end(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve, reject) => {
      this.out.once('error', reject);
      this.out.end(() => resolve());
    });
    if (this.failed) throw this.failed;
  }
}

/** Resolves on 'drain', or when the stream closes or fails (so a gone reader never hangs us). */
function waitDrain(out: Writable): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      out.off('drain', done);
      out.off('close', done);
      out.off('error', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
    out.on('error', done);
  });
}
