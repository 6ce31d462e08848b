/**
 * The per-topic row lock every PostgreSQL writer takes (write.ts, import.ts, invalidate.ts):
 * `SELECT ... FOR UPDATE` in name order, inserting missing rows first with ON CONFLICT DO NOTHING,
 * and the commit time it decides (the database clock, never earlier than the topic's last).
 */
import type pg from 'pg';
import { commitTimeMs } from '../prepare';
import type { Tables } from './db';
import { prepared } from './named-statement';
import { sendSchemaCheck } from './schema';

export interface LockedTopic {
  id: number;
  topic: string;
  maxSeq: number;
  maxTxn: number;
  /** Commit time of this transaction: the database clock, never earlier than the topic's last. */
  time: string;
  /** The chain of the topic's last transaction (store/chain.ts), or null before its first. */
  head: string | null;
}

export interface TopicLockRow {
  id: number;
  topic: string;
  max_seq: number;
  max_txn: number;
  last_time: string | null;
  head: string | null;
  now_ms: number;
}

function commitTime(row: TopicLockRow): string {
  const last = row.last_time === null ? null : Date.parse(row.last_time);
  return new Date(commitTimeMs(Math.floor(row.now_ms), last)).toISOString();
}

/**
 * Locks the rows of `topics` (created when missing) in name order, so two transactions that touch
 * the same topics cannot deadlock. With `create: false` a missing topic is simply absent.
 */
export function lockSql(t: Tables): string {
  return `SELECT id, topic, max_seq, max_txn, last_time, head, extract(epoch FROM clock_timestamp()) * 1000 AS now_ms
            FROM ${t.topics} WHERE topic = ANY($1::text[] COLLATE "C") ORDER BY topic FOR UPDATE`;
}

export async function createAndLock(
  c: pg.PoolClient,
  t: Tables,
  names: string[],
  locked: TopicLockRow[],
): Promise<TopicLockRow[]> {
  const have = new Set(locked.map((r) => r.topic));
  const missing = names.filter((n) => !have.has(n));
  await c.query(`INSERT INTO ${t.topics} (topic) SELECT unnest($1::text[]) ORDER BY 1 ON CONFLICT (topic) DO NOTHING`, [
    missing,
  ]);
  return (await c.query<TopicLockRow>(prepared(lockSql(t), [names]))).rows;
}

/**
 * Locks the rows of `topics` in name order, so two transactions that touch the same topics cannot
 * deadlock. With `create: false` a missing topic is simply absent from the result.
 */
export async function lockTopics(
  c: pg.PoolClient,
  t: Tables,
  topics: string[],
  create = true,
): Promise<Map<string, LockedTopic>> {
  const names = [...new Set(topics)].sort();
  const lockP = c.query<TopicLockRow>(prepared(lockSql(t), [names]));
  const schema = sendSchemaCheck(c, t);
  let rows = (await lockP).rows;
  await schema;
  if (create && rows.length < names.length) rows = await createAndLock(c, t, names, rows);
  return locksOf(rows);
}

export function locksOf(rows: TopicLockRow[]): Map<string, LockedTopic> {
  const out = new Map<string, LockedTopic>();
  for (const r of rows) {
    out.set(r.topic, {
      id: r.id,
      topic: r.topic,
      maxSeq: r.max_seq,
      maxTxn: r.max_txn,
      time: commitTime(r),
      head: r.head,
    });
  }
  return out;
}
