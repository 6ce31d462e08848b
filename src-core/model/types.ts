/**
 * The shapes of the Tidemark contract (`shared/API.md`), shared by every backend, the HTTP
 * server and client, the Electron bridge and the renderer. Pure types only: this file is imported
 * by the browser build, so it must not touch Node APIs. The options and requests operations take
 * are `z.infer` of their one declaration in options.ts.
 */
import type { z } from 'zod';
import type {
  appendOptionsSchema,
  appendRequestSchema,
  eventInputSchema,
  invalidateOptionsSchema,
  listTxnsOptionsSchema,
  orderSchema,
  readEventsOptionsSchema,
  surfaceOptionsSchema,
  surfaceViewSchema,
  timelineOptionsSchema,
} from './options';

/** Any JSON value. `null` as event data is a tombstone. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export type EventType = 'event' | 'invalidate';

/** A JSON object (a write's `meta`). */
export type JsonObject = { [key: string]: JsonValue };

/** One stored entry of a topic's log. */
export interface StoredEvent {
  topic: string;
  seq: number;
  txn: number;
  key: string;
  type: EventType;
  data: JsonValue;
  contentType: string;
  hash: string;
  /** Commit time, ISO-8601 UTC with milliseconds. */
  time: string;
  /** Only on invalidation markers: the transaction they invalidate. */
  target?: number;
  /** Only on invalidation markers. */
  reason?: string;
  /** Added field: present (true) when the event's transaction has been invalidated. */
  invalid?: true;
}

export interface TopicInfo {
  topic: string;
  /** Entries in the log, invalidation markers included; equals `maxSeq`. */
  events: number;
  /** Rows in the valid surface. */
  keys: number;
  maxSeq: number;
  maxTxn: number;
  invalidTxns: number;
  lastTime: string | null;
  /** The chain of the last transaction (docs/integrity.md), or null for a topic without one. */
  head: string | null;
}

export interface TxnInfo {
  txn: number;
  firstSeq: number;
  lastSeq: number;
  count: number;
  time: string;
  /** Seq of the invalidation marker that invalidated this transaction, or null. */
  invalidatedBy: number | null;
  reason: string | null;
  /** The writer's `meta` object, or null (always null on a marker). */
  meta: JsonObject | null;
  /** Who wrote this transaction (or, on a marker, invalidated its target), or null. */
  by: string | null;
  /** Added field: true when this transaction is itself an invalidation marker. */
  marker?: boolean;
  /**
   * SHA-256 over the previous transaction's chain and this transaction's content in the canonical
   * byte layout of docs/integrity.md (lowercase hex, 64 digits).
   */
  chain: string;
}

export interface TxnDetail extends TxnInfo {
  events: StoredEvent[];
}

export interface SurfaceRow {
  key: string;
  seq: number;
  txn: number;
  hash: string;
  data: JsonValue;
  time: string;
  /** Only in `view=raw`, on rows from invalidated transactions. */
  invalid?: true;
}

/** One event as a writer sends it (model/options.ts `eventInputSchema`). */
export type EventInput = z.infer<typeof eventInputSchema>;

/** One transaction as a writer sends it (model/options.ts `appendRequestSchema`). */
export type AppendRequest = z.infer<typeof appendRequestSchema>;

/** How `append` runs (model/options.ts `appendOptionsSchema`). */
export type AppendOptions = z.infer<typeof appendOptionsSchema>;

/** An invalidation's options beside its reason (model/options.ts `invalidateOptionsSchema`). */
export type InvalidateOptions = z.infer<typeof invalidateOptionsSchema>;

export interface AppendResultItem {
  seq: number;
  txn: number;
  duplicate: boolean;
}

export interface AppendResponse {
  /** The transaction number used, or null when every event was a duplicate. */
  txn: number | null;
  results: AppendResultItem[];
}

export interface BatchTxn extends AppendRequest {
  topic: string;
}

export interface BatchError {
  index: number;
  status: number;
  code: string;
  message: string;
}

export interface BatchResponse {
  results: AppendResponse[];
  error: BatchError | null;
}

/**
 * How `appendBatch` runs. `atomic`: every transaction commits in one database commit or none does
 * (the first failure is answered as `{results: [], error}`, nothing applied). `dryRun`: the write is
 * run and rolled back; the answer is what it would return now. Both default to false.
 */
export interface BatchOptions {
  atomic?: boolean;
  dryRun?: boolean;
}

export interface InvalidateResult {
  seq: number;
  txn: number;
  target: number;
  duplicate: boolean;
}

export type Order = z.infer<typeof orderSchema>;

/** Options of a page of the log (model/options.ts `readEventsOptionsSchema`). */
export type ReadEventsOptions = z.infer<typeof readEventsOptionsSchema>;

export interface EventPage {
  events: StoredEvent[];
  /** Cursor for the next page (pass as `after`, or `before` with desc), or null at the end. */
  next: number | null;
}

/** Options of a page of transactions (model/options.ts `listTxnsOptionsSchema`). */
export type ListTxnsOptions = z.infer<typeof listTxnsOptionsSchema>;

export interface TxnPage {
  txns: TxnInfo[];
  next: number | null;
}

export type SurfaceView = z.infer<typeof surfaceViewSchema>;

/** Options of a page of the surface (model/options.ts `surfaceOptionsSchema`). */
export type SurfaceOptions = z.infer<typeof surfaceOptionsSchema>;

export interface SurfacePage {
  rows: SurfaceRow[];
  next: string | null;
}

/** Options of a topic's timeline (model/options.ts `timelineOptionsSchema`; rules in model/timeline.ts). */
export type TimelineOptions = z.infer<typeof timelineOptionsSchema>;

/**
 * The transactions committed in one time bucket `[start, end)`. Counts include invalidation
 * markers (as `TopicInfo` does), so over the whole topic they sum to its `maxTxn` and `events`.
 */
export interface TimelineBucket {
  /** Inclusive start and exclusive end, ISO-8601 UTC with milliseconds. */
  start: string;
  end: string;
  /** Transactions committed in the bucket, markers included. */
  txns: number;
  /** Events of those transactions (a marker is one). */
  events: number;
  /** Of those transactions, how many are invalid now, and their events. */
  invalidated: number;
  invalidEvents: number;
  /** Of those transactions, how many are invalidation markers. */
  markers: number;
  /** The lowest and highest transaction number in the bucket. */
  firstTxn: number;
  lastTxn: number;
  /** The most events one transaction of the bucket has, and that transaction (the lowest on a tie). */
  maxEvents: number;
  maxEventsTxn: number;
}

/**
 * A topic's transactions over time, aggregated by the store into at most `buckets` equal time
 * buckets of `bucketMs` milliseconds from `from` (inclusive) to `to` (exclusive). Buckets without
 * a transaction are left out. `from`, `to` and `bucketMs` are null only when the range is unknown
 * (no transaction in the topic and no bound given).
 */
export interface Timeline {
  topic: string;
  from: string | null;
  to: string | null;
  bucketMs: number | null;
  buckets: TimelineBucket[];
}

export type DiffStatus = 'equal' | 'different' | 'missingInStore' | 'missingInSnapshot';

export interface DiffSummary {
  equal: number;
  different: number;
  missingInStore: number;
  missingInSnapshot: number;
  snapshotRecords: number;
  surfaceRows: number;
}

export interface DiffRow {
  key: string;
  status: DiffStatus;
  fields: string[];
  store: SurfaceRow | null;
  snapshot: Record<string, JsonValue> | null;
}

/** The topic state a diff compared with: the log up to `maxSeq`, transactions up to `maxTxn`. */
export interface DiffAsOf {
  maxSeq: number;
  maxTxn: number;
}

export interface DiffResult {
  summary: DiffSummary;
  rows: DiffRow[];
  truncated: boolean;
  asOf: DiffAsOf;
}

/** The diff categories a repair may write (docs/diff.md "Repair"). */
export type RepairInclude = 'different' | 'missingInStore' | 'missingInSnapshot';

/** What a repair wrote (or, with `dryRun`, would write). */
export interface RepairResult {
  /** The summary of the diff the repair was built from. */
  summary: DiffSummary;
  /** Events written (duplicates of the current head not counted). */
  written: number;
  /** The transaction numbers used, consecutive (empty when nothing was written). */
  txns: number[];
  /** The first `limit` events written, as stored (with `dryRun`: as they would be stored). */
  events: StoredEvent[];
  /** The topic state the diff compared with (the repair's first transaction was guarded by its maxSeq). */
  asOf: DiffAsOf;
  dryRun: boolean;
}

/** The roles and what each may do live in access.ts. */
export type { Role } from './access';
