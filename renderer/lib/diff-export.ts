/**
 * Diff result rows as CSV or NDJSON text, for the Diff tab's "Export". CSV columns: key, status,
 * fields (the differing field names, `;`-separated), txn and seq of the store value, then the
 * store and snapshot records as canonical JSON. Cells are quoted per RFC 4180 when needed.
 */
import { storedCanonicalJson } from '../../src-core/model/canonical';
import { stringifyJson } from '../../src-core/model/json-text';
import type { DiffRow } from '../../src-core/model/types';
import type { ExportFormat } from '../../src-core/model/store-api';

export function csvCell(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function diffRowsToText(rows: DiffRow[], format: ExportFormat): string {
  if (format === 'ndjson') return rows.map((r) => stringifyJson(r)).join('\n') + (rows.length ? '\n' : '');
  const lines = ['key,status,fields,txn,seq,store,snapshot'];
  for (const r of rows) {
    lines.push(
      [
        r.key,
        r.status,
        r.fields.join(';'),
        r.store ? String(r.store.txn) : '',
        r.store ? String(r.store.seq) : '',
        r.store ? storedCanonicalJson(r.store.data) : '',
        r.snapshot ? storedCanonicalJson(r.snapshot) : '',
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return lines.join('\r\n') + '\r\n';
}
