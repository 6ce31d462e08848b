/**
 * The write path. Transactions arrive prepared (store/prepare.ts: validated and hashed outside any
 * database lock, canonical JSON computed once and stored as the event's data). `WriteBatch` applies prepared
 * transactions inside one IMMEDIATE SQLite transaction: it reads each topic's counters from the
 * `topics` table once per batch (the write lock makes that safe across processes), assigns seq and
 * txn densely, de-duplicates against each key's valid head (from the batch's own changes, the
 * in-process `HeadCache`, or one SELECT of the key's newest tail event, else its heads row, joined to the head event's hash; the cache's
 * 52-bit hash filter is confirmed against the head event's full hash), computes each transaction's chain (store/chain.ts) from its events,
 * collects events and `txns` rows and inserts them ROWS_PER_INSERT to a statement
 * (one call for many rows; the chain's cost is paid from that, docs/bench.md), the rest and the
 * counters in `flush()`. It writes no heads rows per event: the events it appends join the
 * topic's tail (schema.ts), and the flush of a batch that leaves the tail longer than the bound
 * (HEADS_TAIL_BOUND) applies the whole tail with one statement (`applyTail`). Every check that can fail a transaction
 * runs before its first write, so a failing transaction leaves nothing behind without needing a
 * savepoint.
 */
import { DEFAULT_CONTENT_TYPE } from '../../model/limits';
import type { AppendResponse, AppendResultItem, StoredEvent } from '../../model/types';
import { ChainBuilder, GENESIS } from '../chain';
import { chainOfOneEvent } from '../chain-one';
import { type PreparedTxn, checkExpectMaxSeq, commitTimeMs, storedEventOf } from '../prepare';
import { isoTime } from './rows';
import {
  type Head,
  type HeadCache,
  NO_HEAD,
  type TopicHeads,
  hashPrefix,
  liveOfSigned,
  seqOfSigned,
  signedSeq,
} from './heads';
import { ROWS_PER_INSERT, type RowArgs, type Statements, type Stmt, type TopicRow } from './statements';

export interface TopicState {
  row: TopicRow;
  dirty: boolean;
  /** Events committed in this batch, collected only when someone listens to the topic. */
  emitted: StoredEvent[] | null;
  /** The topic's head cache, valid for `row` as read under the write lock; this batch updates it. */
  cache: TopicHeads;
  /** True once this batch changed a head in the cache (dropped if the batch rolls back). */
  touched: boolean;
}

/**
 * The parameters of up to ROWS_PER_INSERT rows of `width` columns not inserted yet, filled in place:
 * the array keeps its full size, so filling it allocates nothing (emptying a JavaScript array with
 * `length = 0` drops its storage, which then grows again in steps for every statement).
 */
class PendingRows {
  readonly args: RowArgs;
  /** Values filled so far (rows × width). */
  filled = 0;
  constructor(private readonly width: number) {
    this.args = Array.from({ length: ROWS_PER_INSERT * width }, () => null);
  }

  /**
   * Sends the rows filled so far and empties the buffer: a full one as one statement of
   * ROWS_PER_INSERT rows (`many`: one call for many rows is cheaper than a call per row), fewer
   * rows one statement each (`one`).
   */
  send(many: Stmt<RowArgs, unknown>, one: Stmt<RowArgs, unknown>): void {
    const { args, filled, width } = this;
    if (filled === args.length) many.run(...args);
    else for (let i = 0; i < filled; i += width) one.run(...args.slice(i, i + width));
    this.filled = 0;
  }
}

export class WriteBatch {
  readonly topics = new Map<string, TopicState>();
  /** Parameters of the events and `txns` rows not inserted yet (see writeEventRows, writeTxnRows). */
  private readonly eventRows = new PendingRows(8);
  private readonly txnRows = new PendingRows(9);
  /** Parameters of heads rows (writeKnownTail; always sent before it returns). */
  private readonly headRows = new PendingRows(3);

  constructor(
    private readonly st: Statements,
    private readonly listening: (topic: string) => boolean,
    private readonly heads: HeadCache,
    /** Tail events a topic may keep after a flush (HEADS_TAIL_BOUND; tests pass smaller ones). */
    private readonly tailBound: number,
  ) {}

  /** The topic's counters as of this batch; creates the topic row when `create` is set. */
  state(name: string, create: boolean): TopicState | undefined {
    let s = this.topics.get(name);
    if (s) return s;
    let row = this.st.topicRow.get(name);
    if (!row) {
      if (!create) return undefined;
      const id = Number(this.st.insertTopic.run(name).lastInsertRowid);
      row = {
        id,
        topic: name,
        max_seq: 0,
        max_txn: 0,
        keys: 0,
        invalid_txns: 0,
        last_time: null,
        head: null,
        heads_seq: 0,
      };
    }
    const cache = this.heads.validFor(name, row.id, row.max_seq);
    if (cache.tailKeys !== null && cache.tailFrom < row.heads_seq) {
      // Another object applied (part of) the tail this cache lists: drop what it applied, so the
      // list stays as long as the tail (the file's state, true whether or not this batch commits).
      let i = 0;
      while (i < cache.tailSeqs.length && cache.tailSeqs[i]! <= row.heads_seq) i++;
      cache.tailKeys = cache.tailKeys.slice(i);
      cache.tailSeqs = cache.tailSeqs.slice(i);
      cache.tailFrom = row.heads_seq;
    }
    s = {
      row: { ...row },
      dirty: false,
      emitted: this.listening(name) ? [] : null,
      cache,
      touched: false,
    };
    this.topics.set(name, s);
    return s;
  }

  /** A key's valid head as of this point of the batch (NO_HEAD when it has none). */
  head(s: TopicState, key: string): Head {
    const h = s.cache.heads.get(key);
    if (h !== undefined) return h;
    if (s.cache.complete) return NO_HEAD;
    // A key of this batch is in the cache: the events not inserted yet are not needed here.
    const r = this.st.headRow.get({ topic: s.row.id, key, headsSeq: s.row.heads_seq });
    const read =
      r === undefined
        ? NO_HEAD
        : { seq: seqOfSigned(r.valid), hash52: hashPrefix(r.hash), live: liveOfSigned(r.valid) };
    // What the database holds now is true whether or not this batch commits.
    s.cache.heads.set(key, read);
    return read;
  }

  /** Records a head whose heads row the caller has already written (invalidation). */
  noteWrittenHead(s: TopicState, key: string, h: Head): void {
    s.cache.heads.set(key, h);
    s.touched = true;
  }

  /**
   * An appended (or imported) event joins the topic's tail: `h` is now its key's valid head. No
   * heads row is written for it here (applyTail); the cache records the key as a tail key when it
   * knows the tail (heads.ts `tailKeys`).
   */
  joinTail(s: TopicState, key: string, h: Head): void {
    const c = s.cache;
    c.heads.set(key, h);
    if (c.tailKeys !== null) {
      c.tailKeys.push(key);
      c.tailSeqs.push(h.seq);
    }
    s.touched = true;
  }

  /**
   * Applies the topic's tail to its heads rows (per key its newest tail event, in key order) and
   * sets heads_seq = max_seq. Runs in flush() once the tail is longer than the bound, and before
   * anything reads the heads rows directly or changes validity (invalidation). When the cache
   * knows the tail's keys (heads.ts `tailKeys`: this object wrote every tail event) their heads
   * come from memory (`writeKnownTail`); otherwise statements.ts `applyTail` reads the tail back,
   * after this batch's rows are inserted. Either way the cache then knows the (empty) tail.
   */
  applyTail(s: TopicState): void {
    const row = s.row;
    if (row.heads_seq >= row.max_seq) return;
    this.writeEventRows();
    this.writeTxnRows();
    const c = s.cache;
    if (c.tailKeys === null || c.tailFrom > row.heads_seq || !this.writeKnownTail(s, c.tailKeys, c.tailSeqs)) {
      this.st.applyTail.run({ topic: row.id, headsSeq: row.heads_seq });
    }
    c.tailKeys = [];
    c.tailSeqs = [];
    c.tailFrom = row.max_seq;
    s.touched = true;
    row.heads_seq = row.max_seq;
    s.dirty = true;
  }

  /**
   * Upserts the heads rows of the tail events `keys`/`seqs` (every tail event above heads_seq) from the cache: per key its
   * newest tail event, which is its cached head. The same rows as statements.ts `applyTail`
   * writes, without reading the events back and grouping them, in key order (the upserts walk the
   * heads B-tree forwards), ROWS_PER_INSERT to a statement. Returns false, having written
   * nothing, if a key is missing from the cache (then the caller applies the tail in SQL).
   */
  private writeKnownTail(s: TopicState, keys: string[], seqs: number[]): boolean {
    const heads = s.cache.heads;
    const n = keys.length;
    const newest: string[] = [];
    let sorted = true;
    for (let i = 0; i < n; i++) {
      const key = keys[i]!;
      const h = heads.get(key);
      if (h === undefined) return false;
      if (h.seq !== seqs[i]) continue; // a newer tail event of the key comes later
      if (sorted && newest.length > 0 && newest[newest.length - 1]! > key) sorted = false;
      newest.push(key);
    }
    if (!sorted) newest.sort(); // distinct strings: the default order is `<`'s (UTF-16 units), cheaper than a comparator
    const topicId = s.row.id;
    const hr = this.headRows;
    const args = hr.args;
    for (const key of newest) {
      const h = heads.get(key)!;
      const f = hr.filled;
      args[f] = topicId;
      args[f + 1] = key;
      args[f + 2] = signedSeq(h.seq, h.live);
      hr.filled = f + 3;
      if (hr.filled === args.length) hr.send(this.st.upsertHeadRows, this.st.upsertHeadRow);
    }
    hr.send(this.st.upsertHeadRows, this.st.upsertHeadRow);
    return true;
  }

  /** Commit time of the next transaction of a topic: now, but never before its previous commit. */
  static commitTime(s: TopicState): number {
    return commitTimeMs(Date.now(), s.row.last_time);
  }

  /** Applies one prepared transaction; throws CONFLICT (before writing anything) on expectMaxSeq. */
  apply(t: PreparedTxn): AppendResponse {
    const existing = this.state(t.topic, false);
    checkExpectMaxSeq(t, existing ? existing.row.max_seq : 0);
    const s = existing ?? this.state(t.topic, true)!;
    const row = s.row;
    const st = this.st;
    const topicId = row.id;
    const txn = row.max_txn + 1;
    const now = WriteBatch.commitTime(s);
    const time = isoTime(now);
    // The chain (store/chain.ts), its layout built as events are stored; a one-event transaction's
    // is computed at the end in one go (chainOfOneEvent).
    const chain =
      t.events.length === 1 ? null : new ChainBuilder(row.head ?? GENESIS, { txn, time, by: t.by, meta: t.meta });
    let seq = row.max_seq;
    const firstSeq = seq + 1;
    let keysDelta = 0;
    const results = new Array<AppendResultItem>(t.events.length);
    for (let i = 0; i < t.events.length; i++) {
      const e = t.events[i]!;
      const head = this.head(s, e.key);
      const hash52 = hashPrefix(e.hash);
      if (head.hash52 === hash52) {
        this.writeEventRows(); // the head may be an event of this batch not inserted yet
        const prev = st.headEvent.get(topicId, head.seq);
        if (prev && prev.hash === e.hash) {
          results[i] = { seq: head.seq, txn: prev.txn, duplicate: true };
          continue;
        }
      }
      seq++;
      // SQLite's columns: a tombstone's data and the default content type are stored as NULL.
      const contentType = e.contentType === DEFAULT_CONTENT_TYPE ? null : e.contentType;
      const er = this.eventRows;
      const ea = er.args;
      const n = er.filled;
      ea[n] = topicId;
      ea[n + 1] = seq;
      ea[n + 2] = txn;
      ea[n + 3] = e.key;
      ea[n + 4] = e.tomb ? null : e.data;
      ea[n + 5] = contentType;
      ea[n + 6] = e.hash;
      ea[n + 7] = now;
      er.filled = n + 8;
      if (n + 8 === ea.length) this.writeEventRows();
      const live = e.tomb ? 0 : 1;
      this.joinTail(s, e.key, { seq, hash52, live });
      keysDelta += live - head.live;
      results[i] = { seq, txn, duplicate: false };
      chain?.event(seq, e.key, e.hash, e.digest, e.contentType);
      s.emitted?.push(storedEventOf(t.topic, seq, txn, e, time));
    }
    if (seq < firstSeq) return { txn: null, results };
    let head: string;
    if (chain !== null) head = chain.digest();
    else {
      const e = t.events[0]!;
      head = chainOfOneEvent(row.head ?? GENESIS, txn, time, t.by, t.meta, seq, e.key, e.hash, e.digest, e.contentType);
    }
    const tr = this.txnRows;
    const ta = tr.args;
    const n = tr.filled;
    ta[n] = topicId;
    ta[n + 1] = txn;
    ta[n + 2] = firstSeq;
    ta[n + 3] = seq;
    ta[n + 4] = now;
    ta[n + 5] = 0;
    ta[n + 6] = t.meta;
    ta[n + 7] = t.by;
    ta[n + 8] = head;
    tr.filled = n + 9;
    if (n + 9 === ta.length) this.writeTxnRows();
    row.head = head;
    row.max_seq = seq;
    row.max_txn = txn;
    row.keys += keysDelta;
    row.last_time = now;
    s.dirty = true;
    return { txn, results };
  }

  /**
   * Inserts the events applied so far, ROWS_PER_INSERT at a time as they accumulate, the rest
   * here. Runs in flush() and before apply() reads an event back (de-duplication); code that
   * reads events of this batch otherwise calls it first.
   */
  writeEventRows(): void {
    this.eventRows.send(this.st.insertEvents, this.st.insertEvent);
  }

  /**
   * Inserts the `txns` rows of the transactions applied so far, ROWS_PER_INSERT at a time as they
   * accumulate (one statement for many rows is cheaper than a call per row), the rest here. Runs
   * in flush(); code that reads `txns` rows of this batch before that calls it first.
   */
  writeTxnRows(): void {
    this.txnRows.send(this.st.insertTxns, this.st.insertTxn);
  }

  /**
   * Writes the txns rows and the counters of every topic this batch changed, and applies the tail
   * of each whose tail is now longer than the bound. Call last.
   */
  flush(): void {
    this.writeEventRows();
    this.writeTxnRows();
    for (const s of this.topics.values()) {
      if (!s.dirty) continue;
      const r = s.row;
      if (r.max_seq - r.heads_seq > this.tailBound) this.applyTail(s);
      this.st.updateTopic.run(r.max_seq, r.max_txn, r.keys, r.invalid_txns, r.last_time, r.head, r.heads_seq, r.id);
    }
  }

  /** After the commit succeeded: each topic's cache follows its max_seq and is counted. */
  committed(): void {
    for (const [name, s] of this.topics) this.heads.committed(name, s.cache, s.row.max_seq);
  }

  /** After a rollback: the heads this batch put in the cache are not in the database. */
  rolledBack(): void {
    for (const [name, s] of this.topics) if (s.touched) this.heads.drop(name);
  }
}
