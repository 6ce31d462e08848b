/**
 * Surface pages. The current surface (valid or raw view) is read from the maintained heads rows
 * (statements.ts `surfaceSql`) joined to the event by primary key, in key order (SQLite BINARY collation = code-point
 * order), paged by an exclusive key cursor; a prefix becomes a key range [prefix, successor) so it
 * uses the primary-key index. `asOfTxn=N` (N below the current max txn) walks the same keys and,
 * per key, takes the newest event at or before txn N's last seq through the (topic, key, seq)
 * index — skipping events of transactions invalid now in the valid view.
 */
import { compareKeys } from '../../model/canonical';
import type { SurfaceTextPage } from '../../model/stored-json';
import type { SurfaceOptions, SurfacePage } from '../../model/types';
import { normalizeSurface, validateTopic } from '../../model/validate';
import { cutPage, lenBytes } from '../page-cut';
import { type ReadContext, fillPageData } from './read';
import { type SurfaceDbRow, surfaceRowOf, surfaceRowTextOf } from './rows';
import { surfaceSql } from './statements';

const MAX_CODE_POINT = 0x10ffff;
/** A page row's data bytes, as the statement gives them (store/page-cut.ts). */
const SURFACE_BYTES = (r: SurfaceDbRow): number => lenBytes(r[7]);

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

export function surfacePage(ctx: ReadContext, topic: string, opts?: SurfaceOptions): SurfacePage {
  const { rows, more, raw } = surfaceRows(ctx, topic, opts);
  const out = rows.map((r) => surfaceRowOf(r, raw));
  return { rows: out, next: more ? out[out.length - 1]!.key : null };
}

/** The same page with each row's data as the stored JSON text (the server writes it unparsed). */
export function surfacePageText(ctx: ReadContext, topic: string, opts?: SurfaceOptions): SurfaceTextPage {
  const { rows, more, raw } = surfaceRows(ctx, topic, opts);
  const out = rows.map((r) => surfaceRowTextOf(r, raw));
  return { rows: out, next: more ? out[out.length - 1]!.key : null };
}

function surfaceRows(
  { st, cache }: ReadContext,
  topic: string,
  opts?: SurfaceOptions,
): { rows: SurfaceDbRow[]; more: boolean; raw: boolean } {
  validateTopic(topic);
  const o = normalizeSurface(opts);
  const t = st.topicRow.get(topic);
  if (!t || o.asOfTxn === 0) return { rows: [], more: false, raw: false };
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
  const asOf = o.asOfTxn !== undefined && o.asOfTxn < t.max_txn;
  if (asOf) {
    const tr = st.txn.get(t.id, o.asOfTxn!);
    params.bound = tr ? tr.last_seq : 0;
  }
  // A topic with a tail (schema.ts) reads its heads rows folded with it; the statement takes
  // heads_seq itself (a tail applied in between by another process changes no answer).
  const tail = t.heads_seq < t.max_seq;
  // Cut by the rows' data bytes; data over 8 KiB is read for the rows kept only (store/page-cut.ts).
  const all = cache.getRaw<[Params], SurfaceDbRow>(surfaceSql(where, raw, asOf, tail)).all(params);
  const { rows, more } = cutPage(all, o.limit, SURFACE_BYTES);
  return { rows: fillPageData(cache, t.id, rows, 1, 4, 7), more, raw };
}
