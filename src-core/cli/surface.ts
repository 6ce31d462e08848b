/**
 * `tidemark surface --topic T [--prefix P] [--view valid|raw] [--as-of-txn N] [--after KEY]
 * [--limit N] [--all]`: prints the topic's surface (the newest valid event of each key, tombstoned
 * keys left out) ordered by key, as NDJSON (each line a SurfaceRow as the API returns it) or a
 * table. `--view raw` takes the newest event whether valid or not and flags invalid rows;
 * `--as-of-txn N` shows the surface as it stood right after transaction N. Over HTTP the page after
 * is asked for while one is printed (services/pages.ts `surfacePagesOf`).
 */
import { type Command, Option } from 'commander';
import type { SurfaceOptions, SurfaceRow, SurfaceView } from '../model/types';
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
import { type Column, RowPrinter, dataCell } from './output';
import { surfacePagesOf } from '../services/pages';
import { type PagingOptions, pageBounds, printPageStream, rowPages } from './paging';

interface SurfaceOpts extends StoreOptionValues, PagingOptions {
  topic: string;
  prefix?: string;
  view: SurfaceView;
  asOfTxn?: number;
  after?: string;
  format?: string;
}

export function surfaceColumns(view: SurfaceView): Column<SurfaceRow>[] {
  const cols: Column<SurfaceRow>[] = [
    { header: 'key', get: (r) => r.key, max: 60 },
    { header: 'seq', get: (r) => String(r.seq), right: true },
    { header: 'txn', get: (r) => String(r.txn), right: true },
    { header: 'time', get: (r) => r.time },
  ];
  if (view === 'raw') cols.push({ header: 'valid', get: (r) => (r.invalid === true ? 'INVALID' : 'yes') });
  cols.push({ header: 'data', get: (r) => dataCell(r.data), flex: true });
  return cols;
}

export function registerSurface(program: Command): void {
  const cmd = program
    .command('surface')
    .description("print a topic's surface: the newest valid event of each key, ordered by key")
    .addOption(topicOption())
    .addOption(new Option('--prefix <prefix>', 'only keys starting with prefix'))
    .addOption(
      new Option('--view <view>', 'valid (newest valid event) or raw (newest event, invalid ones flagged)')
        .choices(['valid', 'raw'])
        .default('valid'),
    )
    .addOption(
      new Option('--as-of-txn <txn>', 'the surface as it stood right after this transaction').argParser(
        parseNonNegativeInt,
      ),
    )
    .addOption(new Option('--after <key>', 'start after this key (the cursor printed when rows remain)'))
    .addOption(
      new Option('--limit <n>', 'print at most n rows (default 100)').argParser(parsePositiveInt).conflicts('all'),
    )
    .option('--all', 'print every row, page after page');
  addFormatOption(cmd);
  addStoreOptions(cmd);
  cmd.action(async (opts: SurfaceOpts, command: Command) => {
    await withStore(command, opts, { mustExist: true }, async (store) => {
      const printer = new RowPrinter(resolveFormat(opts.format), surfaceColumns(opts.view));
      const base: SurfaceOptions = { view: opts.view };
      if (opts.prefix !== undefined) base.prefix = opts.prefix;
      if (opts.asOfTxn !== undefined) base.asOfTxn = opts.asOfTxn;
      await printPageStream(printer, 'no rows', opts, '--after', (wanted) => {
        const { limit, max } = pageBounds(wanted);
        const query: SurfaceOptions =
          opts.after !== undefined ? { ...base, limit, after: opts.after } : { ...base, limit };
        return rowPages(surfacePagesOf(store, opts.topic, query, max), (p) => ({ rows: p.rows, next: p.next }));
      });
    });
  });
}
