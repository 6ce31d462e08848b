/**
 * The SQL text of the one-round-trip append's PL/pgSQL functions (docs/postgres.md, "One round
 * trip per append"; append-fn.ts creates and calls them and reads their answer): the SQLSTATEs
 * they raise, the flags the client computes per event, the server's half of the chain's layout,
 * and the kinds' bodies.
 */
import { DEFAULT_CONTENT_TYPE } from '../../model/limits';
import { GENESIS } from '../chain';
import type { Db, Tables } from './db';

/** SQLSTATEs the function raises: a newer schema, expectMaxSeq not met, a topic time it cannot read. */
export const TOO_NEW = 'TMV01';
export const CONFLICT = 'TMC01';
export const FALLBACK = 'TMF01';

/**
 * `one`: a transaction of one event, its parameters scalars (the driver sends a text as it is,
 * where a one-element array is escaped element by element and parsed again by the server); `few`:
 * up to FEW_EVENTS events, one at a time; `set`: more, in one statement.
 */
export type FnKind = 'one' | 'few' | 'set';

/** A function's name for a store (its channel is unique per schema). */
export function fnName(db: Db, kind: FnKind): string {
  return `pg_temp.${db.channel}_append${kind === 'few' ? '' : `_${kind}`}`;
}

/**
 * The chain's layout (store/chain.ts) split between the client and PostgreSQL. Everything the
 * transaction alone decides is laid out by chain.ts itself on the client (`chainTails`): per
 * stored event, its part after the seq field, and for the transaction its part after the time
 * field (by, meta digest). The function adds only what the server decides, in SQL: the previous
 * chain (the topic's head, or GENESIS), the txn, time and seq fields, all ASCII (so a netstring's
 * length is the text's length). The set-based function is sent each event's digest instead of its
 * part and lays the part out itself (`eventOf`: a plain event's fields, the key and content type
 * as netstrings of their UTF-8 length), which costs less to send and parse than ~170 laid-out bytes
 * an event. test/postgres/append-fn.int.test.ts checks the result byte for byte against chain.ts
 * on hostile inputs.
 */
function chainSql(): {
  txn: string;
  event: (seq: string, tail: string) => string;
  eventOf: (seq: string, key: string, hash: string, digest: string, ct: string) => string;
} {
  const ascii = (x: string): string => `(length(${x})::text || ':' || ${x} || ',')`;
  const str = (x: string): string => `(octet_length(${x})::text || ':' || ${x} || ',')`;
  return {
    txn: `coalesce(tp.head, '${GENESIS}') || ${ascii('v_txn::text')} || ${ascii('v_time')} || p_txn_tail`,
    event: (seq, tail) => `${ascii(`${seq}::text`)} || ${tail}`,
    // A plain event's whole part (chain.ts `eventPart`: type 'event', no target, no reason), its
    // hash and digest 64 hex digits each; a null content type is the default one. One format()
    // call per event: the same text by ~15 `||` and casts cost the set-based function about a
    // quarter of its server time at 1,000 events (docs/bench.md, fifth pass).
    eventOf: (seq, key, hash, digest, ct) =>
      `format('%s:%s,%s:%s,5:event,64:%s,64:%s,%s~~', length(${seq}::text), ${seq}, octet_length(${key}), ${key}, ${hash}, ${digest}, ` +
      `coalesce(${str(ct)}, '${DEFAULT_CT_FIELD}'))`,
  };
}

/**
 * What separates the events' data in the set-based function's `p_data`: U+001E, a control
 * character, which canonical JSON always escapes (`\u001e`), so it cannot occur inside one
 * event's data (the caller checks anyway).
 */
export const DATA_SEP = '\u001e';

/** chain.ts's content-type field of the default content type (ASCII). */
const DEFAULT_CT_FIELD = `${DEFAULT_CONTENT_TYPE.length}:${DEFAULT_CONTENT_TYPE},`;

/**
 * Per-event flags the client computes from the transaction alone (`eventFlags`), so the server
 * needs no per-key window: FIRST (no earlier event of the key here: its duplicate check is against
 * the stored valid head), REPEAT (repeats the hash of the previous event of its key here: a
 * duplicate whatever is stored, since that event is then the newest valid one or a duplicate of
 * it), LAST (the last event of its key here that is not a REPEAT: the one whose row becomes the
 * key's head unless it is a duplicate), TOMB (a tombstone).
 */
export const FIRST = 1;
export const REPEAT = 2;
export const LAST = 4;
export const TOMB = 8;

/**
 * The function of one kind, for a store. All take the same parameters (as lists or, for `one`,
 * scalars, see FnKind) and answer the same way; all lock, check and number as described above, then write the events, both surfaces, the txn
 * row with its chain, the topic's counters and head. They differ in how they store the
 * events: `few` one event at a time (each looks up its key's head after the previous ones were
 * stored: cheapest for a handful of events), `set` in one statement for all of them (whose fixed
 * cost is higher, and whose cost per event is a fraction of the other's).
 */
export function createSql(db: Db, kind: FnKind): string {
  const t = db.t;
  const txnPart = chainSql().txn;
  // The set-based kind takes its data, hashes and digests as one text each (setOfEventsSql); the
  // `one` kind every per-event parameter as a scalar (the names stay those of the lists).
  const one = kind === 'one';
  const set = kind === 'set';
  const list = kind === 'few' ? 'text[]' : 'text';
  const texts = one ? 'text' : 'text[]';
  return `CREATE OR REPLACE FUNCTION ${fnName(db, kind)}(
      p_version integer, p_topic text, p_expect bigint, p_keys ${texts}, p_data ${list}, p_cts ${texts},
      p_hashes ${list}, p_tails ${list}, p_flags smallint${one ? '' : '[]'}, p_meta text, p_txn_tail text, p_by text,${set ? SET_PARAMS : ''}
      OUT o_txn bigint, OUT o_base bigint, OUT o_dups text, OUT o_hseqs bigint[], OUT o_htxns bigint[])
    LANGUAGE plpgsql VOLATILE ${kind === 'set' ? 'SET plan_cache_mode = force_generic_plan' : ''} AS $fn$
    DECLARE
      v integer; tp record; h record; v_time text; v_txn bigint; v_n bigint := 0;
      v_events text := ''; v_kd bigint := 0; v_chain text; v_tb boolean; v_seq bigint;${set ? ' v_lay boolean;' : ''}
    BEGIN
      SELECT id, max_seq, max_txn, last_time, head, (SELECT max(version) FROM ${t.version}) AS v
        INTO tp FROM ${t.topics} WHERE topic = p_topic FOR UPDATE;
      IF NOT FOUND THEN
        SELECT max(version) INTO v FROM ${t.version};
        IF v > p_version THEN RAISE EXCEPTION USING ERRCODE = '${TOO_NEW}', MESSAGE = v::text; END IF;
        INSERT INTO ${t.topics} (topic) VALUES (p_topic) ON CONFLICT (topic) DO NOTHING;
        SELECT id, max_seq, max_txn, last_time, head, v AS v INTO tp FROM ${t.topics} WHERE topic = p_topic FOR UPDATE;
      END IF;
      IF tp.v > p_version THEN RAISE EXCEPTION USING ERRCODE = '${TOO_NEW}', MESSAGE = tp.v::text; END IF;
      IF p_expect IS NOT NULL AND p_expect <> tp.max_seq THEN
        RAISE EXCEPTION USING ERRCODE = '${CONFLICT}', MESSAGE = tp.max_seq::text;
      END IF;
      -- The database clock to the millisecond (truncated), never earlier than the topic's last
      -- time; times of this one fixed format compare as text.
      v_time := to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');
      IF tp.last_time IS NOT NULL THEN
        IF tp.last_time !~ '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$' THEN
          RAISE EXCEPTION USING ERRCODE = '${FALLBACK}', MESSAGE = 'topic time';
        END IF;
        IF tp.last_time COLLATE "C" > v_time COLLATE "C" THEN v_time := tp.last_time; END IF;
      END IF;
      v_txn := tp.max_txn + 1;
      o_base := tp.max_seq;
      ${kind === 'set' ? setOfEventsSql(t) : fewEventsSql(t, one)}
      IF v_n = 0 THEN RETURN; END IF;
      ${set ? SET_CHAIN : `v_chain := encode(sha256(convert_to(${txnPart} || v_events, 'UTF8')), 'hex');`}
      WITH x AS (
        INSERT INTO ${t.txns} (topic_id, txn, first_seq, last_seq, count, time, marker, meta, by_name, chain)
        VALUES (tp.id, v_txn, tp.max_seq + 1, tp.max_seq + v_n, v_n, v_time, false, p_meta, p_by, v_chain)
      )
      UPDATE ${t.topics} SET max_seq = tp.max_seq + v_n, max_txn = v_txn, keys = keys + v_kd, last_time = v_time, head = v_chain
       WHERE id = tp.id;
      o_txn := v_txn;
    END
    $fn$`;
}

/**
 * The `few` kind's events: one at a time, each looking up its key's head (which an earlier event
 * of this transaction may have just written), except a REPEAT, a duplicate without looking. The
 * `one` kind's (`one`: its per-event parameters are scalars) is the same loop run once.
 */
function fewEventsSql(t: Tables, one: boolean): string {
  const at = (x: string): string => (one ? x : `${x}[i]`);
  const event = chainSql().event('v_seq', at('p_tails'));
  return `o_dups := '';
      FOR i IN 1 .. ${one ? '1' : 'coalesce(array_length(p_keys, 1), 0)'} LOOP
        IF ${at('p_flags')} & ${REPEAT} <> 0 THEN o_dups := o_dups || 't'; CONTINUE; END IF;
        SELECT valid_seq, valid_txn, valid_hash, valid_tomb INTO h FROM ${t.heads}
         WHERE topic_id = tp.id AND key = ${at('p_keys')};
        IF h.valid_seq IS NOT NULL AND h.valid_hash = ${at('p_hashes')} THEN
          o_dups := o_dups || 't';
          IF ${at('p_flags')} & ${FIRST} <> 0 THEN o_hseqs := o_hseqs || h.valid_seq; o_htxns := o_htxns || h.valid_txn; END IF;
          CONTINUE;
        END IF;
        v_n := v_n + 1;
        v_seq := tp.max_seq + v_n;
        o_dups := o_dups || 'f';
        v_tb := ${at('p_flags')} & ${TOMB} <> 0;
        WITH e AS (
          INSERT INTO ${t.events} (topic_id, seq, txn, key, type, data, tomb, content_type, hash, time)
          VALUES (tp.id, v_seq, v_txn, ${at('p_keys')}, 'event', ${at('p_data')}, v_tb, ${at('p_cts')}, ${at('p_hashes')}, v_time)
        )
        INSERT INTO ${t.heads} AS x (topic_id, key, raw_seq, raw_txn, raw_tomb, valid_seq, valid_txn, valid_hash, valid_tomb)
          VALUES (tp.id, ${at('p_keys')}, v_seq, v_txn, v_tb, v_seq, v_txn, ${at('p_hashes')}, v_tb)
          ON CONFLICT (topic_id, key) DO UPDATE SET
            raw_seq = EXCLUDED.raw_seq, raw_txn = EXCLUDED.raw_txn, raw_tomb = EXCLUDED.raw_tomb,
            valid_seq = EXCLUDED.valid_seq, valid_txn = EXCLUDED.valid_txn,
            valid_hash = EXCLUDED.valid_hash, valid_tomb = EXCLUDED.valid_tomb;
        IF NOT v_tb THEN v_kd := v_kd + 1; END IF;
        IF h.valid_seq IS NOT NULL AND NOT h.valid_tomb THEN v_kd := v_kd - 1; END IF;
        v_events := v_events || ${event};
      END LOOP;`;
}

/**
 * The `set` kind's two more parameters: the events' part of the chain's layout as the client wrote
 * it (append-layout.ts), as bytes, and the max_seq it numbered them after; both null when the
 * client could not predict that max_seq.
 */
const SET_PARAMS = ' p_base bigint, p_layout bytea,';

/**
 * The `set` kind's chain: the client's layout of its events (p_layout) when the prediction it was
 * written for held (v_lay, setOfEventsSql), else the one setOfEventsSql laid out (v_events).
 */
const SET_CHAIN = `v_chain := encode(sha256(convert_to(${chainSql().txn}, 'UTF8') ||
        CASE WHEN v_lay THEN p_layout ELSE convert_to(v_events, 'UTF8') END), 'hex');`;

/**
 * The `set` kind's events: one statement. The stored head is looked up for FIRST and LAST events
 * only; `dup` is de-duplication against the newest valid event; `s` numbers the stored events
 * densely after max_seq: an event's ordinal less the duplicates before it, counted by
 * `width_bucket` (a binary search) in the sorted ordinals of the duplicates (`z`, null when there
 * are none), so `d` is materialised once and read by each part, where a window's running count
 * copied every row, data included, twice more (docs/bench.md, "PostgreSQL writes", seventh pass).
 * `z` also takes, in that one pass, the answer's counts and the stored heads of FIRST duplicates;
 * the answer's flags and the chain's layout read `d` again only when there are duplicates or the
 * client's layout (append-layout.ts) does not hold.
 * The event whose row becomes its key's head (LAST and not a duplicate) exists (hx) or not:
 * inserted (a plain insert: the topic lock keeps every other writer of its heads out), or updated
 * at the `ctid` (hc) the lookup read: a TID scan per key whatever the plan, and the row cannot have
 * moved since, because every writer of the topic's heads holds its lock. (An UPDATE ... FROM
 * joined on the key was planned, generically, once per connection: planned while the table was
 * small, it scanned every head of the topic per event, half a second for 1000 events among 20,000
 * keys; `ON CONFLICT DO UPDATE` probes the primary key and locks the row again, 4x the TID
 * update's time; an upsert of the new keys too cost a speculative insertion each, a third of a
 * 100-event transaction's rate.) The CTEs share one snapshot, taken once the topic lock is held:
 * every one reads the heads as they were before this transaction.
 */
function setOfEventsSql(t: Tables): string {
  const event = chainSql().eventOf('n.s', 'n.k', 'n.h', 'coalesce(n.tl, n.h)', 'n.ct');
  const s = `tp.max_seq + d.o - coalesce(width_bucket(d.o, (SELECT a FROM z)), 0)`;
  // The client's layout holds: its base was max_seq (v_lay, so far), and every duplicate is a REPEAT.
  const lay = `(v_lay AND coalesce((SELECT r FROM z), true))`;
  return `v_lay := p_layout IS NOT NULL AND p_base = tp.max_seq;
      WITH d AS (
         SELECT u.o, u.k, u.d, u.ct, u.h, u.tl, u.f, u.f & ${TOMB} <> 0 AS tb,
                x.key IS NOT NULL AS hx, x.ctid AS hc, x.valid_seq AS hs, x.valid_txn AS ht,
                coalesce(x.valid_seq IS NOT NULL AND NOT x.valid_tomb, false) AS hv,
                u.f & ${REPEAT} <> 0 OR (u.f & ${FIRST} <> 0 AND coalesce(x.valid_seq IS NOT NULL AND x.valid_hash = u.h, false)) AS dup
           FROM unnest(p_keys, string_to_array(p_data, chr(${DATA_SEP.charCodeAt(0)})), p_cts,
                       string_to_array(p_hashes, ','), string_to_array(p_tails, ','), p_flags)
                WITH ORDINALITY AS u(k, d, ct, h, tl, f, o)
           LEFT JOIN LATERAL (
             SELECT ctid, key, valid_seq, valid_txn, valid_hash, valid_tomb FROM ${t.heads}
              WHERE u.f & ${FIRST | LAST} <> 0 AND topic_id = tp.id AND key = u.k COLLATE "C" LIMIT 1) x ON true
       ), z AS (
         SELECT array_agg(d.o ORDER BY d.o) FILTER (WHERE d.dup) AS a,
                bool_and(d.f & ${REPEAT} <> 0) FILTER (WHERE d.dup) AS r,
                array_agg(d.hs ORDER BY d.o) FILTER (WHERE d.dup AND d.f & ${FIRST} <> 0) AS hs,
                array_agg(d.ht ORDER BY d.o) FILTER (WHERE d.dup AND d.f & ${FIRST} <> 0) AS ht,
                count(*) AS m, count(*) FILTER (WHERE NOT d.dup) AS n,
                coalesce(sum((CASE WHEN d.tb THEN 0 ELSE 1 END) - (CASE WHEN d.hv THEN 1 ELSE 0 END))
                  FILTER (WHERE d.f & ${LAST} <> 0 AND NOT d.dup), 0) AS kd
           FROM d
       ), ev AS (
         INSERT INTO ${t.events} (topic_id, seq, txn, key, type, data, tomb, content_type, hash, time)
         SELECT tp.id, ${s}, v_txn, d.k, 'event', d.d, d.tb, coalesce(d.ct, '${DEFAULT_CONTENT_TYPE}'), d.h, v_time
           FROM d WHERE NOT d.dup
       ), hn AS (
         INSERT INTO ${t.heads} (topic_id, key, raw_seq, raw_txn, raw_tomb, valid_seq, valid_txn, valid_hash, valid_tomb)
         SELECT tp.id, d.k, ${s}, v_txn, d.tb, ${s}, v_txn, d.h, d.tb FROM d WHERE d.f & ${LAST} <> 0 AND NOT d.dup AND NOT d.hx
       ), hu AS (
         UPDATE ${t.heads} x SET raw_seq = ${s}, raw_txn = v_txn, raw_tomb = d.tb,
                valid_seq = ${s}, valid_txn = v_txn, valid_hash = d.h, valid_tomb = d.tb
           FROM d WHERE d.f & ${LAST} <> 0 AND NOT d.dup AND d.hx AND x.ctid = d.hc
       )
      SELECT CASE WHEN z.a IS NULL THEN repeat('f', z.m::integer)
                  ELSE (SELECT string_agg(CASE WHEN d.dup THEN 't' ELSE 'f' END, '' ORDER BY d.o) FROM d) END,
             z.hs, z.ht, z.n, z.kd,
             CASE WHEN ${lay} THEN ''
                  ELSE (SELECT coalesce(string_agg(${event}, '' ORDER BY n.o), '') FROM (SELECT d.*, ${s} AS s FROM d WHERE NOT d.dup) n) END,
             ${lay}
        INTO o_dups, o_hseqs, o_htxns, v_n, v_kd, v_events, v_lay
        FROM z;`;
}
