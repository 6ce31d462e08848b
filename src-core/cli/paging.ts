/**
 * Paging for the listing commands. `--limit N` prints at most N rows (any positive number; pages
 * of at most 10,000 are fetched underneath), `--all` prints every row, page after page, writing
 * each page before reading the one after it so memory stays flat (a reader may have asked for
 * that one already: `read`, `txns` and `surface` over HTTP ask one page ahead, never for rows
 * beyond `--limit`; services/pages.ts). When rows remain after `--limit`, the
 * command says on stderr which cursor option continues from there. Listings ordered by a number
 * (`read` by seq, `txns` by txn) share their cursor options (options.ts `addOrderedCursorOptions`):
 * `--after` is the cursor of ascending listings, `--before` of descending ones, and giving the
 * other one is an error rather than being ignored (`checkOrderedCursor` here).
 */
import { TidemarkError, badRequest } from '../model/errors';
import { LIMITS } from '../model/limits';
import type { ListTxnsOptions, Order } from '../model/types';
import type { RowPrinter } from './output';

export interface Page<T, C> {
  rows: T[];
  next: C | null;
}

export interface PagingOptions {
  limit?: number;
  all?: boolean;
}

const DEFAULT_ROWS = LIMITS.pageDefault;

/** The rows a listing prints at most: every one with `--all`, else `--limit` (default 100). */
export function rowsWanted(opts: PagingOptions): number {
  return opts.all === true ? Number.POSITIVE_INFINITY : (opts.limit ?? DEFAULT_ROWS);
}

/**
 * Hands over `pages` until `wanted` rows or the end; returns the cursor of what is left (null:
 * nothing). Stopping here stops the pages (a reader that asked a page ahead cancels it).
 */
export async function drainPages<T, C>(
  wanted: number,
  pages: AsyncIterable<Page<T, C>>,
  onPage: (rows: T[]) => Promise<void>,
): Promise<C | null> {
  let remaining = wanted;
  for await (const page of pages) {
    await onPage(page.rows);
    remaining -= page.rows.length;
    if (page.next === null) return null;
    if (page.rows.length === 0) {
      // A backend that returns an empty page with a cursor would loop forever: stop loudly.
      throw new TidemarkError('INTERNAL', 'the store returned an empty page with a next cursor');
    }
    if (remaining <= 0) return page.next;
  }
  return null;
}

/**
 * The first page's size and the cap on all pages of a listing wanting `wanted` rows: pages of at
 * most 10,000 rows, no more than `wanted` in all (`max`; none with `--all`), for the page readers
 * of services/pages.ts (which never ask for rows beyond `max`).
 */
export function pageBounds(wanted: number): { limit: number; max: number | undefined } {
  return { limit: Math.min(wanted, LIMITS.pageMax), max: Number.isFinite(wanted) ? wanted : undefined };
}

/** `pages` as the listing's pages (`page` gives a page's rows and cursor); stopping here stops `pages`. */
export async function* rowPages<P, T, C>(
  pages: AsyncIterable<P>,
  page: (p: P) => Page<T, C>,
): AsyncGenerator<Page<T, C>, void, undefined> {
  for await (const p of pages) yield page(p);
}

/** The stderr hint printed when `--limit` left rows behind. */
function moreHint(option: string, cursor: string | number): string {
  const shown = typeof cursor === 'number' ? String(cursor) : JSON.stringify(cursor);
  return `tidemark: more rows follow; continue with ${option} ${shown} (or use --all)\n`;
}

/**
 * Prints the pages `pages(wanted)` reads (at most `wanted` rows in all: Infinity with `--all`)
 * through `printer`, then the empty-table note and, if rows remain, the hint naming `option`.
 */
export async function printPageStream<T, C extends string | number>(
  printer: RowPrinter<T>,
  emptyMessage: string,
  opts: PagingOptions,
  option: string,
  pages: (wanted: number) => AsyncIterable<Page<T, C>>,
): Promise<void> {
  const wanted = rowsWanted(opts);
  const left = await drainPages(wanted, pages(wanted), (rows) => printer.page(rows));
  await printer.finish(emptyMessage);
  if (left !== null) process.stderr.write(moreHint(option, left));
}

/** The options of a listing ordered by a number, readable in either direction. */
export interface OrderedPagingOptions extends PagingOptions {
  order: Order;
  after?: number;
  before?: number;
}

/** Rejects the cursor option that does not go with `--order`; `listings` words the message. */
export function checkOrderedCursor(opts: OrderedPagingOptions, listings: string): void {
  if (opts.order === 'asc' && opts.before !== undefined) {
    throw badRequest(`--before applies with --order desc (use --after for ascending ${listings})`);
  }
  if (opts.order === 'desc' && opts.after !== undefined) {
    throw badRequest(`--after applies with --order asc (use --before for descending ${listings})`);
  }
}

/** Where an ordered listing starts: `--before` when newest first, else `--after`. */
export function orderedStart(opts: OrderedPagingOptions): { option: string; cursor: number | undefined } {
  return opts.order === 'desc'
    ? { option: '--before', cursor: opts.before }
    : { option: '--after', cursor: opts.after };
}

/** The query of an ordered listing's first page of `limit` rows: from `--after` or `--before` on. */
export function orderedQuery(opts: OrderedPagingOptions, limit: number): ListTxnsOptions {
  const query: ListTxnsOptions = { order: opts.order, limit };
  const start = orderedStart(opts).cursor;
  if (start !== undefined) {
    if (opts.order === 'desc') query.before = start;
    else query.after = start;
  }
  return query;
}
