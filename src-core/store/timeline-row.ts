/**
 * The row both SQL backends' timeline statement answers per time bucket (the same column names
 * on SQLite and PostgreSQL) and how the rows become a `Timeline` (model/timeline.ts's plan gives
 * each bucket its range).
 */
import { type TimelinePlan, timelineBucket, timelineOf } from '../model/timeline';
import type { Timeline } from '../model/types';

export interface TimelineRow {
  /** The bucket's index in the plan. */
  b: number;
  txns: number;
  events: number;
  invalidated: number;
  invalid_events: number;
  markers: number;
  first_txn: number;
  last_txn: number;
  max_events: number;
  max_events_txn: number;
}

export function timelineFromRows(topic: string, plan: TimelinePlan, rows: TimelineRow[]): Timeline {
  return timelineOf(
    topic,
    plan,
    rows.map((r) =>
      timelineBucket(plan, {
        index: r.b,
        txns: r.txns,
        events: r.events,
        invalidated: r.invalidated,
        invalidEvents: r.invalid_events,
        markers: r.markers,
        firstTxn: r.first_txn,
        lastTxn: r.last_txn,
        maxEvents: r.max_events,
        maxEventsTxn: r.max_events_txn,
      }),
    ),
  );
}
