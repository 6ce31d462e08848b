/**
 * Snapshot formats: detection from a file name (`.csv`, `.json`, `.ndjson`/`.jsonl`) or an HTTP
 * Content-Type (`text/csv`, `application/json`, `application/x-ndjson`), and validation of an
 * explicit format name. Pure (no Node APIs): the renderer uses it to pick the upload's type.
 */
import { badRequest } from '../model/errors';
import type { SnapshotFormat } from './types';

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

/** The format a file name implies, or null when its extension says nothing. */
export function formatFromFileName(name: string): SnapshotFormat | null {
  const m = /\.([A-Za-z0-9]+)$/.exec(name);
  switch (m?.[1]?.toLowerCase()) {
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
  if (f === null) {
    throw badRequest(
      `cannot tell the format of ${JSON.stringify(fileName)} from its extension; pass a format (csv, json or ndjson)`,
    );
  }
  return f;
}
