/**
 * `timeline` on PostgreSQL: the bucket plan of model/timeline.ts over the topic's first
 * transaction (a primary-key lookup) and its maintained `last_time`, then one aggregate statement
 * over the txns primary key (topic_id, txn). Times are stored as ISO-8601 text, which sorts as
 * time, so the range is a text comparison and only the bucket needs the time in milliseconds.
 * The biggest transaction of each bucket (the lowest on a tie) is then found by a primary-key range
 * scan of that bucket's own transactions (`txn BETWEEN firstTxn AND lastTxn`), as on SQLite: an
 * `array_agg(… ORDER BY …)` per bucket would sort every transaction of the range again.
 */
import { normalizeTimeline, planTimeline, timelineOf } from '../../model/timeline';
import type { Timeline, TimelineOptions } from '../../model/types';
import { validateTopic } from '../../model/validate';
import { type TimelineRow, timelineFromRows } from '../timeline-row';
import { query, type Db } from './db';

export async function timeline(db: Db, topic: string, opts?: TimelineOptions): Promise<Timeline> {
  validateTopic(topic);
  const req = normalizeTimeline(opts);
  const t = db.t;
  const ends = await query<{ id: number; first: string | null; last: string | null }>(
    db,
    `SELECT id, (SELECT time FROM ${t.txns} x WHERE x.topic_id = p.id ORDER BY txn LIMIT 1) AS first, last_time AS last
       FROM ${t.topics} p WHERE topic = $1`,
    [topic],
  );
  const top = ends[0];
  const ms = (v: string | null | undefined): number | null => (v === null || v === undefined ? null : Date.parse(v));
  const plan = planTimeline(req, ms(top?.first), ms(top?.last));
  if (top === undefined || plan === null) return timelineOf(topic, plan, []);
  const rows = await query<TimelineRow>(
    db,
    `WITH g AS (
       SELECT ((extract(epoch FROM time::timestamptz) * 1000)::bigint - $2::bigint) / $3::bigint AS b,
              count(*)::bigint AS txns, sum(count)::bigint AS events,
              count(*) FILTER (WHERE invalidated_by IS NOT NULL)::bigint AS invalidated,
              coalesce(sum(count) FILTER (WHERE invalidated_by IS NOT NULL), 0)::bigint AS invalid_events,
              count(*) FILTER (WHERE marker)::bigint AS markers,
              min(txn) AS first_txn, max(txn) AS last_txn, max(count)::bigint AS max_events
         FROM ${t.txns}
        WHERE topic_id = $1 AND time >= $4 AND time < $5
        GROUP BY 1
     )
     SELECT g.*, (
       SELECT x.txn FROM ${t.txns} x
        WHERE x.topic_id = $1 AND x.txn BETWEEN g.first_txn AND g.last_txn AND x.count = g.max_events
          AND x.time >= $4 AND x.time < $5
          AND ((extract(epoch FROM x.time::timestamptz) * 1000)::bigint - $2::bigint) / $3::bigint = g.b
        ORDER BY x.txn LIMIT 1
     ) AS max_events_txn
     FROM g ORDER BY g.b`,
    [top.id, plan.fromMs, plan.bucketMs, new Date(plan.fromMs).toISOString(), new Date(plan.toMs).toISOString()],
  );
  return timelineFromRows(topic, plan, rows);
}
