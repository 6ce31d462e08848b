/**
 * What `tidemark read` (../read.ts) does: the topic's log page by page, or `--follow` (follow.ts).
 * Over HTTP, `--all` and a `--limit` above one page read one page ahead (services/pages.ts).
 */
import type { Command } from 'commander';
import { badRequest } from '../../model/errors';
import type { ReadEventsOptions, StoredEvent } from '../../model/types';
import { eventPagesOf } from '../../services/pages';
import type { EventStore } from '../../store/types';
import { currentEnd, follow } from '../follow';
import type { StoreOptionValues } from '../options';
import { withStore } from '../open-store';
import { type Column, RowPrinter, dataCell, resolveFormat } from '../output';
import {
  type OrderedPagingOptions,
  type Page,
  checkOrderedCursor,
  orderedQuery,
  orderedStart,
  pageBounds,
  printPageStream,
  rowPages,
} from '../paging';

interface ReadOpts extends StoreOptionValues, OrderedPagingOptions {
  topic: string;
  key?: string;
  txn?: number;
  follow?: boolean;
  format?: string;
}

export const EVENT_COLUMNS: Column<StoredEvent>[] = [
  { header: 'seq', get: (e) => String(e.seq), right: true },
  { header: 'txn', get: (e) => String(e.txn), right: true },
  { header: 'key', get: (e) => e.key, max: 40 },
  { header: 'type', get: (e) => (e.invalid === true ? `${e.type} (invalid)` : e.type) },
  { header: 'time', get: (e) => e.time },
  {
    header: 'data',
    get: (e) => (e.type === 'invalidate' ? `invalidates txn ${e.target ?? '?'}: ${e.reason ?? ''}` : dataCell(e.data)),
    flex: true,
  },
];

/**
 * The pages `read` prints: of at most 10,000 events, no more than `wanted` in all (paging.ts
 * `pageBounds`), from `--after`/`--before` on, through `eventPagesOf` (over HTTP the page after
 * is asked for while one is printed, one page ahead).
 */
function pagesOf(store: EventStore, opts: ReadOpts, wanted: number): AsyncGenerator<Page<StoredEvent, number>> {
  const { limit, max } = pageBounds(wanted);
  const query: ReadEventsOptions = orderedQuery(opts, limit);
  if (opts.key !== undefined) query.key = opts.key;
  if (opts.txn !== undefined) query.txn = opts.txn;
  return rowPages(eventPagesOf(store, opts.topic, query, max), (p) => ({ rows: p.events, next: p.next }));
}

export async function run(opts: ReadOpts, command: Command): Promise<void> {
  checkOrderedCursor(opts, 'reads');
  if (opts.follow === true && opts.order === 'desc') throw badRequest('--follow reads in ascending order only');
  await withStore(command, opts, { mustExist: true }, async (store) => {
    const printer = new RowPrinter(resolveFormat(opts.format), EVENT_COLUMNS);
    if (opts.follow === true) {
      const after = opts.after ?? (await currentEnd(store, opts.topic));
      await follow(store, opts.topic, printer, { after });
      return;
    }
    const start = orderedStart(opts);
    await printPageStream(printer, 'no events', opts, start.option, (wanted) => pagesOf(store, opts, wanted));
  });
}
