/**
 * The names of the files the product exports, and the format a file name implies. A surface
 * export is `<topic>-surface.<format>` and a diff export `<topic>-diff.<format>` (the server's
 * `Content-Disposition`, the desktop app's save dialog, the browser's download), where the topic
 * keeps only `A-Z a-z 0-9 . _ -` and every other character becomes `_`, so the name is safe on
 * every file system. A diff exported with comparison options that change how values compare says
 * them after the kind when they are short (`diffFileName`: `trades-diff_map-quantity-qty_tol-0.01_norm-trim.csv`,
 * at most 60 characters of options, else the plain name; the NDJSON file's first line has them
 * all, export/diff.ts). A name chosen by a person (the CLI's `--out`) says its format by its
 * extension: `.csv`, or `.ndjson` / `.jsonl`, in any case. Each format has one media type (UTF-8),
 * sent by the server and given to the browser's Blob. Pure, no node:*: the renderer imports it.
 */
import { badRequest } from '../model/errors';
import type { ExportFormat } from '../model/store-api';
import type { DiffFileOptions } from './diff';

/** What is exported: a topic's surface, or the rows of a diff against it. */
export type ExportKind = 'surface' | 'diff';

/** `<topic>-<kind>.<format>`, the topic made safe for a file name. */
export function exportFileName(topic: string, kind: ExportKind, format: ExportFormat): string {
  return `${topic.replace(/[^A-Za-z0-9._-]/g, '_')}-${kind}.${format}`;
}

/** Most characters of options a diff export's name carries. */
export const DIFF_NAME_OPTIONS_MAX = 60;

/** `<topic>-diff.<format>`, with the comparison options (map, tolerance, normalise) when short. */
export function diffFileName(topic: string, format: ExportFormat, opts?: DiffFileOptions): string {
  const parts: string[] = [];
  if (opts?.map !== undefined) parts.push(['map', ...Object.entries(opts.map).flat()].join('-'));
  const tol = opts?.tolerance;
  if (typeof tol === 'number') parts.push(`tol-${JSON.stringify(tol)}`);
  else if (tol !== undefined)
    parts.push(['tol', ...Object.entries(tol).flatMap(([f, n]) => [f, JSON.stringify(n)])].join('-'));
  if (opts?.normalise !== undefined) parts.push(['norm', ...opts.normalise].join('-'));
  const detail = parts.join('_').replace(/[^A-Za-z0-9._-]/g, '_');
  if (detail === '' || detail.length > DIFF_NAME_OPTIONS_MAX) return exportFileName(topic, 'diff', format);
  return exportFileName(topic, 'diff', format).replace(/\.[a-z]+$/, `_${detail}.${format}`);
}

/** The media type of an exported file, with its charset. */
export function exportMediaType(format: ExportFormat): string {
  return format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8';
}

/** The export format a file name's extension implies, or null when it implies none. */
export function exportFormatOfFileName(name: string): ExportFormat | null {
  const ext = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase();
  if (ext === 'csv') return 'csv';
  if (ext === 'ndjson' || ext === 'jsonl') return 'ndjson';
  return null;
}

/** The export format of `name`, or BAD_REQUEST naming `field` (`--out: "x.json" must end in .csv or .ndjson`). */
export function exportFormatFromFileName(name: string, field: string): ExportFormat {
  const format = exportFormatOfFileName(name);
  if (format === null) throw badRequest(`${field}: ${JSON.stringify(name)} must end in .csv or .ndjson`);
  return format;
}
