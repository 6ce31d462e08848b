/**
 * `timeline` on SQLite: the bucket plan of model/timeline.ts over the topic's first transaction
 * (a primary-key lookup) and its maintained `last_time`, then one aggregate statement
 * (statements.ts `timeline`) over the txns primary key. Times are stored as milliseconds, so the
 * bucket is integer arithmetic in SQL.
 */
import { normalizeTimeline, planTimeline, timelineOf } from '../../model/timeline';
import type { Timeline, TimelineOptions } from '../../model/types';
import { validateTopic } from '../../model/validate';
import { timelineFromRows } from '../timeline-row';
import type { ReadContext } from './read';

export function timeline({ st }: ReadContext, topic: string, opts?: TimelineOptions): Timeline {
  validateTopic(topic);
  const req = normalizeTimeline(opts);
  const t = st.topicRow.get(topic);
  const first = t ? (st.firstTxnTime.get(t.id) ?? null) : null;
  const plan = planTimeline(req, first, t?.last_time ?? null);
  if (t === undefined || plan === null) return timelineOf(topic, plan, []);
  return timelineFromRows(
    topic,
    plan,
    st.timeline.all({ topic: t.id, from: plan.fromMs, to: plan.toMs, bms: plan.bucketMs }),
  );
}
