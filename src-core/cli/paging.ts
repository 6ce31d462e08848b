/**
 * Paging for the listing commands. `--limit N` prints at most N rows (any positive number; pages
 * of at most 10,000 are fetched underneath), `--all` prints every row, page after page, writing
 * each page before fetching the next so memory stays flat. When rows remain after `--limit`, the
 * cursor to continue from is returned so the command can say how to get the rest.
 */
import { TidemarkError } from '../model/errors';
import { LIMITS } from '../model/limits';

export interface Page<T, C> {
  rows: T[];
  next: C | null;
}

export interface PagingOptions {
  limit?: number;
  all?: boolean;
}

export const DEFAULT_ROWS = LIMITS.pageDefault;

/** Fetches and hands over pages until the cap or the end; returns the cursor of what is left. */
export async function pageThrough<T, C>(
  opts: PagingOptions,
  start: C | undefined,
  fetch: (cursor: C | undefined, limit: number) => Promise<Page<T, C>>,
  onPage: (rows: T[]) => Promise<void>,
): Promise<C | null> {
  let remaining = opts.all === true ? Number.POSITIVE_INFINITY : (opts.limit ?? DEFAULT_ROWS);
  let cursor = start;
  for (;;) {
    const size = Math.min(remaining, LIMITS.pageMax);
    const page = await fetch(cursor, size);
    await onPage(page.rows);
    remaining -= page.rows.length;
    if (page.next === null) return null;
    if (page.rows.length === 0) {
      // A backend that returns an empty page with a cursor would loop forever: stop loudly.
      throw new TidemarkError('INTERNAL', 'the store returned an empty page with a next cursor');
    }
    cursor = page.next;
    if (remaining <= 0) return page.next;
  }
}

/** The stderr hint printed when `--limit` left rows behind. */
export function moreHint(option: string, cursor: string | number): string {
  const shown = typeof cursor === 'number' ? String(cursor) : JSON.stringify(cursor);
  return `tidemark: more rows follow; continue with ${option} ${shown} (or use --all)\n`;
}
