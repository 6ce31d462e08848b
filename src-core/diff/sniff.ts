/**
 * `sniffColumns`: the field names of a snapshot, guessed from its first bytes (the renderer reads
 * ~64 KiB of a picked file and offers these as key and field choices). CSV: the header row. JSON
 * and NDJSON: the union of the fields of the records that are complete in the sample, in the order
 * first seen. A sample cut mid-record is fine; an unreadable sample gives what was found before the
 * problem (possibly nothing). Pure: no Node APIs, safe for the browser build.
 */
import { parse } from 'csv-parse/browser/esm/sync';
import { JsonArrayScanner } from './json-array';
import { NdjsonSplitter } from './ndjson';
import type { SnapshotFormat, SnapshotRecord } from './types';

export function sniffColumns(sampleText: string, format: SnapshotFormat): string[] {
  const text = sampleText.charCodeAt(0) === 0xfeff ? sampleText.slice(1) : sampleText;
  if (format === 'csv') return sniffCsvHeader(text);
  const records: SnapshotRecord[] = [];
  try {
    // A cut-off last record (or line) is simply not complete, so it is not returned.
    if (format === 'json') new JsonArrayScanner().push(text, records);
    else new NdjsonSplitter().push(text, records);
  } catch {
    // A bad record ends the sample; keep what was found before it.
  }
  const names = new Set<string>();
  for (const r of records) for (const k of Object.keys(r.record)) names.add(k);
  return [...names];
}

function sniffCsvHeader(text: string): string[] {
  try {
    const rows = parse(text, { to: 1, record_delimiter: ['\r\n', '\n'] });
    return (rows[0] ?? []).filter((c) => c !== '');
  } catch {
    return [];
  }
}
