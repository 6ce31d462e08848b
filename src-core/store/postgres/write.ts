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
import { CommitRows, type HeadOf } from './commit-rows';
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

interface TopicState {
  lock: LockedTopic;
  /** Valid head of each loaded key before this write set (undefined: none). */
  before: Map<string, HeadOf | undefined>;
  /** Valid head now, as the applied transactions left it. */
  state: Map<string, HeadOf | undefined>;
  dirty: boolean;
}

/** Accumulates the rows of several transactions (one or many topics) for a single write. */
export class WriteBatch {
  private readonly topics = new Map<string, TopicState>();
  private readonly rows = new CommitRows();

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
    const rows = this.rows;
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
      rows.event(lock.id, seq, txn, e, lock.time);
      chain.event(seq, e.key, e.hash, e.digest, e.contentType);
    }
    if (seq < firstSeq) return { txn: null, results };
    const head = chain.digest();
    rows.txn(lock.id, {
      txn,
      firstSeq,
      lastSeq: seq,
      count: seq - firstSeq + 1,
      time: lock.time,
      meta: p.meta,
      by: p.by,
      chain: head,
    });
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
    const rows = this.rows;
    if (rows.empty) return null;
    for (const tw of this.topics.values()) {
      if (!tw.dirty) continue;
      for (const [k, now] of tw.state) {
        const was = tw.before.get(k);
        if (now === undefined || now === was) continue;
        rows.head(tw.lock.id, k, now, was !== undefined && !was.tomb);
      }
      const lock = tw.lock;
      rows.topic(lock.id, { maxSeq: lock.maxSeq, maxTxn: lock.maxTxn, time: lock.time, head: lock.head! });
    }
    return rows.send(c, t);
  }
}
