/**
 * The one-round-trip append (docs/postgres.md, "One round trip per append"): a PL/pgSQL function
 * that does, in one statement run in autocommit, what the two-round-trip path of write.ts does for
 * one transaction of a few events: the SCHEMA_TOO_NEW check, locking (creating) the topic row,
 * the commit time (the database clock, never earlier than the topic's last), expectMaxSeq, dense
 * seq/txn numbers, de-duplication against the newest valid event (earlier events of the same
 * transaction included), the event rows, both surfaces, the txn row with its hash chain, the
 * topic's counters and head, and the commit notification.
 *
 * The function is a TEMPORARY one (`pg_temp`), created once per pooled connection by the code
 * that calls it, so it is never part of the store's schema: no schema version, no migration, and
 * servers of two versions each run their own. Computing the chain inside PostgreSQL is a second
 * rendering of the layout whose one home is store/chain.ts: `chainSqlParts` below is the whole of
 * it, and test/postgres/append-fn.int.test.ts checks it byte for byte against chain.ts on hostile
 * inputs (unicode and astral keys, content types, meta, by, tombstones, duplicates). It needs a
 * UTF8 database (netstring lengths are `octet_length`); elsewhere the store keeps the two-round-trip
 * path.
 */
import type pg from 'pg';
import { schemaTooNew } from '../../model/errors';
import { metaDigest } from '../chain';
import { type PreparedTxn, checkExpectMaxSeq } from '../prepare';
import type { AppendResponse, AppendResultItem } from '../../model/types';
import type { Db } from './db';
import { isConnectionError } from './errors';
import { SCHEMA_VERSION } from './schema';

/** Most events of a transaction sent through the function (larger ones: one statement for all). */
export const APPEND_FN_MAX_EVENTS = 8;

/** SQLSTATEs the function raises: a newer schema, expectMaxSeq not met, a topic time it cannot read. */
const TOO_NEW = 'TMV01';
const CONFLICT = 'TMC01';
const FALLBACK = 'TMF01';
/** undefined_function: the session no longer has the function. */
const UNDEFINED_FUNCTION = '42883';

/** The function's name for a store (its channel is unique per schema). */
function fnName(db: Db): string {
  return `pg_temp.${db.channel}_append`;
}

/**
 * The chain's layout in SQL, as store/chain.ts defines it: `str(s)` is a netstring of UTF-8
 * bytes, the transaction part is prev ‖ int(txn) ‖ str(time) ‖ opt(by) ‖ str(metaDigest), and a
 * plain event is int(seq) ‖ str(key) ‖ str('event') ‖ str(hash) ‖ str(digest) ‖ str(contentType) ‖ ~ ‖ ~.
 */
export function chainSqlParts(): { txn: string; event: string } {
  const str = (e: string): string => `(octet_length(${e})::text || ':' || ${e} || ',')`;
  return {
    txn: `coalesce(tp.head, repeat('0', 64)) || ${str('v_txn::text')} || ${str('v_time')} || CASE WHEN p_by IS NULL THEN '~' ELSE ${str('p_by')} END || ${str('p_meta_digest')}`,
    event: `${str('v_seq::text')} || ${str('p_keys[i]')} || '5:event,' || ${str('p_hashes[i]')} || ${str('p_digests[i]')} || ${str('p_cts[i]')} || '~~'`,
  };
}

function createSql(db: Db): string {
  const t = db.t;
  const chain = chainSqlParts();
  return `CREATE OR REPLACE FUNCTION ${fnName(db)}(
      p_version integer, p_topic text, p_expect bigint, p_keys text[], p_data text[], p_tombs boolean[],
      p_cts text[], p_hashes text[], p_digests text[], p_meta text, p_meta_digest text, p_by text, p_channel text,
      OUT o_txn bigint, OUT o_seqs bigint[], OUT o_txns bigint[], OUT o_dups boolean[])
    LANGUAGE plpgsql VOLATILE AS $fn$
    DECLARE
      v integer; tp record; h record; last_ms bigint; v_ms bigint; v_time text; v_txn bigint; v_seq bigint;
      v_layout text; v_chain text; v_kd bigint := 0;
    BEGIN
      SELECT max(version) INTO v FROM ${t.version};
      IF v > p_version THEN RAISE EXCEPTION USING ERRCODE = '${TOO_NEW}', MESSAGE = v::text; END IF;
      SELECT id, max_seq, max_txn, last_time, head INTO tp FROM ${t.topics} WHERE topic = p_topic FOR UPDATE;
      IF NOT FOUND THEN
        INSERT INTO ${t.topics} (topic) VALUES (p_topic) ON CONFLICT (topic) DO NOTHING;
        SELECT id, max_seq, max_txn, last_time, head INTO tp FROM ${t.topics} WHERE topic = p_topic FOR UPDATE;
      END IF;
      IF p_expect IS NOT NULL AND p_expect <> tp.max_seq THEN
        RAISE EXCEPTION USING ERRCODE = '${CONFLICT}', MESSAGE = tp.max_seq::text;
      END IF;
      v_ms := floor(extract(epoch FROM clock_timestamp()) * 1000);
      IF tp.last_time IS NOT NULL THEN
        IF tp.last_time !~ '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$' THEN
          RAISE EXCEPTION USING ERRCODE = '${FALLBACK}', MESSAGE = 'topic time';
        END IF;
        last_ms := round(extract(epoch FROM tp.last_time::timestamptz) * 1000);
        IF last_ms > v_ms THEN v_ms := last_ms; END IF;
      END IF;
      v_time := to_char((timestamp '1970-01-01' + v_ms * interval '1 millisecond'), 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');
      v_txn := tp.max_txn + 1;
      v_seq := tp.max_seq;
      v_layout := ${chain.txn};
      o_seqs := '{}'; o_txns := '{}'; o_dups := '{}';
      FOR i IN 1 .. coalesce(array_length(p_keys, 1), 0) LOOP
        SELECT valid_seq, valid_txn, valid_hash, valid_tomb INTO h FROM ${t.heads}
         WHERE topic_id = tp.id AND key = p_keys[i];
        IF h.valid_seq IS NOT NULL AND h.valid_hash = p_hashes[i] THEN
          o_seqs := o_seqs || h.valid_seq; o_txns := o_txns || h.valid_txn; o_dups := o_dups || true;
          CONTINUE;
        END IF;
        v_seq := v_seq + 1;
        o_seqs := o_seqs || v_seq; o_txns := o_txns || v_txn; o_dups := o_dups || false;
        INSERT INTO ${t.events} (topic_id, seq, txn, key, type, data, tomb, content_type, hash, time)
          VALUES (tp.id, v_seq, v_txn, p_keys[i], 'event', p_data[i], p_tombs[i], p_cts[i], p_hashes[i], v_time);
        INSERT INTO ${t.heads} AS x (topic_id, key, raw_seq, raw_txn, raw_tomb, valid_seq, valid_txn, valid_hash, valid_tomb)
          VALUES (tp.id, p_keys[i], v_seq, v_txn, p_tombs[i], v_seq, v_txn, p_hashes[i], p_tombs[i])
          ON CONFLICT (topic_id, key) DO UPDATE SET
            raw_seq = EXCLUDED.raw_seq, raw_txn = EXCLUDED.raw_txn, raw_tomb = EXCLUDED.raw_tomb,
            valid_seq = EXCLUDED.valid_seq, valid_txn = EXCLUDED.valid_txn,
            valid_hash = EXCLUDED.valid_hash, valid_tomb = EXCLUDED.valid_tomb;
        v_kd := v_kd + (CASE WHEN p_tombs[i] THEN 0 ELSE 1 END)
                     - (CASE WHEN h.valid_seq IS NULL OR h.valid_tomb THEN 0 ELSE 1 END);
        v_layout := v_layout || ${chain.event};
      END LOOP;
      IF v_seq = tp.max_seq THEN RETURN; END IF;
      v_chain := encode(sha256(convert_to(v_layout, 'UTF8')), 'hex');
      INSERT INTO ${t.txns} (topic_id, txn, first_seq, last_seq, count, time, marker, meta, by_name, chain)
        VALUES (tp.id, v_txn, tp.max_seq + 1, v_seq, v_seq - tp.max_seq, v_time, false, p_meta, p_by, v_chain);
      UPDATE ${t.topics} SET max_seq = v_seq, max_txn = v_txn, keys = keys + v_kd, last_time = v_time, head = v_chain
       WHERE id = tp.id;
      PERFORM pg_notify(p_channel, '{"topic":' || to_json(p_topic)::text || ',"maxSeq":' || v_seq || '}');
      o_txn := v_txn;
    END
    $fn$`;
}

/** Connections of the pool that hold the function (a pooled client keeps its session). */
const ready = new WeakSet<pg.ClientBase>();

/**
 * Whether `c` can run the function, creating it on first use (one statement per connection).
 * False, for good, for a database that is not UTF8 or where the function cannot be created (no
 * TEMP privilege): the store then keeps the two-round-trip path.
 */
export async function ensureAppendFn(db: Db, state: { usable: boolean | null }, c: pg.ClientBase): Promise<boolean> {
  if (state.usable === false) return false;
  if (ready.has(c)) return true;
  try {
    if (state.usable === null) {
      const enc = await c.query<{ server_encoding: string }>('SHOW server_encoding');
      if (enc.rows[0]?.server_encoding !== 'UTF8') {
        state.usable = false;
        return false;
      }
    }
    await c.query(createSql(db));
  } catch (err) {
    // A broken connection says nothing about the database: this write takes the other path
    // (which retries on a fresh connection) and a later one tries again. Anything else (no TEMP
    // privilege, say) is for good.
    if (!isConnectionError(err)) state.usable = false;
    return false;
  }
  state.usable = true;
  ready.add(c);
  return true;
}

interface FnRow {
  o_txn: number | null;
  /** bigint[] arrive as text (the store's int8 parser covers scalars only). */
  o_seqs: string[];
  o_txns: string[];
  o_dups: boolean[];
}

/** What the caller does when `callAppendFn` cannot answer: run the two-round-trip path. */
export const FALL_BACK = Symbol('fall back');

/**
 * Sends the one statement for `p` and returns its answer; a CONFLICT or SCHEMA_TOO_NEW the
 * function raised is thrown as the two-round-trip path throws it. Other errors propagate as
 * PostgreSQL reported them (the caller maps and retries them).
 */
export async function callAppendFn(
  db: Db,
  c: pg.ClientBase,
  p: PreparedTxn,
): Promise<AppendResponse | typeof FALL_BACK> {
  const n = p.events.length;
  const keys = new Array<string>(n);
  const data = new Array<string>(n);
  const tombs = new Array<boolean>(n);
  const cts = new Array<string>(n);
  const hashes = new Array<string>(n);
  const digests = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const e = p.events[i]!;
    keys[i] = e.key;
    data[i] = e.data;
    tombs[i] = e.tomb;
    cts[i] = e.contentType;
    hashes[i] = e.hash;
    digests[i] = e.digest;
  }
  let row: FnRow;
  try {
    const res = await c.query<FnRow>(
      `SELECT * FROM ${fnName(db)}($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        SCHEMA_VERSION,
        p.topic,
        p.expectMaxSeq ?? null,
        keys,
        data,
        tombs,
        cts,
        hashes,
        digests,
        p.meta,
        metaDigest(p.meta),
        p.by,
        db.channel,
      ],
    );
    row = res.rows[0]!;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const message = err instanceof Error ? err.message : '';
    if (code === TOO_NEW) throw schemaTooNew(Number(message), SCHEMA_VERSION);
    if (code === CONFLICT) {
      checkExpectMaxSeq(p, Number(message));
      throw err; // unreachable: the function raises only when expectMaxSeq differs
    }
    if (code === FALLBACK) return FALL_BACK;
    if (code === UNDEFINED_FUNCTION) {
      // The session lost its temporary objects (e.g. DISCARD TEMP, or a pooler that hands out
      // another server session): create the function again on the next write; this one takes
      // the two-round-trip path.
      ready.delete(c);
      return FALL_BACK;
    }
    throw err;
  }
  const results = new Array<AppendResultItem>(n);
  for (let i = 0; i < n; i++)
    results[i] = { seq: Number(row.o_seqs[i]), txn: Number(row.o_txns[i]), duplicate: row.o_dups[i]! };
  return { txn: row.o_txn, results };
}
