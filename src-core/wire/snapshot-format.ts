/**
 * Snapshot formats of the diff (docs/diff.md "Snapshot formats"): the format a file name implies
 * (`.csv`, `.json`, `.ndjson`/`.jsonl`), the one an HTTP Content-Type names (`text/csv`,
 * `application/json`, `application/x-ndjson` or `application/ndjson`), the Content-Type each is
 * uploaded with, and the check of an explicit format name. Only the documented set: a `.tsv` file
 * (tab-separated; the CSV reader splits at commas) is not taken for CSV, and `resolveFormat` says
 * so. The CLI, the server's diff route, Electron and the browser all use these (src-core/diff/format.ts
 * re-exports them). Pure.
 */
import { badRequest } from '../model/errors';
import type { SnapshotFormat } from '../model/store-api';

export const SNAPSHOT_FORMATS: readonly SnapshotFormat[] = ['csv', 'json', 'ndjson'];

export const CONTENT_TYPES: Record<SnapshotFormat, string> = {
  csv: 'text/csv',
  json: 'application/json',
  ndjson: 'application/x-ndjson',
};

export function isSnapshotFormat(v: unknown): v is SnapshotFormat {
  return v === 'csv' || v === 'json' || v === 'ndjson';
}

export function parseSnapshotFormat(v: unknown, what = 'format'): SnapshotFormat {
  if (!isSnapshotFormat(v)) throw badRequest(`${what}: must be csv, json or ndjson, got ${JSON.stringify(v)}`);
  return v;
}

function extensionOf(name: string): string | undefined {
  return /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase();
}

/** The format a file name implies, or null when its extension says nothing. */
export function formatFromFileName(name: string): SnapshotFormat | null {
  switch (extensionOf(name)) {
    case 'csv':
      return 'csv';
    case 'json':
      return 'json';
    case 'ndjson':
    case 'jsonl':
      return 'ndjson';
    default:
      return null;
  }
}

/** The format a Content-Type header names (parameters such as charset ignored), or null. */
export function formatFromContentType(contentType: string | undefined): SnapshotFormat | null {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  switch (type) {
    case 'text/csv':
      return 'csv';
    case 'application/json':
      return 'json';
    case 'application/x-ndjson':
    case 'application/ndjson':
    case 'application/jsonl':
      return 'ndjson';
    default:
      return null;
  }
}

/** The explicit format if given, else the one the file name implies; BAD_REQUEST if neither. */
export function resolveFormat(explicit: string | undefined, fileName: string): SnapshotFormat {
  if (explicit !== undefined) return parseSnapshotFormat(explicit);
  const f = formatFromFileName(fileName);
  if (f !== null) return f;
  if (extensionOf(fileName) === 'tsv') {
    throw badRequest(
      `${JSON.stringify(fileName)} is tab-separated (.tsv), which is not a snapshot format: save it as CSV (comma-separated), JSON or NDJSON`,
    );
  }
  throw badRequest(
    `cannot tell the format of ${JSON.stringify(fileName)} from its extension; pass a format (csv, json or ndjson)`,
  );
}
