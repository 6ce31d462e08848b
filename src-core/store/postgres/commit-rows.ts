/**
 * The rows a write adds, and the one statement that writes them: its events, the heads rows of
 * the keys whose newest event changed (the raw and valid surfaces, both that event: what is
 * written is valid now), its txn rows and each topic's counters, as column arrays sent through
 * `unnest` in one statement of data-modifying CTEs. The append path's batch (write.ts
 * `WriteBatch`, many topics) and the import of a run of plain transactions (import.ts, one topic,
 * with its commit notification in the same statement) both write through it, so the shape of a
 * stored row has one home on the client. (The one-round-trip functions, append-fn-sql.ts, write
 * the same rows in PL/pgSQL.)
 */
import type pg from 'pg';
import type { Tables } from './db';
import { prepared } from './named-statement';

/** A key's newest event, as its heads row holds it on both surfaces. */
export interface HeadOf {
  seq: number;
  txn: number;
  hash: string;
  tomb: boolean;
}

/**
 * A topic's counters after the write: what its `topics` row is set to. Its `keys` count moves by
 * what the write's heads rows of the topic changed (`head`).
 */
export interface TopicAfter {
  maxSeq: number;
  maxTxn: number;
  time: string;
  head: string;
}

export class CommitRows {
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
  private readonly hd = {
    topicIds: [] as number[],
    keys: [] as string[],
    seqs: [] as number[],
    txns: [] as number[],
    hashes: [] as string[],
    tombs: [] as boolean[],
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
  private readonly tp = {
    ids: [] as number[],
    maxSeq: [] as number[],
    maxTxn: [] as number[],
    keysDelta: [] as number[],
    times: [] as string[],
    heads: [] as string[],
  };

  /** Per topic id, how its `keys` count moves (`head`). */
  private readonly keysDelta = new Map<number, number>();

  /** No event to write. */
  get empty(): boolean {
    return this.ev.seqs.length === 0;
  }

  event(
    topicId: number,
    seq: number,
    txn: number,
    e: { key: string; data: string; tomb: boolean; contentType: string; hash: string },
    time: string,
  ): void {
    const ev = this.ev;
    ev.topicIds.push(topicId);
    ev.seqs.push(seq);
    ev.txns.push(txn);
    ev.keys.push(e.key);
    ev.data.push(e.data);
    ev.tombs.push(e.tomb);
    ev.contentTypes.push(e.contentType);
    ev.hashes.push(e.hash);
    ev.times.push(time);
  }

  /**
   * The heads row of `key` is now `h`; `wasLive`: its newest valid event before was a live one
   * (not a tombstone). A topic's `keys` counts its keys whose newest valid event is live.
   */
  head(topicId: number, key: string, h: HeadOf, wasLive: boolean): void {
    const moved = (h.tomb ? 0 : 1) - (wasLive ? 1 : 0);
    if (moved !== 0) this.keysDelta.set(topicId, (this.keysDelta.get(topicId) ?? 0) + moved);
    const hd = this.hd;
    hd.topicIds.push(topicId);
    hd.keys.push(key);
    hd.seqs.push(h.seq);
    hd.txns.push(h.txn);
    hd.hashes.push(h.hash);
    hd.tombs.push(h.tomb);
  }

  txn(
    topicId: number,
    x: {
      txn: number;
      firstSeq: number;
      lastSeq: number;
      count: number;
      time: string;
      meta: string | null;
      by: string | null;
      chain: string;
    },
  ): void {
    const tx = this.tx;
    tx.topicIds.push(topicId);
    tx.txns.push(x.txn);
    tx.first.push(x.firstSeq);
    tx.last.push(x.lastSeq);
    tx.counts.push(x.count);
    tx.times.push(x.time);
    tx.metas.push(x.meta);
    tx.bys.push(x.by);
    tx.chains.push(x.chain);
  }

  /** The topic's counters after the write; given after every `head` of the topic. */
  topic(id: number, after: TopicAfter): void {
    const tp = this.tp;
    tp.ids.push(id);
    tp.maxSeq.push(after.maxSeq);
    tp.maxTxn.push(after.maxTxn);
    tp.keysDelta.push(this.keysDelta.get(id) ?? 0);
    tp.times.push(after.time);
    tp.heads.push(after.head);
  }

  /**
   * Sends the one statement writing every row (a named prepared statement), with, if given, one
   * `pg_notify` in it; returns it without waiting (the caller may pipeline COMMIT behind it).
   */
  send(c: pg.ClientBase, t: Tables, notify?: { channel: string; payload: string }): Promise<pg.QueryResult> {
    const { ev, hd, tx, tp } = this;
    const values: unknown[] = [
      ev.topicIds,
      ev.seqs,
      ev.txns,
      ev.keys,
      ev.data,
      ev.tombs,
      ev.contentTypes,
      ev.hashes,
      ev.times,
      hd.topicIds,
      hd.keys,
      hd.seqs,
      hd.txns,
      hd.hashes,
      hd.tombs,
      tx.topicIds,
      tx.txns,
      tx.first,
      tx.last,
      tx.counts,
      tx.times,
      tx.metas,
      tx.bys,
      tx.chains,
      tp.ids,
      tp.maxSeq,
      tp.maxTxn,
      tp.keysDelta,
      tp.times,
      tp.heads,
    ];
    let last = 'SELECT 1';
    if (notify !== undefined) {
      values.push(notify.channel, notify.payload);
      last = 'SELECT pg_notify($31, $32)';
    }
    return c.query(prepared(`${writeSql(t)}\n${last}`, values));
  }
}

/** The statement's CTEs, by table; its final SELECT is the caller's. */
function writeSql(t: Tables): string {
  return `WITH ev AS (
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
                     $22::text[], $23::text[], $24::text[])
              AS u(tid, x, f, l, n, tm, mt, bn, ch)
     ), tp AS (
       UPDATE ${t.topics} t SET max_seq = u.ms, max_txn = u.mt, keys = t.keys + u.kd, last_time = u.tm, head = u.hd
         FROM unnest($25::integer[], $26::bigint[], $27::bigint[], $28::bigint[], $29::text[], $30::text[])
              AS u(id, ms, mt, kd, tm, hd)
        WHERE t.id = u.id
     )`;
}
