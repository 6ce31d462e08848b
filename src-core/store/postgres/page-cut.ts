/**
 * store/page-cut.ts's rule in SQL, so PostgreSQL sends no data of a page past the cut (its rows
 * arrive at once, not one by one as SQLite's do). `cutPageSql` wraps a page query that returns at
 * most `limit + 1` rows in page order with a `data` text column. One window over them gives each
 * row's data bytes (`octet_length`, read from a TOASTed value's header without fetching it), the
 * running total and the previous row's bytes; the rows sent are those whose data before them is
 * under the bound, and after them the first row that is not, with its data NULL (never fetched):
 * it only says that a row follows. `cutRows` reads that back as `cutPage` would have cut the rows.
 * Measured against the bare query in docs/bench.md ("Pages cut by bytes").
 */
import { LIMITS } from '../../model/limits';
import type { CutPage } from '../page-cut';

/**
 * `sql` (rows in the order of `column` `dir`, with a `data` column and the columns `cols`) cut by
 * its rows' data bytes; `param` adds the bound as a query parameter and gives its placeholder.
 */
export function cutPageSql(
  sql: string,
  cols: readonly string[],
  column: string,
  dir: 'ASC' | 'DESC',
  param: (v: unknown) => string,
): string {
  const max = param(LIMITS.pageDataBytesMax);
  return `SELECT ${cols.map((c) => `c.${c}`).join(', ')}, CASE WHEN c.run - c.len < ${max} THEN c.data END AS data
            FROM (SELECT q.*, octet_length(q.data) AS len,
                         sum(octet_length(q.data)) OVER w AS run, lag(octet_length(q.data)) OVER w AS prev
                    FROM (${sql}) q WINDOW w AS (ORDER BY q.${column} ${dir})) c
           WHERE c.run - c.len - coalesce(c.prev, 0) < ${max}
           ORDER BY c.${column} ${dir}`;
}

/**
 * The page of rows a `cutPageSql` query returned: a last row without data (the row after the cut)
 * is dropped and says more follow; past that, at most `limit` rows, as `cutPage` keeps them.
 */
export function cutRows<R extends { data: string | null }>(rows: R[], limit: number): CutPage<R> {
  let more = false;
  if (rows.length > 0 && rows[rows.length - 1]!.data === null) {
    rows.pop();
    more = true;
  }
  if (rows.length > limit) {
    rows.length = limit;
    more = true;
  }
  return { rows, more };
}
