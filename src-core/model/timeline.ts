/**
 * The rules of a topic's timeline (`EventStore.timeline`, `GET /v1/topics/{topic}/timeline`), in
 * one place for every backend and the app: reading the options (`from`/`to` as ISO-8601 times,
 * `buckets` within LIMITS), and the bucket plan: the range `[from, to)` (defaults: the topic's
 * first transaction, and one millisecond after its last) cut into equal buckets of a whole number
 * of milliseconds, at most `buckets` of them. A transaction's bucket is
 * `floor((time - from) / bucketMs)`. Commit times never go backwards within a topic
 * (store/prepare.ts `commitTimeMs`), so each bucket holds a contiguous run of transactions. Pure:
 * the renderer imports it for the chart's grid.
 */
import { badRequest } from './errors';
import { LIMITS } from './limits';
import type { Timeline, TimelineBucket, TimelineOptions } from './types';

/** A date, `T`, a time to the minute at least, and `Z` or an offset: what `from` and `to` take. */
const ISO_TIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/** True when every field of a matched time is in range (Date.parse would roll 02-30 over to March). */
function fieldsInRange(m: RegExpExecArray): boolean {
  const [y, mo, d, h, mi, s = 0, oh = 0, om = 0] = m.slice(1).map((x) => (x === undefined ? undefined : Number(x)));
  if (y === undefined || mo === undefined || d === undefined || h === undefined || mi === undefined) return false;
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return mo >= 1 && mo <= 12 && d >= 1 && d <= days && h <= 23 && mi <= 59 && s <= 59 && oh <= 23 && om <= 59;
}

/** Milliseconds since the epoch of an ISO-8601 time, or a BAD_REQUEST naming `path`. */
export function parseIsoTime(v: unknown, path: string): number {
  const m = typeof v === 'string' && v.length <= LIMITS.timeTextMax ? ISO_TIME_RE.exec(v) : null;
  const ms = m !== null && fieldsInRange(m) ? Date.parse(m[0]) : NaN;
  if (!Number.isFinite(ms)) {
    throw badRequest(`${path}: must be an ISO-8601 time such as 2026-01-31T09:30:00.000Z`);
  }
  return ms;
}

/** The options read: bounds in milliseconds (absent: the topic's own), buckets defaulted. */
export interface TimelineRequest {
  buckets: number;
  fromMs?: number;
  toMs?: number;
}

/** Checks a timeline's options, each refusal naming its field. */
export function normalizeTimeline(o: TimelineOptions = {}): TimelineRequest {
  if (typeof o !== 'object' || o === null) throw badRequest('opts: must be an object');
  for (const k of Object.keys(o)) {
    if (k !== 'buckets' && k !== 'from' && k !== 'to') throw badRequest(`${k}: unknown option`);
  }
  const b = o.buckets;
  if (
    b !== undefined &&
    (typeof b !== 'number' || !Number.isSafeInteger(b) || b < 1 || b > LIMITS.timelineBucketsMax)
  ) {
    throw badRequest(`buckets: must be an integer from 1 to ${LIMITS.timelineBucketsMax}`);
  }
  const out: TimelineRequest = { buckets: b ?? LIMITS.timelineBucketsDefault };
  if (o.from !== undefined) out.fromMs = parseIsoTime(o.from, 'from');
  if (o.to !== undefined) out.toMs = parseIsoTime(o.to, 'to');
  if (out.fromMs !== undefined && out.toMs !== undefined && out.fromMs >= out.toMs) {
    throw badRequest('from: must be before to');
  }
  return out;
}

/** The buckets a timeline is cut into: `[fromMs, toMs)` in `count` buckets of `bucketMs`. */
export interface TimelinePlan {
  fromMs: number;
  toMs: number;
  bucketMs: number;
  count: number;
}

/**
 * The plan for a request over a topic whose transactions span `[firstMs, lastMs]` (null: none),
 * or null when the range is unknown or empty (then no bucket can hold a transaction).
 */
export function planTimeline(req: TimelineRequest, firstMs: number | null, lastMs: number | null): TimelinePlan | null {
  const fromMs = req.fromMs ?? firstMs;
  const toMs = req.toMs ?? (lastMs === null ? null : lastMs + 1);
  if (fromMs === null || toMs === null || fromMs >= toMs) return null;
  const bucketMs = Math.max(1, Math.ceil((toMs - fromMs) / req.buckets));
  return { fromMs, toMs, bucketMs, count: Math.ceil((toMs - fromMs) / bucketMs) };
}

/** The bucket a commit time falls in. */
export function bucketIndex(plan: TimelinePlan, timeMs: number): number {
  return Math.floor((timeMs - plan.fromMs) / plan.bucketMs);
}

/** Bucket `i`'s `[start, end)` as ISO times (the end never past the plan's). */
export function bucketRange(plan: TimelinePlan, i: number): Pick<TimelineBucket, 'start' | 'end'> {
  const start = plan.fromMs + i * plan.bucketMs;
  const end = Math.min(start + plan.bucketMs, plan.toMs);
  return { start: new Date(start).toISOString(), end: new Date(end).toISOString() };
}

/** A backend's aggregate of one bucket (its index and counts), as each backend reads it. */
export type BucketCounts = Omit<TimelineBucket, 'start' | 'end'> & { index: number };

/** The contract's bucket from a backend's aggregate row. */
export function timelineBucket(plan: TimelinePlan, c: BucketCounts): TimelineBucket {
  const { index, ...counts } = c;
  return { ...bucketRange(plan, index), ...counts };
}

/** The answer for a plan (null: no range, so no buckets) and the buckets read for it. */
export function timelineOf(topic: string, plan: TimelinePlan | null, buckets: TimelineBucket[]): Timeline {
  if (plan === null) return { topic, from: null, to: null, bucketMs: null, buckets: [] };
  return {
    topic,
    from: new Date(plan.fromMs).toISOString(),
    to: new Date(plan.toMs).toISOString(),
    bucketMs: plan.bucketMs,
    buckets,
  };
}
