/**
 * The one-round-trip append (docs/postgres.md, "One round trip per append"): PL/pgSQL functions
 * that do, in one statement run in autocommit, what the two-round-trip path of write.ts does for
 * one transaction: the SCHEMA_TOO_NEW check, locking (creating) the topic row, the commit time
 * (the database clock, never earlier than the topic's last), expectMaxSeq, dense seq/txn numbers,
 * de-duplication against the newest valid event (earlier events of the same transaction
 * included), the event rows, both surfaces, the txn row with its hash chain, the topic's counters
 * and head (the caller announces the commit once it is done: notify.ts `CommitNotifier`). Three kinds with one answer: per event
 * for a transaction of at most FEW_EVENTS events (`one` for a single event, its parameters scalars),
 * one set-based statement for larger ones.
 *
 * The functions are TEMPORARY ones (`pg_temp`), created once per pooled connection by the code
 * that calls them, so they are never part of the store's schema: no schema version, no migration,
 * and servers of two versions each run their own. The chain is laid out by store/chain.ts on the
 * client for everything the transaction alone decides (`chainTails`); inside PostgreSQL only the
 * previous chain and the txn, time and seq fields are added, and the set-based function lays out
 * each plain event's part from its digest (append-fn-sql.ts `chainSql` is the whole of that second
 * rendering) unless the client could predict the seqs and sent that part as bytes (append-layout.ts,
 * a third rendering, checked under the topic lock), and test/postgres/append-fn.int.test.ts checks the result byte for byte
 * against chain.ts on hostile inputs (unicode and astral keys, content types, meta, by,
 * tombstones, duplicates). It needs a UTF8 database (the layout is hashed as UTF-8); elsewhere the
 * store keeps the two-round-trip path. The functions' SQL text is append-fn-sql.ts; this module
 * creates them, calls them and reads their answer.
 */
import type pg from 'pg';
import { schemaTooNew } from '../../model/errors';
import { DEFAULT_CONTENT_TYPE } from '../../model/limits';
import { chainTxnPart } from '../chain';
import { type PreparedTxn, checkExpectMaxSeq } from '../prepare';
import type { AppendResponse, AppendResultItem } from '../../model/types';
import {
  CONFLICT,
  DATA_SEP,
  FALLBACK,
  FIRST,
  type FnKind,
  LAST,
  REPEAT,
  TOMB,
  TOO_NEW,
  createSql,
  fnName,
} from './append-fn-sql';
import { eventsLayout, plainEventPart } from './append-layout';
import { type Db, socketOf } from './db';
import { isConnectionError } from './errors';
import { SCHEMA_VERSION } from './schema';

/** undefined_function: the session no longer has the function. */
const UNDEFINED_FUNCTION = '42883';

/** Most events of a transaction sent to the per-event function (larger ones: the set-based one). */
export const FEW_EVENTS = 8;

/**
 * The client's parts of the chain (see append-fn-sql.ts `chainSql`): chain.ts's layout with placeholder numbers
 * and time, whose fields of known width are cut off.
 */
export function chainTails(p: PreparedTxn): { txn: string; events: string[] } {
  const txn = chainTxnTail(p);
  const events = p.events.map((e) => plainEventPart(0, e).slice(SEQ_HEAD.length));
  return { txn, events };
}

/** The transaction's part of the chain after its time field (by, meta digest). */
function chainTxnTail(p: PreparedTxn): string {
  return chainTxnPart('', { txn: 0, time: '', by: p.by, meta: p.meta }).slice(TXN_HEAD.length);
}

/** What chain.ts writes for txn 0 and time '' after an empty prev, and for seq 0. */
const TXN_HEAD = '1:0,0:,';
const SEQ_HEAD = '1:0,';

/** The flags of each event of `p` (append-fn-sql.ts FIRST, REPEAT, LAST, TOMB). */
export function eventFlags(p: PreparedTxn): number[] {
  const n = p.events.length;
  const flags = new Array<number>(n);
  /** Per key: the index of its previous event, then of its last event that is not a REPEAT. */
  const prev = new Map<string, number>();
  const lastOf = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const e = p.events[i]!;
    const j = prev.get(e.key);
    let f = e.tomb ? TOMB : 0;
    if (j === undefined) f |= FIRST;
    else if (p.events[j]!.hash === e.hash) f |= REPEAT;
    if ((f & REPEAT) === 0) lastOf.set(e.key, i);
    prev.set(e.key, i);
    flags[i] = f;
  }
  for (const i of lastOf.values()) flags[i]! |= LAST;
  return flags;
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
    await c.query(createSql(db, 'one'));
    await c.query(createSql(db, 'few'));
    await c.query(createSql(db, 'set'));
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

/**
 * The set-based function's data, hashes and digests, each as one text (append-fn-sql.ts
 * `setOfEventsSql` splits them with `string_to_array`): the data joined by DATA_SEP, the hashes
 * and digests (64 hex digits each) by commas, and the digests as null when every one is its
 * event's hash (no writer-supplied hash). The driver sends a text as it is, where it would quote
 * and escape every element of a text[] (every `"` of every event's JSON), and the server splits it
 * without unquoting. The function then lays out each event's chain part itself from its digest
 * (chainSql's `eventOf`). Null if a data text holds DATA_SEP, which canonical JSON never does (the
 * write then takes the two-round-trip path).
 */
function setParams(
  p: PreparedTxn,
  data: string[],
  hashes: string[],
): { data: string; hashes: string; digests: string | null } | null {
  let sameDigests = true;
  for (const e of p.events) {
    if (e.data.includes(DATA_SEP)) return null;
    if (e.digest !== e.hash) sameDigests = false;
  }
  return {
    data: data.join(DATA_SEP),
    hashes: hashes.join(','),
    digests: sameDigests ? null : p.events.map((e) => e.digest).join(','),
  };
}

/**
 * The function's answer as one text column (`answerSql`): o_txn (empty when every event was a
 * duplicate), o_base (max_seq before this transaction), o_dups ('t' or 'f' per event: a duplicate
 * or not), then the stored valid head's seqs and txns of each FIRST event that is a duplicate, in
 * order, comma-separated; the five separated by spaces, none of which holds one. One column instead
 * of five: the driver parses a row description per call, and a function called in the select list
 * needs no function scan (docs/bench.md, "PostgreSQL writes", sixth pass).
 */
interface FnRow {
  o_txn: number | null;
  o_base: number;
  o_dups: string;
  o_hseqs: string[];
  o_htxns: string[];
}

function answerSql(db: Db, kind: FnKind): string {
  const args = `$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12${kind === 'set' ? ', $13, $14' : ''}`;
  // Every field coalesced: concat_ws leaves a NULL out, which would shift the fields after it.
  return `SELECT concat_ws(' ', coalesce((r).o_txn::text, ''), coalesce((r).o_base::text, ''), coalesce((r).o_dups, ''),
                   coalesce(array_to_string((r).o_hseqs, ','), ''), coalesce(array_to_string((r).o_htxns, ','), ''))
            FROM (SELECT ${fnName(db, kind)}(${args}) AS r OFFSET 0) s`;
}

/** The answer's fields (`answerSql`), checked for their shape: `events` o_dups flags, a base. */
function rowOf(text: string, events: number): FnRow {
  const fields = text.split(' ');
  const [txn, base, dups, hseqs, htxns] = fields as [string, string, string, string, string];
  if (fields.length !== 5 || dups.length !== events || !/^\d+$/.test(base)) {
    throw new Error(`the append function answered ${JSON.stringify(text.slice(0, 200))} for ${events} events`);
  }
  return {
    o_txn: txn === '' ? null : Number(txn),
    o_base: Number(base),
    o_dups: dups,
    o_hseqs: hseqs === '' ? [] : hseqs.split(','),
    o_htxns: htxns === '' ? [] : htxns.split(','),
  };
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
  /** Called once the statement is sent, before its answer: what to pipeline behind it (notify.ts `carry`). */
  sent?: (c: pg.ClientBase) => void,
): Promise<AppendResponse | typeof FALL_BACK> {
  const n = p.events.length;
  const keys = new Array<string>(n);
  const data = new Array<string>(n);
  const cts = new Array<string>(n);
  const hashes = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const e = p.events[i]!;
    keys[i] = e.key;
    data[i] = e.data;
    cts[i] = e.contentType;
    hashes[i] = e.hash;
  }
  const kind: FnKind = n === 1 ? 'one' : n <= FEW_EVENTS ? 'few' : 'set';
  const flags = eventFlags(p);
  let txnTail: string;
  let keysParam: string[] | string = keys;
  let dataParam: string[] | string = data;
  let hashesParam: string[] | string = hashes;
  let tailsParam: string[] | string | null;
  let ctsParam: string[] | string | null = cts;
  let flagsParam: number[] | number = flags;
  /** The set kind's: the max_seq its layout of the events was numbered after, and that layout. */
  let base: number | null = null;
  let layout: Buffer | null = null;
  if (kind !== 'set') {
    const tails = chainTails(p);
    txnTail = tails.txn;
    tailsParam = tails.events;
    // One event: every per-event parameter a scalar (sent as it is, not escaped as an array).
    if (kind === 'one') {
      [keysParam, dataParam, ctsParam, hashesParam, tailsParam, flagsParam] = [
        keys[0]!,
        data[0]!,
        cts[0]!,
        hashes[0]!,
        tails.events[0]!,
        flags[0]!,
      ];
    }
  } else {
    const set = setParams(p, data, hashes);
    if (set === null) return FALL_BACK;
    ({ data: dataParam, hashes: hashesParam, digests: tailsParam } = set);
    txnTail = chainTxnTail(p);
    // Content types all default go as one null.
    if (cts.every((ct) => ct === DEFAULT_CONTENT_TYPE)) ctsParam = null;
    base = predictedBase(db, p.topic);
    layout = base === null ? null : eventsLayout(p, flags, base);
    if (layout === null) base = null;
  }
  let row: FnRow;
  try {
    // With something to send behind it, one write for both (pg writes each query as it is queued).
    const stream = sent === undefined ? undefined : socketOf(c);
    stream?.cork();
    let pending: Promise<pg.QueryArrayResult<[string]>>;
    try {
      pending = c.query<[string]>({
        name: `tm_${kind}_${db.channel}`,
        text: answerSql(db, kind),
        rowMode: 'array',
        values: [
          SCHEMA_VERSION,
          p.topic,
          p.expectMaxSeq ?? null,
          keysParam,
          dataParam,
          ctsParam,
          hashesParam,
          tailsParam,
          flagsParam,
          p.meta,
          txnTail,
          p.by,
          ...(kind === 'set' ? [base, layout] : []),
        ],
      });
      sent?.(c);
    } finally {
      stream?.uncork();
    }
    row = rowOf((await pending).rows[0]![0], n);
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
  const answer = answerOf(p, flags, row);
  remember(db, p.topic, answer, row.o_base, kind === 'set');
  return answer;
}

/**
 * Per store, the max_seq each topic had after the store's last append to it through a function:
 * the base its next set-based append lays its events out for (append-layout.ts). A topic is
 * learned by a set-based append; a smaller append keeps a learned topic's base current (a topic
 * only ever written one event at a time is not remembered). A guess, checked by the function under
 * the topic lock: another writer in between only costs that append its layout in SQL. At most
 * PREDICTED_TOPICS topics are remembered (then the map starts over).
 */
const predicted = new WeakMap<Db, Map<string, number>>();
const PREDICTED_TOPICS = 1024;

/** The base `db`'s next set-based append to `topic` lays its events out for, or null (exported for tests). */
export function predictedBase(db: Db, topic: string): number | null {
  return predicted.get(db)?.get(topic) ?? null;
}

function remember(db: Db, topic: string, answer: AppendResponse, base: number, learn: boolean): void {
  let m = predicted.get(db);
  if (!learn && m?.has(topic) !== true) return;
  if (m === undefined) predicted.set(db, (m = new Map<string, number>()));
  else if (m.size >= PREDICTED_TOPICS && !m.has(topic)) m.clear();
  let max = base;
  for (const r of answer.results) if (!r.duplicate) max = r.seq;
  m.set(topic, max);
}

/**
 * The answer to `p` from the function's row: stored events are numbered densely after `o_base`;
 * a duplicate answers with the newest valid event of its key, which is the stored head the
 * function returned for a FIRST event, else the answer of the key's previous event here.
 */
function answerOf(p: PreparedTxn, flags: number[], row: FnRow): AppendResponse {
  const n = p.events.length;
  const results = new Array<AppendResultItem>(n);
  const latest = new Map<string, AppendResultItem>();
  let seq = Number(row.o_base);
  let h = 0;
  for (let i = 0; i < n; i++) {
    const key = p.events[i]!.key;
    let r: AppendResultItem;
    if (row.o_dups.charCodeAt(i) !== 116 /* 't' */) {
      seq += 1;
      r = { seq, txn: row.o_txn!, duplicate: false };
    } else if ((flags[i]! & FIRST) !== 0) {
      r = { seq: Number(row.o_hseqs[h]), txn: Number(row.o_htxns[h]), duplicate: true };
      h += 1;
    } else {
      const was = latest.get(key)!;
      r = { seq: was.seq, txn: was.txn, duplicate: true };
    }
    results[i] = r;
    latest.set(key, r);
  }
  return { txn: row.o_txn, results };
}
