/**
 * Surface pages. The current surface (valid and raw views) is read from the `heads` table, which
 * the write path keeps up to date, in key order along its primary key: a page costs `limit` rows
 * plus skipped tombstones, never a scan of the log. `asOfTxn=N` asks for the past: it walks the
 * same keys in order and, per key, probes the (topic, key, seq DESC) index for the newest event at
 * or before txn N's last seq (valid view: skipping invalidated transactions, validity as known
 * now), so a page still costs about `limit` probes. Key order is code point
 * order (`COLLATE "C"`); `prefix` is a LIKE on that collation, which PostgreSQL turns into an
 * index range.
 */
import type { SurfaceRowText, SurfaceTextPage } from '../../model/stored-json';
import type { SurfaceOptions, SurfacePage, SurfaceRow } from '../../model/types';
import { normalizeSurface, validateTopic } from '../../model/validate';
import { inTx, query, type Db } from './db';
import { type PageDataCols, cutRows, fillData, pageData } from './page-cut';

interface SurfaceDbRow {
  key: string;
  seq: number;
  txn: number;
  hash: string;
  data: string;
  time: string;
  invalid: boolean;
}

function likePrefix(prefix: string): string {
  return prefix.replace(/[\\%_]/g, (ch) => `\\${ch}`) + '%';
}

/** One mapping of a surface row, whether its data is parsed or passed through as stored text. */
function surfaceRowFrom<D>(r: SurfaceDbRow, raw: boolean, data: D): Omit<SurfaceRow, 'data'> & { data: D } {
  const row: Omit<SurfaceRow, 'data'> & { data: D } = {
    key: r.key,
    seq: r.seq,
    txn: r.txn,
    hash: r.hash,
    data,
    time: r.time,
  };
  if (raw && r.invalid) row.invalid = true;
  return row;
}

function surfaceRowOf(r: SurfaceDbRow, raw: boolean): SurfaceRow {
  return surfaceRowFrom(r, raw, JSON.parse(r.data) as SurfaceRow['data']);
}

function surfaceRowTextOf(r: SurfaceDbRow, raw: boolean): SurfaceRowText {
  return surfaceRowFrom(r, raw, r.data);
}

export async function surfacePage(db: Db, topic: string, opts?: SurfaceOptions): Promise<SurfacePage> {
  const { rows, more, raw } = await surfaceRows(db, topic, opts);
  return { rows: rows.map((r) => surfaceRowOf(r, raw)), next: more ? rows[rows.length - 1]!.key : null };
}

/** The same page with each row's data as the stored JSON text (the server writes it unparsed). */
export async function surfacePageText(db: Db, topic: string, opts?: SurfaceOptions): Promise<SurfaceTextPage> {
  const { rows, more, raw } = await surfaceRows(db, topic, opts);
  return { rows: rows.map((r) => surfaceRowTextOf(r, raw)), next: more ? rows[rows.length - 1]!.key : null };
}

/**
 * Runs a page statement whose order the heads primary key gives with sorting disabled for it
 * (`SET LOCAL enable_sort = off` in its own transaction, which goes out with it in one round
 * trip). Without statistics (a topic just written, before autovacuum analyses it) the planner
 * estimated a topic at a few dozen keys and, for every page, read every key after the cursor,
 * joined each to its event and sorted them to keep a thousand: a full scan cost pages times keys.
 * An inner limit the planner cannot read fixed that but, with statistics and keys stored out of
 * key order, was planned as a scan of all of `heads` and a sort per page. Only the index walk is
 * right in both states, and it is the only plan left without a sort (docs/bench.md, "Reads").
 */
async function inKeyOrder<R>(db: Db, sql: string, values: unknown[]): Promise<R[]> {
  const out = await inTx(db, (c, tx) => {
    // Its failure aborts the transaction, and so fails the statement behind it.
    c.query('SET LOCAL enable_sort = off').catch(() => undefined);
    const res = c.query(sql, values);
    tx.sendLast(res);
    return Promise.resolve({ res });
  });
  return (await out.res).rows as R[];
}

async function surfaceRows(
  db: Db,
  topic: string,
  opts?: SurfaceOptions,
): Promise<{ rows: SurfaceDbRow[]; more: boolean; raw: boolean }> {
  validateTopic(topic);
  const o = normalizeSurface(opts);
  // No key stored here holds NUL (PostgreSQL text cannot, and cannot take it as a parameter), but a
  // cursor or prefix may (a key stored with NUL elsewhere before that was refused). A prefix with
  // NUL matches nothing; a cursor cut at its first NUL is the same bound for keys without one
  // ("ab" < "ab\0x" < "ab\u0001"), so the answer is exactly SQLite's for a store holding no such key.
  if (o.prefix?.includes('\u0000') === true) return { rows: [], more: false, raw: false };
  if (o.after !== undefined) {
    const nul = o.after.indexOf('\u0000');
    if (nul >= 0) o.after = o.after.slice(0, nul);
  }
  const t = db.t;
  const raw = o.view === 'raw';
  const values: unknown[] = [topic];
  const param = (v: unknown): string => {
    values.push(v);
    return `$${values.length}`;
  };
  const topicId = `(SELECT id FROM ${t.topics} WHERE topic = $1)`;
  const seqCol = raw ? 'h.raw_seq' : 'h.valid_seq';
  /**
   * The maintained heads: the surface as of the topic's newest transaction. The page's keys are
   * taken from `heads` alone, in key order along its primary key, and only those rows are joined
   * to their events (and, in the raw view, to their txn row for `invalid`; the valid view's rows
   * are never invalid). Run alone (no asOfTxn), the statement is planned with sorting disabled
   * (`inKeyOrder`), so the key order can only come from walking the index, which stops after the
   * page, however wrong the statistics (see there).
   */
  const headsSql = (extra: string[]): string => {
    const where = [`h.topic_id = ${topicId}`, ...extra];
    if (raw) where.push('NOT h.raw_tomb');
    else where.push('h.valid_seq IS NOT NULL AND NOT h.valid_tomb');
    if (o.after !== undefined) where.push(`h.key > ${param(o.after)}`);
    if (o.prefix !== undefined) where.push(`h.key LIKE ${param(likePrefix(o.prefix))}`);
    const limit = param(o.limit + 1);
    const page = `SELECT h.topic_id, h.key, ${seqCol} AS seq FROM ${t.heads} h
                   WHERE ${where.join(' AND ')} ORDER BY h.key LIMIT ${limit}`;
    // `invalid` through a join on the txns primary key, probed per row of the page (a correlated
    // subquery here was planned as a scan of `txns` per row for topics of few large transactions).
    return raw
      ? `SELECT p.key, e.seq, e.txn, e.hash, ${pageData('e.data')}, e.time, (x.invalidated_by IS NOT NULL) AS invalid
           FROM (${page}) p
           JOIN ${t.events} e ON e.topic_id = p.topic_id AND e.seq = p.seq
           LEFT JOIN ${t.txns} x ON x.topic_id = e.topic_id AND x.txn = e.txn
          ORDER BY p.key LIMIT ${limit}`
      : `SELECT p.key, e.seq, e.txn, e.hash, ${pageData('e.data')}, e.time, false AS invalid
           FROM (${page}) p
           JOIN ${t.events} e ON e.topic_id = p.topic_id AND e.seq = p.seq
          ORDER BY p.key LIMIT ${limit}`;
  };
  let sql: string;
  if (o.asOfTxn === undefined) {
    sql = headsSql([]);
  } else {
    // The past: every key that ever had an event has a heads row: walk them in key order and, per
    // key, probe its events newest first (key index) for the newest one at or before txn N's last
    // seq. When N is the topic's newest transaction or later, that is exactly the maintained heads
    // (a diff always asks as of the newest one): the statement takes that branch instead, decided
    // in the same statement so both see one snapshot (the other branch's one-time filter is false).
    const asOf = param(o.asOfTxn);
    const maxTxn = `(SELECT max_txn FROM ${t.topics} WHERE topic = $1)`;
    const where = [`h.topic_id = ${topicId}`, `${maxTxn} > ${asOf}`];
    if (o.after !== undefined) where.push(`h.key > ${param(o.after)}`);
    if (o.prefix !== undefined) where.push(`h.key LIKE ${param(likePrefix(o.prefix))}`);
    const bound = `(SELECT b.last_seq FROM ${t.txns} b
                     WHERE b.topic_id = h.topic_id AND b.txn <= ${asOf} ORDER BY b.txn DESC LIMIT 1)`;
    const validOnly = raw
      ? ''
      : `AND NOT EXISTS (SELECT 1 FROM ${t.txns} v
                          WHERE v.topic_id = e.topic_id AND v.txn = e.txn AND v.invalidated_by IS NOT NULL)`;
    const pastSql = `SELECT h.key, s.seq, s.txn, s.hash, ${pageData('s.data')}, s.time, (x.invalidated_by IS NOT NULL) AS invalid
             FROM ${t.heads} h
             CROSS JOIN LATERAL (
               SELECT e.seq, e.txn, e.hash, e.data, e.time, e.tomb FROM ${t.events} e
                WHERE e.topic_id = h.topic_id AND e.key = h.key AND e.seq <= ${bound} ${validOnly}
                ORDER BY e.seq DESC LIMIT 1) s
             LEFT JOIN ${t.txns} x ON x.topic_id = h.topic_id AND x.txn = s.txn
            WHERE ${where.join(' AND ')} AND NOT s.tomb
            ORDER BY h.key LIMIT ${param(o.limit + 1)}`;
    sql = `(${headsSql([`${maxTxn} <= ${asOf}`])}) UNION ALL (${pastSql}) ORDER BY key`;
  }
  const rows =
    o.asOfTxn === undefined
      ? await inKeyOrder<SurfaceDbRow & PageDataCols>(db, sql, values)
      : await query<SurfaceDbRow & PageDataCols>(db, sql, values);
  // Cut by the rows' data bytes; large data is fetched for the rows kept only (page-cut.ts).
  const page = cutRows(rows, o.limit);
  return { rows: await fillData(db, topic, page.rows), more: page.more, raw };
}
