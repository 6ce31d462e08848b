/**
 * What `tidemark surface` (../surface.ts) does: the topic's surface page by page. Over HTTP the
 * page after is asked for while one is printed (services/pages.ts `surfacePagesOf`).
 */
import type { Command } from 'commander';
import type { SurfaceOptions, SurfaceRow, SurfaceView } from '../../model/types';
import { surfacePagesOf } from '../../services/pages';
import type { StoreOptionValues } from '../options';
import { withStore } from '../open-store';
import { type Column, RowPrinter, dataCell, resolveFormat } from '../output';
import { type PagingOptions, pageBounds, printPageStream, rowPages } from '../paging';

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

export async function run(opts: SurfaceOpts, command: Command): Promise<void> {
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
}
