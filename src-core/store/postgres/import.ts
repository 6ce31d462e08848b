/**
 * The PostgreSQL import path (`importTxns`, API.md "Integrity"), apart from the append path: one
 * database transaction per group of given transactions, holding the topic's row lock (write.ts
 * `lockTopics`) like every writer. Each transaction is checked against the locked row
 * (store/import-check.ts: shape, numbering, chain recomputed, what PostgreSQL can hold, the
 * source's invalidation claims; a marker's target read here) and then stored exactly as given:
 * events, heads rows (both surfaces), its txn row and the topic's counters in one statement with
 * the commit notification; a marker goes through the existing invalidation (invalidate.ts) at the
 * given time. A refused transaction ends the group with the ones before it committed.
 */
import type pg from 'pg';
import { conflict, hasErrorCode, markerNotInvalidatable, noSuchTxn, toBatchError } from '../../model/errors';
import type { BatchError } from '../../model/types';
import { type CheckedTxn, checkImportTxn } from '../import-check';
import type { ImportClaims } from '../import-run';
import type { Tables } from './db';
import { applyInvalidation } from './invalidate';
import { type LockedTopic, lockTopics, notifyPayload } from './write';

export interface PgGroupResult {
  imported: number;
  error: BatchError | null;
  /** The claims as they stand after this group (the caller keeps them only if it committed). */
  claims: ImportClaims;
}

/** Imports `group` (the import's transactions from index `offset`) inside the open transaction `c`. */
export async function importGroupPg(
  c: pg.PoolClient,
  t: Tables,
  channel: string,
  topic: string,
  group: readonly unknown[],
  offset: number,
  before: ImportClaims,
): Promise<PgGroupResult> {
  const claims = before.clone();
  let lock = (await lockTopics(c, t, [topic], false)).get(topic);
  let lastMs = lock === undefined ? null : await lastTimeMs(c, t, lock.id);
  for (let i = 0; i < group.length; i++) {
    let x: CheckedTxn;
    try {
      x = checkImportTxn(
        topic,
        group[i],
        { maxTxn: lock?.maxTxn ?? 0, maxSeq: lock?.maxSeq ?? 0, head: lock?.head ?? null, lastTimeMs: lastMs },
        'postgres',
      );
      claims.check(x);
      if (x.marker !== null) await checkTarget(c, t, topic, lock, x);
    } catch (err) {
      if (!hasErrorCode(err)) throw err;
      return { imported: i, error: toBatchError(offset + i, err), claims };
    }
    lock ??= (await lockTopics(c, t, [topic], true)).get(topic)!;
    if (x.marker !== null) {
      lock.time = x.time;
      const res = await applyInvalidation(c, t, channel, lock, {
        topic,
        target: x.marker.target,
        reason: x.marker.reason,
        by: x.by,
      });
      if (res.duplicate || res.seq !== x.firstSeq || lock.head !== x.chain) {
        throw new Error(`import: the marker of txn ${x.txn} was stored differently from the checked one`);
      }
    } else {
      await writeTxn(c, t, channel, topic, lock, x);
    }
    lastMs = x.timeMs;
    claims.note(x);
  }
  return { imported: group.length, error: null, claims };
}

async function lastTimeMs(c: pg.PoolClient, t: Tables, id: number): Promise<number | null> {
  const r = await c.query<{ last_time: string | null }>(`SELECT last_time FROM ${t.topics} WHERE id = $1`, [id]);
  const v = r.rows[0]?.last_time ?? null;
  return v === null ? null : Date.parse(v);
}

async function checkTarget(
  c: pg.PoolClient,
  t: Tables,
  topic: string,
  lock: LockedTopic | undefined,
  x: CheckedTxn,
): Promise<void> {
  const target = x.marker!.target;
  if (lock === undefined) throw noSuchTxn(topic, target);
  const r = await c.query<{ marker: boolean; invalidated_by: number | null }>(
    `SELECT marker, invalidated_by FROM ${t.txns} WHERE topic_id = $1 AND txn = $2`,
    [lock.id, target],
  );
  const row = r.rows[0];
  if (row === undefined) throw noSuchTxn(topic, target);
  if (row.marker) throw markerNotInvalidatable(target);
  if (row.invalidated_by !== null) {
    throw conflict(`txn ${x.txn}: transaction ${target} is already invalidated (by seq ${row.invalidated_by})`);
  }
}

/** One plain transaction as given: events, heads rows, txn row and counters in one statement. */
async function writeTxn(
  c: pg.PoolClient,
  t: Tables,
  channel: string,
  topic: string,
  lock: LockedTopic,
  x: CheckedTxn,
): Promise<void> {
  // The last event of each key is its new head (both surfaces: the transaction is valid now).
  const last = new Map<string, CheckedTxn['events'][number]>();
  for (const e of x.events) last.set(e.key, e);
  const keys = [...last.keys()];
  const was = await c.query<{ key: string; valid_tomb: boolean | null }>(
    `SELECT key, valid_tomb FROM ${t.heads} WHERE topic_id = $1 AND key = ANY($2::text[] COLLATE "C")`,
    [lock.id, keys],
  );
  const liveBefore = new Map<string, boolean>();
  for (const r of was.rows) liveBefore.set(r.key, r.valid_tomb === false);
  let keysDelta = 0;
  for (const [k, e] of last) keysDelta += (e.tomb ? 0 : 1) - (liveBefore.get(k) === true ? 1 : 0);
  const ev = x.events;
  const heads = [...last.values()];
  await c.query(
    `WITH ev AS (
       INSERT INTO ${t.events} (topic_id, seq, txn, key, type, data, tomb, content_type, hash, time)
       SELECT $1, u.s, $2, u.k, 'event', u.d, u.tb, u.ct, u.h, $3
         FROM unnest($4::bigint[], $5::text[], $6::text[], $7::bool[], $8::text[], $9::text[]) AS u(s, k, d, tb, ct, h)
     ), hd AS (
       INSERT INTO ${t.heads} AS x (topic_id, key, raw_seq, raw_txn, raw_tomb, valid_seq, valid_txn, valid_hash, valid_tomb)
       SELECT $1, u.k, u.s, $2, u.tb, u.s, $2, u.h, u.tb
         FROM unnest($10::text[], $11::bigint[], $12::text[], $13::bool[]) AS u(k, s, h, tb)
       ON CONFLICT (topic_id, key) DO UPDATE SET
         raw_seq = EXCLUDED.raw_seq, raw_txn = EXCLUDED.raw_txn, raw_tomb = EXCLUDED.raw_tomb,
         valid_seq = EXCLUDED.valid_seq, valid_txn = EXCLUDED.valid_txn,
         valid_hash = EXCLUDED.valid_hash, valid_tomb = EXCLUDED.valid_tomb
     ), tx AS (
       INSERT INTO ${t.txns} (topic_id, txn, first_seq, last_seq, count, time, marker, meta, by_name, chain)
       VALUES ($1, $2, $14, $15, $16, $3, false, $17, $18, $19)
     ), tp AS (
       UPDATE ${t.topics} SET max_seq = $15, max_txn = $2, keys = keys + $20, last_time = $3, head = $19 WHERE id = $1
     )
     SELECT pg_notify($21, $22)`,
    [
      lock.id,
      x.txn,
      x.time,
      ev.map((e) => e.seq),
      ev.map((e) => e.key),
      ev.map((e) => e.data),
      ev.map((e) => e.tomb),
      ev.map((e) => e.contentType),
      ev.map((e) => e.hash),
      heads.map((e) => e.key),
      heads.map((e) => e.seq),
      heads.map((e) => e.hash),
      heads.map((e) => e.tomb),
      x.firstSeq,
      x.lastSeq,
      x.events.length,
      x.meta,
      x.by,
      x.chain,
      keysDelta,
      channel,
      notifyPayload(topic, x.lastSeq),
    ],
  );
  lock.maxSeq = x.lastSeq;
  lock.maxTxn = x.txn;
  lock.head = x.chain;
}
