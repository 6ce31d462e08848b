/**
 * Surface pages. The current surface (valid or raw view) is read from the maintained `latest`
 * table joined to the event by primary key, in key order (SQLite BINARY collation = code-point
 * order), paged by an exclusive key cursor; a prefix becomes a key range [prefix, successor) so it
 * uses the primary-key index. `asOfTxn=N` (N below the current max txn) walks the same keys and,
 * per key, takes the newest event at or before txn N's last seq through the (topic, key, seq)
 * index — skipping events of transactions invalid now in the valid view.
 */
import { compareKeys } from '../../model/canonical';
import type { SurfaceOptions, SurfacePage } from '../../model/types';
import { normalizeSurface, validateTopic } from '../../model/validate';
import type { ReadContext } from './read';
import { type SurfaceDbRow, toSurfaceRow } from './rows';

const MAX_CODE_POINT = 0x10ffff;

/**
 * The smallest string greater than every string that starts with `prefix`, or null if there is
 * none (a prefix of only U+10FFFF). Code-point increment of the last character, carrying over.
 */
export function prefixSuccessor(prefix: string): string | null {
  const cps = Array.from(prefix, (c) => c.codePointAt(0)!);
  while (cps.length > 0) {
    const last = cps.pop()!;
    if (last < MAX_CODE_POINT) {
      const next = last === 0xd7ff ? 0xe000 : last + 1;
      return String.fromCodePoint(...cps, next);
    }
  }
  return null;
}

type Params = Record<string, string | number>;

export function surfacePage({ st, cache }: ReadContext, topic: string, opts?: SurfaceOptions): SurfacePage {
  validateTopic(topic);
  const o = normalizeSurface(opts);
  const t = st.topicByName.get(topic);
  if (!t || o.asOfTxn === 0) return { rows: [], next: null };
  const raw = o.view === 'raw';
  const params: Params = { topic: t.id, limit: o.limit + 1 };
  const where: string[] = ['l.topic_id = @topic'];
  // One lower bound: the cursor or the prefix, whichever is later.
  if (o.prefix !== undefined && (o.after === undefined || compareKeys(o.after, o.prefix) < 0)) {
    where.push('l.key >= @lower');
    params.lower = o.prefix;
  } else if (o.after !== undefined) {
    where.push('l.key > @lower');
    params.lower = o.after;
  }
  if (o.prefix !== undefined) {
    const upper = prefixSuccessor(o.prefix);
    if (upper !== null) {
      where.push('l.key < @upper');
      params.upper = upper;
    }
  }
  const cols =
    'l.key AS key, e.seq AS seq, e.txn AS txn, e.hash AS hash, e.data AS data, e.time AS time, e.invalid AS invalid';
  let sql: string;
  if (o.asOfTxn !== undefined && o.asOfTxn < t.max_txn) {
    const tr = st.txn.get(t.id, o.asOfTxn);
    params.bound = tr ? tr.last_seq : 0;
    sql =
      `SELECT ${cols} FROM latest l JOIN events e ON e.topic_id = l.topic_id AND e.seq = (` +
      'SELECT e2.seq FROM events e2 INDEXED BY events_by_key WHERE e2.topic_id = l.topic_id AND e2.key = l.key AND e2.seq <= @bound' +
      (raw ? '' : ' AND e2.invalid = 0') +
      ' ORDER BY e2.seq DESC LIMIT 1)' +
      ` WHERE ${where.join(' AND ')} AND e.data IS NOT NULL ORDER BY l.key LIMIT @limit`;
  } else {
    const seqCol = raw ? 'l.rseq' : 'l.vseq';
    where.push(raw ? 'l.rlive = 1' : 'l.vlive = 1');
    sql =
      `SELECT ${cols} FROM latest l JOIN events e ON e.topic_id = l.topic_id AND e.seq = ${seqCol}` +
      ` WHERE ${where.join(' AND ')} ORDER BY l.key LIMIT @limit`;
  }
  const rows = cache.getRaw<[Params], SurfaceDbRow>(sql).all(params);
  const more = rows.length > o.limit;
  if (more) rows.pop();
  const out = rows.map((r) => toSurfaceRow(r, raw));
  return { rows: out, next: more ? out[out.length - 1]!.key : null };
}
