/** What `tidemark txns` (../txns.ts) does: a topic's transactions, page by page. */
import type { Command } from 'commander';
import { canonicalJson } from '../../model/canonical';
import type { TxnInfo } from '../../model/types';
import { txnPagesOf } from '../../services/pages';
import type { StoreOptionValues } from '../options';
import { withStore } from '../open-store';
import { type Column, RowPrinter, resolveFormat } from '../output';
import {
  type OrderedPagingOptions,
  checkOrderedCursor,
  orderedQuery,
  orderedStart,
  pageBounds,
  printPageStream,
  rowPages,
} from '../paging';

interface TxnsOpts extends StoreOptionValues, OrderedPagingOptions {
  topic: string;
  format?: string;
}

function status(t: TxnInfo): string {
  if (t.marker === true) return 'marker';
  if (t.invalidatedBy !== null) return `INVALID (marker seq ${t.invalidatedBy}): ${t.reason ?? ''}`;
  return 'valid';
}

export const TXN_COLUMNS: Column<TxnInfo>[] = [
  { header: 'txn', get: (t) => String(t.txn), right: true },
  { header: 'firstSeq', get: (t) => String(t.firstSeq), right: true },
  { header: 'lastSeq', get: (t) => String(t.lastSeq), right: true },
  { header: 'count', get: (t) => String(t.count), right: true },
  { header: 'time', get: (t) => t.time },
  { header: 'by', get: (t) => t.by ?? '', max: 24 },
  { header: 'meta', get: (t) => (t.meta === null ? '' : canonicalJson(t.meta)), max: 40 },
  { header: 'status', get: status, flex: true },
];

export async function run(opts: TxnsOpts, command: Command): Promise<void> {
  checkOrderedCursor(opts, 'listings');
  await withStore(command, opts, { mustExist: true }, async (store) => {
    const printer = new RowPrinter(resolveFormat(opts.format), TXN_COLUMNS);
    await printPageStream(printer, 'no transactions', opts, orderedStart(opts).option, (wanted) => {
      const { limit, max } = pageBounds(wanted);
      return rowPages(txnPagesOf(store, opts.topic, orderedQuery(opts, limit), max), (p) => ({
        rows: p.txns,
        next: p.next,
      }));
    });
  });
}
