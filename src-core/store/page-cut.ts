/**
 * Where a page of events or surface rows ends: the one rule every backend keeps. A page holds at
 * most `limit` rows, and stops taking rows once the data of those it holds reaches
 * `LIMITS.pageDataBytesMax` bytes (UTF-8 of the stored JSON text, `dataBytes`): the row that
 * reaches it is the page's last. So every page holds at least one row when one is there, and its
 * data is under the bound plus one row. `more` says whether a row follows the page (then `next` is
 * the cursor of its last row). The SQL backends select a page's rows with `pageDataSql`: each
 * row's byte count, and its data only up to PAGE_INLINE_MAX (larger data is read by seq for the
 * rows kept), so reading a page never holds more than `limit` x 8 KiB before the cut.
 */
import { LIMITS } from '../model/limits';
import { utf8ByteLength } from '../model/utf8';

export interface CutPage<R> {
  rows: R[];
  more: boolean;
}

/** The page `rows` (in page order) starts with: at most `limit` rows, cut by their data's bytes (`bytesOf`). */
export function cutPage<R>(
  rows: Iterable<R>,
  limit: number,
  bytesOf: (row: R) => number,
  maxBytes: number = LIMITS.pageDataBytesMax,
): CutPage<R> {
  const out: R[] = [];
  let bytes = 0;
  for (const row of rows) {
    // A row beyond a full page, or beyond one whose data reached the bound: a next page starts at it.
    if (out.length === limit || bytes >= maxBytes) return { rows: out, more: true };
    out.push(row);
    bytes += bytesOf(row);
  }
  return { rows: out, more: false };
}

/**
 * Data at most this many bytes comes with its page row; larger data (a NULL in the row) is read by
 * seq once the page is cut, for the rows kept only. So reading a page of `limit` rows holds at most
 * `limit` x 8 KiB of data before the cut, however large the events (SQLite, PostgreSQL).
 */
export const PAGE_INLINE_MAX = 8 * 1024;

/**
 * The select-list items of a page row's data from the column `expr`, for SQLite and PostgreSQL
 * alike: `data`, NULL when over PAGE_INLINE_MAX bytes (never read), and `len`, the column
 * `data_len`, its bytes (`octet_length` reads a value's length without reading the value; NULL
 * for a NULL value).
 */
export function pageDataSql(expr: string): { data: string; len: string } {
  return {
    data: `CASE WHEN octet_length(${expr}) <= ${PAGE_INLINE_MAX} THEN ${expr} END AS data`,
    len: `octet_length(${expr}) AS data_len`,
  };
}

/** The bytes of a row's data as `pageDataSql`'s `data_len` gives them (null: a tombstone's NULL, written `null`). */
export function lenBytes(len: number | null): number {
  return len ?? NULL_BYTES;
}

/**
 * The bytes a row's data counts: its JSON text as UTF-8, as the page writes it. SQLite stores a
 * tombstone's data as NULL, which a page writes (and the other backends store) as `null`: 4.
 */
export function dataBytes(text: string | null): number {
  return text === null ? NULL_BYTES : utf8ByteLength(text);
}

/** `null`, as a page writes a tombstone's data. */
const NULL_BYTES = 4;
