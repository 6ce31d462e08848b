/**
 * Invalidation, inside a write transaction holding the topic lock: appends a marker event (key
 * `$invalidate`, data null, its own seq and txn), records it on the target's txn row, and repairs
 * the valid surface: every key whose newest valid event was in the target transaction falls back
 * to its newest event that is still valid (or leaves the surface). Only the target's keys are
 * touched, through the (topic, key, seq) index; nothing is scanned. Invalidating an already invalid
 * transaction returns the existing marker with `duplicate: true` and writes nothing.
 */
import type pg from 'pg';
import { markerNotInvalidatable, noSuchTxn } from '../../model/errors';
import type { InvalidateResult } from '../../model/types';
import { GENESIS, chainOf, markerChainEvent } from '../chain';
import { MARKER, type PreparedInvalidation } from '../prepare';
import type { Tables } from './db';
import { notifyPayload } from './notify';
import type { LockedTopic } from './topic-lock';

interface TxnRow {
  first_seq: number;
  last_seq: number;
  marker: boolean;
  invalidated_by: number | null;
}

interface NewHeadRow {
  key: string;
  seq: number;
  txn: number;
  hash: string;
  tomb: boolean;
}

export async function applyInvalidation(
  c: pg.PoolClient,
  t: Tables,
  channel: string,
  lock: LockedTopic | undefined,
  { topic, target, reason, by }: PreparedInvalidation,
): Promise<InvalidateResult> {
  if (lock === undefined || lock.maxSeq === 0) throw noSuchTxn(topic, target);
  const tr = await c.query<TxnRow>(
    `SELECT first_seq, last_seq, marker, invalidated_by FROM ${t.txns} WHERE topic_id = $1 AND txn = $2`,
    [lock.id, target],
  );
  const row = tr.rows[0];
  if (row === undefined) throw noSuchTxn(topic, target);
  if (row.marker) throw markerNotInvalidatable(target);
  if (row.invalidated_by !== null) {
    const m = await c.query<{ seq: number; txn: number }>(
      `SELECT seq, txn FROM ${t.events} WHERE topic_id = $1 AND seq = $2`,
      [lock.id, row.invalidated_by],
    );
    const marker = m.rows[0]!;
    return { seq: marker.seq, txn: marker.txn, target, duplicate: true };
  }
  const seq = lock.maxSeq + 1;
  const txn = lock.maxTxn + 1;
  await c.query(`UPDATE ${t.txns} SET invalidated_by = $3, reason = $4 WHERE topic_id = $1 AND txn = $2`, [
    lock.id,
    target,
    seq,
    reason,
  ]);
  // Keys whose valid head was in the target: recompute their newest still-valid event.
  // (LATERAL ... LIMIT 1: one primary-key probe per key of the target, whatever the statistics.)
  const affected = await c.query<{ key: string; valid_tomb: boolean }>(
    `SELECT h.key, h.valid_tomb
       FROM (SELECT DISTINCT e.key FROM ${t.events} e WHERE e.topic_id = $1 AND e.seq BETWEEN $3 AND $4) k
       CROSS JOIN LATERAL (SELECT x.key, x.valid_tomb, x.valid_txn FROM ${t.heads} x
                            WHERE x.topic_id = $1 AND x.key = k.key LIMIT 1) h
      WHERE h.valid_txn = $2`,
    [lock.id, target, row.first_seq, row.last_seq],
  );
  let keysDelta = 0;
  if (affected.rows.length > 0) {
    const keys = affected.rows.map((r) => r.key);
    for (const r of affected.rows) if (!r.valid_tomb) keysDelta -= 1;
    // Per key, walk its events newest first through the key index to the first still valid one.
    const fresh = await c.query<NewHeadRow>(
      `SELECT f.key, f.seq, f.txn, f.hash, f.tomb
         FROM unnest($2::text[]) AS u(k)
         CROSS JOIN LATERAL (
           SELECT e.key, e.seq, e.txn, e.hash, e.tomb FROM ${t.events} e
            WHERE e.topic_id = $1 AND e.key = u.k COLLATE "C" AND e.type = 'event'
              AND NOT EXISTS (SELECT 1 FROM ${t.txns} x
                               WHERE x.topic_id = e.topic_id AND x.txn = e.txn AND x.invalidated_by IS NOT NULL)
            ORDER BY e.seq DESC LIMIT 1) f`,
      [lock.id, keys],
    );
    const next = new Map<string, NewHeadRow>();
    for (const f of fresh.rows) next.set(f.key, f);
    const seqs: (number | null)[] = [];
    const txns: (number | null)[] = [];
    const hashes: (string | null)[] = [];
    const tombs: (boolean | null)[] = [];
    for (const k of keys) {
      const f = next.get(k);
      seqs.push(f?.seq ?? null);
      txns.push(f?.txn ?? null);
      hashes.push(f?.hash ?? null);
      tombs.push(f?.tomb ?? null);
      if (f !== undefined && !f.tomb) keysDelta += 1;
    }
    // Every one of these rows exists: the INSERT always takes the ON CONFLICT branch (its raw_*
    // values are placeholders never stored). Used instead of UPDATE ... FROM so that each row is
    // found through the primary key, never by a hash join over the topic's heads.
    await c.query(
      `INSERT INTO ${t.heads} AS h (topic_id, key, raw_seq, raw_txn, raw_tomb, valid_seq, valid_txn, valid_hash, valid_tomb)
       SELECT $1, u.k, 0, 0, true, u.s, u.x, u.h, u.tb
         FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::text[], $6::bool[]) AS u(k, s, x, h, tb)
       ON CONFLICT (topic_id, key) DO UPDATE SET
         valid_seq = EXCLUDED.valid_seq, valid_txn = EXCLUDED.valid_txn,
         valid_hash = EXCLUDED.valid_hash, valid_tomb = EXCLUDED.valid_tomb`,
      [lock.id, keys, seqs, txns, hashes, tombs],
    );
  }
  const chain = chainOf(lock.head ?? GENESIS, { txn, time: lock.time, by, meta: null }, [
    markerChainEvent(seq, target, reason),
  ]);
  await c.query(
    `WITH ev AS (
       INSERT INTO ${t.events} (topic_id, seq, txn, key, type, data, tomb, content_type, hash, time, target, reason)
       VALUES ($1, $2, $3, $4, 'invalidate', $13, true, $5, $6, $7, $8, $9)
     ), tx AS (
       INSERT INTO ${t.txns} (topic_id, txn, first_seq, last_seq, count, time, marker, by_name, chain)
       VALUES ($1, $3, $2, $2, 1, $7, true, $14, $15)
     ), tp AS (
       UPDATE ${t.topics} SET max_seq = $2, max_txn = $3, keys = keys + $10,
              invalid_txns = invalid_txns + 1, last_time = $7, head = $15
        WHERE id = $1
     )
     SELECT pg_notify($11, $12)`,
    [
      lock.id,
      seq,
      txn,
      MARKER.key,
      MARKER.contentType,
      MARKER.hash,
      lock.time,
      target,
      reason,
      keysDelta,
      channel,
      notifyPayload(topic, seq),
      MARKER.data,
      by,
      chain,
    ],
  );
  lock.head = chain;
  lock.maxSeq = seq;
  lock.maxTxn = txn;
  return { seq, txn, target, duplicate: false };
}
