/**
 * The write path, run inside a transaction that `db.inTx` opened. `lockTopics` (topic-lock.ts) takes
 * the per-topic row lock (`SELECT ... FOR UPDATE`, inserting the row first with ON CONFLICT DO NOTHING), so every
 * writer of a topic, on any server, waits its turn: seq and txn numbers are assigned under that
 * lock, are dense, and become visible in commit order. A `WriteBatch` then loads the heads (newest
 * valid event per key) of every key the transactions touch in one query, applies the transactions
 * in order in memory (de-duplication against the newest valid event, earlier events of the same
 * transaction and batch included; expectMaxSeq checked before a transaction contributes anything),
 * and `flush` writes everything — events, heads (both surfaces), txn rows, topic counters — in one
 * statement of data-modifying CTEs. A batch of any size thus costs a constant number of statements.
 * The commit is announced afterwards, by the caller (`committed`, notify.ts `CommitNotifier`).
 */
import type pg from 'pg';
import type { AppendResponse, AppendResultItem } from '../../model/types';
import { ChainBuilder, GENESIS } from '../chain';
import { type PreparedTxn, checkExpectMaxSeq } from '../prepare';
import type { Tables } from './db';
import { prepared } from './named-statement';
import { sendSchemaCheck } from './schema';
import { type LockedTopic, type TopicLockRow, createAndLock, lockSql, locksOf } from './topic-lock';

interface HeadRow {
  topic: string;
  key: string;
  valid_seq: number | null;
  valid_txn: number | null;
  valid_hash: string | null;
  valid_tomb: boolean | null;
}

interface ValidHead {
  seq: number;
  txn: number;
  hash: string;
  tomb: boolean;
}

interface TopicState {
  lock: LockedTopic;
  /** Valid head of each loaded key before this write set (undefined: none). */
  before: Map<string, ValidHead | undefined>;
  /** Valid head now, as the applied transactions left it. */
  state: Map<string, ValidHead | undefined>;
  dirty: boolean;
}

/** Accumulates the rows of several transactions (one or many topics) for a single write. */
export class WriteBatch {
  private readonly topics = new Map<string, TopicState>();
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
    metas: [] as (string | null)[],
    bys: [] as (string | null)[],
    chains: [] as string[],
  };

  private constructor(locks: Map<string, LockedTopic>, txns: PreparedTxn[], heads: HeadRow[]) {
    for (const [name, lock] of locks) {
      this.topics.set(name, { lock, before: new Map(), state: new Map(), dirty: false });
    }
    for (const p of txns) {
      const tw = this.topics.get(p.topic)!;
      for (const e of p.events) tw.before.set(e.key, undefined);
    }
    for (const h of heads) {
      if (h.valid_seq === null) continue;
      this.topics
        .get(h.topic)!
        .before.set(h.key, { seq: h.valid_seq, txn: h.valid_txn!, hash: h.valid_hash!, tomb: h.valid_tomb! });
    }
    for (const tw of this.topics.values()) for (const [k, v] of tw.before) tw.state.set(k, v);
  }

  /**
   * Locks every topic of `txns` (creating missing ones) and loads the heads of every key they
   * touch. The lock and the heads query are pipelined: the server runs the heads query only once
   * the locks are held, with a fresh snapshot (READ COMMITTED), so it sees every earlier commit.
   */
  static async lockAndLoad(c: pg.PoolClient, t: Tables, txns: PreparedTxn[]): Promise<WriteBatch> {
    const names = [...new Set(txns.map((p) => p.topic))].sort();
    const pairs = new Set<string>();
    const topicCol: string[] = [];
    const keyCol: string[] = [];
    for (const p of txns) {
      for (const e of p.events) {
        const id = `${p.topic}\u0000${e.key}`;
        if (pairs.has(id)) continue;
        pairs.add(id);
        topicCol.push(p.topic);
        keyCol.push(e.key);
      }
    }
    // One primary-key probe per key, whatever the planner's statistics say (LATERAL ... LIMIT 1
    // is not flattened into a join, so it cannot become a hash join over the whole table).
    const headsSql = `SELECT tp.topic, h.key, h.valid_seq, h.valid_txn, h.valid_hash, h.valid_tomb
                        FROM unnest($1::text[], $2::text[]) AS u(tn, k)
                        JOIN ${t.topics} tp ON tp.topic = u.tn COLLATE "C"
                        CROSS JOIN LATERAL (
                          SELECT x.key, x.valid_seq, x.valid_txn, x.valid_hash, x.valid_tomb FROM ${t.heads} x
                           WHERE x.topic_id = tp.id AND x.key = u.k COLLATE "C" LIMIT 1) h`;
    const lockP = c.query<TopicLockRow>(prepared(lockSql(t), [names]));
    const headsP = c.query<HeadRow>(prepared(headsSql, [topicCol, keyCol]));
    headsP.catch(() => undefined);
    const schema = sendSchemaCheck(c, t);
    let locked = (await lockP).rows;
    let heads = (await headsP).rows;
    await schema;
    if (locked.length < names.length) {
      // New topics: create, lock, and read the heads again (another writer may have created one
      // of these topics, and written to it, since the first read).
      locked = await createAndLock(c, t, names, locked);
      heads = (await c.query<HeadRow>(prepared(headsSql, [topicCol, keyCol]))).rows;
    }
    return new WriteBatch(locksOf(locked), txns, heads);
  }

  /**
   * Applies one transaction in memory and advances its topic's lock. Throws CONFLICT, having
   * contributed nothing, when `expectMaxSeq` does not match.
   */
  apply(p: PreparedTxn): AppendResponse {
    const tw = this.topics.get(p.topic)!;
    const lock = tw.lock;
    checkExpectMaxSeq(p, lock.maxSeq);
    const txn = lock.maxTxn + 1;
    const firstSeq = lock.maxSeq + 1;
    let seq = lock.maxSeq;
    const ev = this.ev;
    // The chain (store/chain.ts), its layout built as events are stored.
    const chain = new ChainBuilder(lock.head ?? GENESIS, { txn, time: lock.time, by: p.by, meta: p.meta });
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
      chain.event(seq, e.key, e.hash, e.digest, e.contentType);
    }
    if (seq < firstSeq) return { txn: null, results };
    const head = chain.digest();
    const tx = this.tx;
    tx.topicIds.push(lock.id);
    tx.txns.push(txn);
    tx.first.push(firstSeq);
    tx.last.push(seq);
    tx.counts.push(seq - firstSeq + 1);
    tx.times.push(lock.time);
    tx.metas.push(p.meta);
    tx.bys.push(p.by);
    tx.chains.push(head);
    lock.head = head;
    lock.maxSeq = seq;
    lock.maxTxn = txn;
    tw.dirty = true;
    return { txn, results };
  }

  /** Each written topic and its max seq after this batch: what the caller announces once committed. */
  committed(): [topic: string, maxSeq: number][] {
    const out: [string, number][] = [];
    for (const tw of this.topics.values()) if (tw.dirty) out.push([tw.lock.topic, tw.lock.maxSeq]);
    return out;
  }

  /**
   * Sends one statement writing every applied transaction, and returns it without waiting (the
   * caller pipelines COMMIT behind it); null when there is nothing to write (all duplicates).
   */
  flush(c: pg.PoolClient, t: Tables): Promise<unknown> | null {
    if (this.ev.seqs.length === 0) return null;
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
      heads: [] as string[],
    };
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
      tp.heads.push(tw.lock.head!);
    }
    const ev = this.ev;
    const tx = this.tx;
    return c.query(
      prepared(
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
         INSERT INTO ${t.txns} (topic_id, txn, first_seq, last_seq, count, time, marker, meta, by_name, chain)
         SELECT u.tid, u.x, u.f, u.l, u.n, u.tm, false, u.mt, u.bn, u.ch
           FROM unnest($16::integer[], $17::bigint[], $18::bigint[], $19::bigint[], $20::integer[], $21::text[],
                       $27::text[], $28::text[], $29::text[])
                AS u(tid, x, f, l, n, tm, mt, bn, ch)
       ), tp AS (
         UPDATE ${t.topics} t SET max_seq = u.ms, max_txn = u.mt, keys = t.keys + u.kd, last_time = u.tm, head = u.hd
           FROM unnest($22::integer[], $23::bigint[], $24::bigint[], $25::bigint[], $26::text[], $30::text[])
                AS u(id, ms, mt, kd, tm, hd)
          WHERE t.id = u.id
       )
       SELECT 1`,
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
          tx.metas,
          tx.bys,
          tx.chains,
          tp.heads,
        ],
      ),
    );
  }
}
