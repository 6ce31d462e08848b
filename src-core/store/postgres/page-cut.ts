/**
 * store/page-cut.ts's rule for PostgreSQL: a page query selects each row's data only when it is
 * small (`pageData`: at most `PAGE_INLINE_MAX` bytes, else NULL, never fetched) and every row's
 * byte count (`octet_length`, read from a TOASTed value's header without fetching the value). The
 * rows are cut by those counts (`cutPage`), and `fillData` then fetches, by seq, the large data of
 * the rows kept, which is at most the bound plus one row. So a page of 10,000 rows holds at most
 * 10,000 x 8 KiB of data before the cut, whatever the events' size; a page of small events costs
 * one query, as before. A window in SQL did the cut exactly but cost 15% of a surface scan
 * (docs/bench.md, "Pages cut by bytes").
 */
import { type CutPage, cutPage, pageDataSql } from '../page-cut';
import { type Db, query } from './db';

/** The select list of a page row's data from `expr`: `data` (NULL past PAGE_INLINE_MAX) and `data_len`. */
export function pageData(expr: string): string {
  const { data, len } = pageDataSql(expr);
  return `${data}, ${len}`;
}

/** A page row as `pageData` (store/page-cut.ts `pageDataSql`) selects it. */
export interface PageDataCols {
  seq: number;
  /** NULL when larger than PAGE_INLINE_MAX, until `fillData`. */
  data: string | null;
  data_len: number;
}

/** The page the rows (at most `limit + 1`, in page order) start with, cut by their data's bytes. */
export function cutRows<R extends PageDataCols>(rows: R[], limit: number): CutPage<R> {
  // PostgreSQL keeps a tombstone's data as `null` text: its length is never NULL.
  return cutPage(rows, limit, (r) => r.data_len);
}

/** Fetches the data of the rows that came without it (larger than PAGE_INLINE_MAX); rows then all have data. */
export async function fillData<R extends PageDataCols>(
  db: Db,
  topic: string,
  rows: R[],
): Promise<(R & { data: string })[]> {
  const missing = rows.filter((r) => r.data === null).map((r) => r.seq);
  if (missing.length > 0) {
    const t = db.t;
    const found = await query<{ seq: number; data: string }>(
      db,
      `SELECT e.seq, e.data FROM ${t.events} e
        WHERE e.topic_id = (SELECT id FROM ${t.topics} WHERE topic = $1) AND e.seq = ANY($2::bigint[])`,
      [topic, missing],
    );
    // Events are never changed once written: their data read now is the data the page saw.
    const bySeq = new Map(found.map((f) => [Number(f.seq), f.data]));
    for (const r of rows) if (r.data === null) r.data = bySeq.get(r.seq) ?? null;
  }
  return rows as (R & { data: string })[];
}
