/**
 * `tidemark txns --topic T [--after N] [--before N] [--limit N] [--order asc|desc] [--all]`: lists
 * a topic's transactions (first/last seq, event count, commit time, and whether and why each was
 * invalidated), as NDJSON (each line a TxnInfo) or a table. Cursors work as in `tidemark read`.
 */
import { type Command, Option } from 'commander';
import { badRequest } from '../model/errors';
import type { ListTxnsOptions, Order, TxnInfo } from '../model/types';
import {
  type StoreOptionValues,
  addFormatOption,
  addStoreOptions,
  parseNonNegativeInt,
  parsePositiveInt,
  resolveFormat,
  topicOption,
  withStore,
} from './options';
import { type Column, RowPrinter } from './output';
import { moreHint, pageThrough } from './paging';

interface TxnsOpts extends StoreOptionValues {
  topic: string;
  after?: number;
  before?: number;
  limit?: number;
  order: Order;
  all?: boolean;
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
  { header: 'status', get: status, flex: true },
];

export function registerTxns(program: Command): void {
  const cmd = program
    .command('txns')
    .description("list a topic's transactions and whether each is valid")
    .addOption(topicOption())
    .addOption(new Option('--after <txn>', 'start after this txn (ascending order)').argParser(parseNonNegativeInt))
    .addOption(new Option('--before <txn>', 'start before this txn (with --order desc)').argParser(parseNonNegativeInt))
    .addOption(
      new Option('--limit <n>', 'print at most n transactions (default 100)')
        .argParser(parsePositiveInt)
        .conflicts('all'),
    )
    .addOption(
      new Option('--order <order>', 'asc (oldest first) or desc (newest first)')
        .choices(['asc', 'desc'])
        .default('asc'),
    )
    .option('--all', 'print every transaction, page after page');
  addFormatOption(cmd);
  addStoreOptions(cmd);
  cmd.action(async (opts: TxnsOpts, command: Command) => {
    if (opts.order === 'asc' && opts.before !== undefined) {
      throw badRequest('--before applies with --order desc (use --after for ascending listings)');
    }
    if (opts.order === 'desc' && opts.after !== undefined) {
      throw badRequest('--after applies with --order asc (use --before for descending listings)');
    }
    await withStore(command, opts, { mustExist: true }, async (store) => {
      const printer = new RowPrinter(resolveFormat(opts.format), TXN_COLUMNS);
      const start = opts.order === 'desc' ? opts.before : opts.after;
      const left = await pageThrough(
        opts,
        start,
        async (cursor, limit) => {
          const q: ListTxnsOptions = { order: opts.order, limit };
          if (cursor !== undefined) {
            if (opts.order === 'desc') q.before = cursor;
            else q.after = cursor;
          }
          const page = await store.listTxns(opts.topic, q);
          return { rows: page.txns, next: page.next };
        },
        (rows) => printer.page(rows),
      );
      await printer.finish('no transactions');
      if (left !== null) process.stderr.write(moreHint(opts.order === 'desc' ? '--before' : '--after', left));
    });
  });
}
