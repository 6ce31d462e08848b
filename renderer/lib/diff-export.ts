/**
 * Diff result rows as CSV or NDJSON text, for the Diff tab's "Export". CSV columns: key, status,
 * fields (the differing field names, `;`-separated), txn and seq of the store value, then the
 * store and snapshot records as canonical JSON. Every cell goes through the one CSV cell rule
 * (src-core/export/csv.ts: formula-like text neutralised, RFC 4180 quoting).
 */
import { csvRecord } from '../../src-core/export/csv';
import { storedCanonicalJson } from '../../src-core/model/canonical';
import { stringifyJson } from '../../src-core/model/json-write';
import type { DiffRow } from '../../src-core/model/types';
import type { ExportFormat } from '../../src-core/model/store-api';

export function diffRowsToText(rows: DiffRow[], format: ExportFormat): string {
  if (format === 'ndjson') return rows.map((r) => stringifyJson(r)).join('\n') + (rows.length ? '\n' : '');
  let out = csvRecord(['key', 'status', 'fields', 'txn', 'seq', 'store', 'snapshot']);
  for (const r of rows) {
    out += csvRecord([
      r.key,
      r.status,
      r.fields.join(';'),
      r.store ? String(r.store.txn) : '',
      r.store ? String(r.store.seq) : '',
      r.store ? storedCanonicalJson(r.store.data) : '',
      r.snapshot ? storedCanonicalJson(r.snapshot) : '',
    ]);
  }
  return out;
}
