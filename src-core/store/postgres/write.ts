/**
 * The write path, run inside a transaction that `db.inTx` opened. `lockTopics` takes the per-topic
 * row lock (`SELECT ... FOR UPDATE`, inserting the row first with ON CONFLICT DO NOTHING), so every
 * writer of a topic, on any server, waits its turn: seq and txn numbers are assigned under that
 * lock, are dense, and become visible in commit order. `appendLocked` de-duplicates against the
 * newest valid event per key (the `heads` table, plus earlier events of the same transaction),
 * then writes the events, the heads (both surfaces), the txn row and the topic counters in one
 * statement of data-modifying CTEs whose last step is `pg_notify` (delivered on commit, for live
 * tails on every server). Every business check (expectMaxSeq) happens before anything is written.
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

/**
 * Writes one prepared transaction to a locked topic and advances `lock` in place (so a batch can
 * write several transactions to the same topic). Throws CONFLICT before writing anything when
 * `expectMaxSeq` does not match.
 */
export async function appendLocked(
  c: pg.PoolClient,
  t: Tables,
  channel: string,
  lock: LockedTopic,
  p: PreparedTxn,
): Promise<AppendResponse> {
  if (p.expectMaxSeq !== undefined && p.expectMaxSeq !== lock.maxSeq) {
    throw conflict(`expectMaxSeq: topic "${p.topic}" is at seq ${lock.maxSeq}, not ${p.expectMaxSeq}`);
  }
  const keys = [...new Set(p.events.map((e) => e.key))];
  const heads = await c.query<HeadRow>(
    `SELECT key, valid_seq, valid_txn, valid_hash, valid_tomb FROM ${t.heads}
      WHERE topic_id = $1 AND key = ANY($2::text[])`,
    [lock.id, keys],
  );
  const before = new Map<string, KeyState | undefined>();
  for (const k of keys) before.set(k, undefined);
  for (const h of heads.rows) {
    if (h.valid_seq !== null) {
      before.set(h.key, { seq: h.valid_seq, txn: h.valid_txn!, hash: h.valid_hash!, tomb: h.valid_tomb! });
    }
  }
  const state = new Map(before);
  const txn = lock.maxTxn + 1;
  let seq = lock.maxSeq;
  const results: AppendResultItem[] = new Array<AppendResultItem>(p.events.length);
  const seqs: number[] = [];
  const evKeys: string[] = [];
  const evData: string[] = [];
  const evTypes: string[] = [];
  const evHashes: string[] = [];
  const evTombs: boolean[] = [];
  for (let i = 0; i < p.events.length; i++) {
    const e = p.events[i]!;
    const prev = state.get(e.key);
    if (prev !== undefined && prev.hash === e.hash) {
      results[i] = { seq: prev.seq, txn: prev.txn, duplicate: true };
      continue;
    }
    seq += 1;
    results[i] = { seq, txn, duplicate: false };
    state.set(e.key, { seq, txn, hash: e.hash, tomb: e.tomb });
    seqs.push(seq);
    evKeys.push(e.key);
    evData.push(e.data);
    evTypes.push(e.contentType);
    evHashes.push(e.hash);
    evTombs.push(e.tomb);
  }
  if (seqs.length === 0) return { txn: null, results };

  // Final state of each key this transaction wrote, and the change in live (valid, not
  // tombstoned) keys.
  const hKeys: string[] = [];
  const hSeqs: number[] = [];
  const hHashes: string[] = [];
  const hTombs: boolean[] = [];
  let keysDelta = 0;
  for (const [k, now] of state) {
    const was = before.get(k);
    if (now === undefined || now === was || now.txn !== txn) continue;
    hKeys.push(k);
    hSeqs.push(now.seq);
    hHashes.push(now.hash);
    hTombs.push(now.tomb);
    keysDelta += (now.tomb ? 0 : 1) - (was === undefined || was.tomb ? 0 : 1);
  }
  const firstSeq = lock.maxSeq + 1;
  await c.query(
    `WITH ev AS (
       INSERT INTO ${t.events} (topic_id, seq, txn, key, type, data, tomb, content_type, hash, time)
       SELECT $1, u.s, $2, u.k, 'event', u.d, u.tb, u.ct, u.h, $3
         FROM unnest($4::bigint[], $5::text[], $6::text[], $7::bool[], $8::text[], $9::text[])
              AS u(s, k, d, tb, ct, h)
     ), hd AS (
       INSERT INTO ${t.heads} AS x (topic_id, key, raw_seq, raw_txn, raw_tomb, valid_seq, valid_txn, valid_hash, valid_tomb)
       SELECT $1, u.k, u.s, $2, u.tb, u.s, $2, u.h, u.tb
         FROM unnest($10::text[], $11::bigint[], $12::text[], $13::bool[]) AS u(k, s, h, tb)
       ON CONFLICT (topic_id, key) DO UPDATE SET
         raw_seq = EXCLUDED.raw_seq, raw_txn = EXCLUDED.raw_txn, raw_tomb = EXCLUDED.raw_tomb,
         valid_seq = EXCLUDED.valid_seq, valid_txn = EXCLUDED.valid_txn,
         valid_hash = EXCLUDED.valid_hash, valid_tomb = EXCLUDED.valid_tomb
     ), tx AS (
       INSERT INTO ${t.txns} (topic_id, txn, first_seq, last_seq, count, time, marker)
       VALUES ($1, $2, $14, $15, $16, $3, false)
     ), tp AS (
       UPDATE ${t.topics} SET max_seq = $15, max_txn = $2, keys = keys + $17, last_time = $3 WHERE id = $1
     )
     SELECT pg_notify($18, $19)`,
    [
      lock.id,
      txn,
      lock.time,
      seqs,
      evKeys,
      evData,
      evTombs,
      evTypes,
      evHashes,
      hKeys,
      hSeqs,
      hHashes,
      hTombs,
      firstSeq,
      seq,
      seqs.length,
      keysDelta,
      channel,
      notifyPayload(lock.topic, seq),
    ],
  );
  lock.maxSeq = seq;
  lock.maxTxn = txn;
  return { txn, results };
}
