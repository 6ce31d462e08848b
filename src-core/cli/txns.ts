/**
 * `tidemark txns --topic T [--after N] [--before N] [--limit N] [--order asc|desc] [--all]`: lists
 * a topic's transactions (first/last seq, event count, commit time, who wrote it (`by`), whether
 * and why each was invalidated, and its `meta`), as NDJSON (each line a TxnInfo) or a table. Cursors work as in `tidemark read`;
 * over HTTP the page after is asked for while one is printed (services/pages.ts `txnPagesOf`).
 */
import type { Command } from 'commander';
import { canonicalJson } from '../model/canonical';
import type { TxnInfo } from '../model/types';
import {
  type StoreOptionValues,
  addFormatOption,
  addStoreOptions,
  resolveFormat,
  topicOption,
  withStore,
} from './options';
import { type Column, RowPrinter } from './output';
import { txnPagesOf } from '../services/pages';
import {
  type OrderedPagingOptions,
  addOrderedCursorOptions,
  checkOrderedCursor,
  orderedQuery,
  orderedStart,
  pageBounds,
  printPageStream,
  rowPages,
} from './paging';

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

export function registerTxns(program: Command): void {
  const cmd = addOrderedCursorOptions(
    program
      .command('txns')
      .description("list a topic's transactions and whether each is valid")
      .addOption(topicOption()),
    'txn',
    'transactions',
  ).option('--all', 'print every transaction, page after page');
  addFormatOption(cmd);
  addStoreOptions(cmd);
  cmd.action(async (opts: TxnsOpts, command: Command) => {
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
  });
}
