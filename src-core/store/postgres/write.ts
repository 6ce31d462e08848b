/**
 * The write path, run inside a transaction that `db.inTx` opened. `lockTopics` takes the per-topic
 * row lock (`SELECT ... FOR UPDATE`, inserting the row first with ON CONFLICT DO NOTHING), so every
 * writer of a topic, on any server, waits its turn: seq and txn numbers are assigned under that
 * lock, are dense, and become visible in commit order. A `WriteSet` then loads the heads (newest
 * valid event per key) of every key the transactions touch in one query, applies the transactions
 * in order in memory (de-duplication against the newest valid event, earlier events of the same
 * transaction and batch included; expectMaxSeq checked before a transaction contributes anything),
 * and `flush` writes everything — events, heads (both surfaces), txn rows, topic counters — in one
 * statement of data-modifying CTEs whose last step is `pg_notify` per topic (delivered on commit,
 * for live tails on every server). A batch of any size thus costs a constant number of statements.
 */
import type pg from 'pg';
import { conflict } from '../../model/errors';
import type { AppendResponse, AppendResultItem } from '../../model/types';
import type { Tables } from './db';
import type { PreparedTxn } from './prepare';

export interface LockedTopic {
  id: number;
  topic: string;
  maxSeq: number;
  maxTxn: number;
  /** Commit time of this transaction: the database clock, never earlier than the topic's last. */
  time: string;
}

interface TopicLockRow {
  id: number;
  topic: string;
  max_seq: number;
  max_txn: number;
  last_time: string | null;
  now_ms: number;
}

function commitTime(row: TopicLockRow): string {
  const now = new Date(Math.floor(row.now_ms)).toISOString();
  return row.last_time !== null && row.last_time > now ? row.last_time : now;
}

/**
 * Locks the rows of `topics` (created when missing) in name order, so two transactions that touch
 * the same topics cannot deadlock. With `create: false` a missing topic is simply absent.
 */
export async function lockTopics(
  c: pg.PoolClient,
  t: Tables,
  topics: string[],
  create = true,
): Promise<Map<string, LockedTopic>> {
  const names = [...new Set(topics)].sort();
  const sql = `SELECT id, topic, max_seq, max_txn, last_time,
                      extract(epoch FROM clock_timestamp()) * 1000 AS now_ms
                 FROM ${t.topics} WHERE topic = ANY($1::text[]) ORDER BY topic FOR UPDATE`;
  let res = await c.query<TopicLockRow>(sql, [names]);
  if (create && res.rows.length < names.length) {
    const have = new Set(res.rows.map((r) => r.topic));
    const missing = names.filter((n) => !have.has(n));
    await c.query(
      `INSERT INTO ${t.topics} (topic) SELECT unnest($1::text[]) ORDER BY 1 ON CONFLICT (topic) DO NOTHING`,
      [missing],
    );
    res = await c.query<TopicLockRow>(sql, [names]);
  }
  const out = new Map<string, LockedTopic>();
  for (const r of res.rows) {
    out.set(r.topic, {
      id: r.id,
      topic: r.topic,
      maxSeq: r.max_seq,
      maxTxn: r.max_txn,
      time: commitTime(r),
    });
  }
  return out;
}

interface HeadRow {
  topic_id: number;
  key: string;
  valid_seq: number | null;
  valid_txn: number | null;
  valid_hash: string | null;
  valid_tomb: boolean | null;
}

interface KeyState {
  seq: number;
  txn: number;
  hash: string;
  tomb: boolean;
}

/** The payload of a commit notification: which topic, and its max seq after the commit. */
export function notifyPayload(topic: string, maxSeq: number): string {
  return JSON.stringify({ topic, maxSeq });
}

interface TopicWrite {
  lock: LockedTopic;
  /** Valid head of each loaded key before this write set (undefined: none). */
  before: Map<string, KeyState | undefined>;
  /** Valid head now, as the applied transactions left it. */
  state: Map<string, KeyState | undefined>;
  dirty: boolean;
}

/** Accumulates the rows of several transactions (one or many topics) for a single write. */
export class WriteSet {
  private readonly topics = new Map<string, TopicWrite>();
  private readonly ev = {
    topicIds: [] as number[],
    seqs: [] as number[],
    txns: [] as number[],
    keys: [] as string[],
    data: [] as string[],
    tombs: [] as boolean[],
    contentTypes: [] as string[],
    hashes: [] as string[],
    times: [] as string[],
  };
  private readonly tx = {
    topicIds: [] as number[],
    txns: [] as number[],
    first: [] as number[],
    last: [] as number[],
    counts: [] as number[],
    times: [] as string[],
  };

  private constructor(locks: Map<string, LockedTopic>) {
    for (const [name, lock] of locks) {
      this.topics.set(name, { lock, before: new Map(), state: new Map(), dirty: false });
    }
  }

  /** Loads the heads of every key the transactions touch (one query) for locked topics. */
  static async load(
    c: pg.PoolClient,
    t: Tables,
    locks: Map<string, LockedTopic>,
    txns: PreparedTxn[],
  ): Promise<WriteSet> {
    const ws = new WriteSet(locks);
    const ids: number[] = [];
    const keys: string[] = [];
    const byId = new Map<number, TopicWrite>();
    for (const p of txns) {
      const tw = ws.topics.get(p.topic)!;
      byId.set(tw.lock.id, tw);
      for (const e of p.events) {
        if (tw.before.has(e.key)) continue;
        tw.before.set(e.key, undefined);
        ids.push(tw.lock.id);
        keys.push(e.key);
      }
    }
    const res = await c.query<HeadRow>(
      `SELECT h.topic_id, h.key, h.valid_seq, h.valid_txn, h.valid_hash, h.valid_tomb
         FROM unnest($1::integer[], $2::text[]) AS u(tid, k)
         JOIN ${t.heads} h ON h.topic_id = u.tid AND h.key = u.k`,
      [ids, keys],
    );
    for (const h of res.rows) {
      if (h.valid_seq === null) continue;
      byId
        .get(h.topic_id)!
        .before.set(h.key, { seq: h.valid_seq, txn: h.valid_txn!, hash: h.valid_hash!, tomb: h.valid_tomb! });
    }
    for (const tw of ws.topics.values()) for (const [k, v] of tw.before) tw.state.set(k, v);
    return ws;
  }

  /**
   * Applies one transaction in memory and advances its topic's lock. Throws CONFLICT, having
   * contributed nothing, when `expectMaxSeq` does not match.
   */
  apply(p: PreparedTxn): AppendResponse {
    const tw = this.topics.get(p.topic)!;
    const lock = tw.lock;
    if (p.expectMaxSeq !== undefined && p.expectMaxSeq !== lock.maxSeq) {
      throw conflict(`expectMaxSeq: topic "${p.topic}" is at seq ${lock.maxSeq}, not ${p.expectMaxSeq}`);
    }
    const txn = lock.maxTxn + 1;
    const firstSeq = lock.maxSeq + 1;
    let seq = lock.maxSeq;
    const ev = this.ev;
    const results: AppendResultItem[] = new Array<AppendResultItem>(p.events.length);
    for (let i = 0; i < p.events.length; i++) {
      const e = p.events[i]!;
      const prev = tw.state.get(e.key);
      if (prev !== undefined && prev.hash === e.hash) {
        results[i] = { seq: prev.seq, txn: prev.txn, duplicate: true };
        continue;
      }
      seq += 1;
      results[i] = { seq, txn, duplicate: false };
      tw.state.set(e.key, { seq, txn, hash: e.hash, tomb: e.tomb });
      ev.topicIds.push(lock.id);
      ev.seqs.push(seq);
      ev.txns.push(txn);
      ev.keys.push(e.key);
      ev.data.push(e.data);
      ev.tombs.push(e.tomb);
      ev.contentTypes.push(e.contentType);
      ev.hashes.push(e.hash);
      ev.times.push(lock.time);
    }
    if (seq < firstSeq) return { txn: null, results };
    const tx = this.tx;
    tx.topicIds.push(lock.id);
    tx.txns.push(txn);
    tx.first.push(firstSeq);
    tx.last.push(seq);
    tx.counts.push(seq - firstSeq + 1);
    tx.times.push(lock.time);
    lock.maxSeq = seq;
    lock.maxTxn = txn;
    tw.dirty = true;
    return { txn, results };
  }

  /** Writes every applied transaction in one statement (nothing when all were duplicates). */
  async flush(c: pg.PoolClient, t: Tables, channel: string): Promise<void> {
    if (this.ev.seqs.length === 0) return;
    const h = {
      topicIds: [] as number[],
      keys: [] as string[],
      seqs: [] as number[],
      txns: [] as number[],
      hashes: [] as string[],
      tombs: [] as boolean[],
    };
    const tp = {
      ids: [] as number[],
      maxSeq: [] as number[],
      maxTxn: [] as number[],
      keysDelta: [] as number[],
      times: [] as string[],
    };
    const payloads: string[] = [];
    for (const tw of this.topics.values()) {
      if (!tw.dirty) continue;
      let keysDelta = 0;
      for (const [k, now] of tw.state) {
        const was = tw.before.get(k);
        if (now === undefined || now === was) continue;
        h.topicIds.push(tw.lock.id);
        h.keys.push(k);
        h.seqs.push(now.seq);
        h.txns.push(now.txn);
        h.hashes.push(now.hash);
        h.tombs.push(now.tomb);
        keysDelta += (now.tomb ? 0 : 1) - (was === undefined || was.tomb ? 0 : 1);
      }
      tp.ids.push(tw.lock.id);
      tp.maxSeq.push(tw.lock.maxSeq);
      tp.maxTxn.push(tw.lock.maxTxn);
      tp.keysDelta.push(keysDelta);
      tp.times.push(tw.lock.time);
      payloads.push(notifyPayload(tw.lock.topic, tw.lock.maxSeq));
    }
    const ev = this.ev;
    const tx = this.tx;
    await c.query(
      `WITH ev AS (
         INSERT INTO ${t.events} (topic_id, seq, txn, key, type, data, tomb, content_type, hash, time)
         SELECT u.tid, u.s, u.x, u.k, 'event', u.d, u.tb, u.ct, u.h, u.tm
           FROM unnest($1::integer[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::bool[],
                       $7::text[], $8::text[], $9::text[]) AS u(tid, s, x, k, d, tb, ct, h, tm)
       ), hd AS (
         INSERT INTO ${t.heads} AS x (topic_id, key, raw_seq, raw_txn, raw_tomb, valid_seq, valid_txn, valid_hash, valid_tomb)
         SELECT u.tid, u.k, u.s, u.x, u.tb, u.s, u.x, u.h, u.tb
           FROM unnest($10::integer[], $11::text[], $12::bigint[], $13::bigint[], $14::text[], $15::bool[])
                AS u(tid, k, s, x, h, tb)
         ON CONFLICT (topic_id, key) DO UPDATE SET
           raw_seq = EXCLUDED.raw_seq, raw_txn = EXCLUDED.raw_txn, raw_tomb = EXCLUDED.raw_tomb,
           valid_seq = EXCLUDED.valid_seq, valid_txn = EXCLUDED.valid_txn,
           valid_hash = EXCLUDED.valid_hash, valid_tomb = EXCLUDED.valid_tomb
       ), tx AS (
         INSERT INTO ${t.txns} (topic_id, txn, first_seq, last_seq, count, time, marker)
         SELECT u.tid, u.x, u.f, u.l, u.n, u.tm, false
           FROM unnest($16::integer[], $17::bigint[], $18::bigint[], $19::bigint[], $20::integer[], $21::text[])
                AS u(tid, x, f, l, n, tm)
       ), tp AS (
         UPDATE ${t.topics} t SET max_seq = u.ms, max_txn = u.mt, keys = t.keys + u.kd, last_time = u.tm
           FROM unnest($22::integer[], $23::bigint[], $24::bigint[], $25::bigint[], $26::text[])
                AS u(id, ms, mt, kd, tm)
          WHERE t.id = u.id
       )
       SELECT count(pg_notify($27, p)) FROM unnest($28::text[]) AS p`,
      [
        ev.topicIds,
        ev.seqs,
        ev.txns,
        ev.keys,
        ev.data,
        ev.tombs,
        ev.contentTypes,
        ev.hashes,
        ev.times,
        h.topicIds,
        h.keys,
        h.seqs,
        h.txns,
        h.hashes,
        h.tombs,
        tx.topicIds,
        tx.txns,
        tx.first,
        tx.last,
        tx.counts,
        tx.times,
        tp.ids,
        tp.maxSeq,
        tp.maxTxn,
        tp.keysDelta,
        tp.times,
        channel,
        payloads,
      ],
    );
  }
}
