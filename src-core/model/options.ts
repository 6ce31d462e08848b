/**
 * The data every operation takes, declared once as zod schemas: the option objects of the reads
 * (events, transactions, surface), the append request, an invalidation's reason, a preview's
 * limit, a surface export's request, a diff's parameters other than the file, and the connection
 * requests of the desktop app. The types in model/types.ts and model/store-api.ts are `z.infer` of
 * these, the operation table (signatures.ts) builds each `StoreApi` method's argument list from
 * them, the Electron IPC contract validates requests with that table, the server's route table
 * takes its query parameters' names and bounds from them (server/query-schema.ts), and the HTTP
 * clients serialise exactly their keys (`*_KEYS`, listed zod-free in option-keys.ts for the browser
 * bundle, pinned to these schemas). A field added here reaches every caller; none of
 * them lists fields by hand, so none can drop one silently. Objects are strict: an unknown field is
 * refused, naming it. Type and length checks only where the store has a precise check of its own
 * (topic names, keys, event data): the store's message names the problem better.
 */
import { z } from 'zod';
import { LIMITS } from './limits';
import { isSha256Hex } from './validate';
import type { JsonValue } from './types';

/** A topic name: type and length; the store's own validation names a bad one precisely. */
export const topicNameSchema = z.string().min(1).max(LIMITS.topicNameMax);
/** A seq (or a transaction number used as a bound): 0 means "before everything". */
export const seqNoSchema = z.number().int().min(0);
/** A transaction number. */
export const txnNoSchema = z.number().int().min(1);
/** Rows or events per page (and rows listed by an invalidation preview). */
export const pageLimitSchema = z.number().int().min(1).max(LIMITS.pageMax);
export const orderSchema = z.enum(['asc', 'desc']);
export const surfaceViewSchema = z.enum(['valid', 'raw']);
/** Any JSON value (structured clone can carry more: Dates, Maps, undefined, which are refused). */
export const jsonValueSchema: z.ZodType<JsonValue> = z.json();
/** Who made a write or an invalidation (a token's name over HTTP). */
export const byNameSchema = z.string().min(1).max(LIMITS.byMax);

export const readEventsOptionsSchema = z.strictObject({
  /** Exclusive lower bound (asc). Default 0. */
  after: seqNoSchema.optional(),
  /** Exclusive upper bound (desc). Default: none (newest). */
  before: seqNoSchema.optional(),
  limit: pageLimitSchema.optional(),
  order: orderSchema.optional(),
  /** Only the events of this key. */
  key: z.string().min(1).max(LIMITS.keyMax).optional(),
  /** Only the events of this transaction. */
  txn: txnNoSchema.optional(),
});

export const listTxnsOptionsSchema = z.strictObject({
  after: seqNoSchema.optional(),
  before: seqNoSchema.optional(),
  limit: pageLimitSchema.optional(),
  order: orderSchema.optional(),
  /** Only the transactions whose `by` is this (on markers: who invalidated). */
  by: byNameSchema.optional(),
});

/** The surface selection shared by a surface page and a surface export. */
export const surfaceSelectionShape = {
  /** Only keys starting with this ('' is every key). */
  prefix: z.string().max(LIMITS.keyMax).optional(),
  view: surfaceViewSchema.optional(),
  /** The surface as it stood right after this transaction (validity as now). */
  asOfTxn: seqNoSchema.optional(),
};

export const surfaceOptionsSchema = z.strictObject({
  /** Exclusive key cursor (a page's `next`; keys are never empty, so neither is a cursor). */
  after: z.string().min(1).max(LIMITS.keyMax).optional(),
  limit: pageLimitSchema.optional(),
  ...surfaceSelectionShape,
});

/** An ISO-8601 time (`2026-11-30T12:00:00.000Z`; model/timeline.ts reads it and names a bad one). */
export const isoTimeSchema = z.string().min(1).max(LIMITS.timeTextMax);

/** A topic's timeline: transactions per time bucket (model/timeline.ts has the rules). */
export const timelineOptionsSchema = z.strictObject({
  /** Most buckets the range is cut into (default LIMITS.timelineBucketsDefault). */
  buckets: z.number().int().min(1).max(LIMITS.timelineBucketsMax).optional(),
  /** Inclusive start (default: the topic's first transaction). */
  from: isoTimeSchema.optional(),
  /** Exclusive end (default: just after the topic's last transaction). */
  to: isoTimeSchema.optional(),
});

/** One event as a writer sends it. */
export const eventInputSchema = z.strictObject({
  key: z.string(),
  /** `null` is a tombstone. */
  data: jsonValueSchema,
  contentType: z.string().optional(),
  hash: z.string().optional(),
});

export const appendRequestSchema = z.strictObject({
  events: z.array(eventInputSchema).min(1).max(LIMITS.eventsPerTxnMax),
  /** Optimistic concurrency: fail with CONFLICT unless the topic's max seq equals this. */
  expectMaxSeq: seqNoSchema.optional(),
  /** Why: a JSON object stored with the transaction (at most LIMITS.metaBytesMax as canonical JSON). */
  meta: z.record(z.string(), jsonValueSchema).nullable().optional(),
  /**
   * Who: stored with the transaction. Embedded callers only; over HTTP the server sets it from the
   * token's name, and a request carrying it is refused (docs/engine.md, "Who and why").
   */
  by: byNameSchema.nullable().optional(),
});

/** How `append` runs: `dryRun` answers what the write would return and writes nothing. */
export const appendOptionsSchema = z.strictObject({
  dryRun: z.boolean().optional(),
});

/** An invalidation's options beside its reason (embedded callers; over HTTP the server sets `by`). */
export const invalidateOptionsSchema = z.strictObject({
  by: byNameSchema.nullable().optional(),
});

/** The options of an invalidation preview (positional in `StoreApi`, a query over HTTP). */
export const previewInvalidationOptionsSchema = z.strictObject({
  /** Changed rows listed (the count of keys touched is always complete). */
  limit: pageLimitSchema.optional(),
});

/** Why a transaction is invalidated (stored on its marker). */
export const invalidateReasonSchema = z.string().min(1).max(LIMITS.reasonMax);

/** A writer's note (`meta.note` of a transaction written from the app, or of a re-publish). */
export const noteSchema = z.string().min(1).max(LIMITS.reasonMax);

/**
 * A re-publish (services/republish.ts): an optional note, who (embedded callers; over HTTP the
 * server sets it from the token), and the state the person previewed (`expectMaxSeq`: CONFLICT and
 * nothing written when the topic has moved on since).
 */
export const republishOptionsSchema = z.strictObject({
  note: noteSchema.optional(),
  by: byNameSchema.nullable().optional(),
  expectMaxSeq: seqNoSchema.optional(),
});

/**
 * A change to the app's settings. `by`: the writer name the desktop app records on a local file;
 * an empty string or null goes back to the default (the OS user name).
 */
export const settingsPatchSchema = z.strictObject({
  by: z.string().max(LIMITS.byMax).nullable().optional(),
});

export const exportFormatSchema = z.enum(['csv', 'ndjson']);

/** A whole-surface export: the surface selection (no cursor, no page size) and a file format. */
export const exportSurfaceRequestSchema = z.strictObject({
  format: exportFormatSchema,
  ...surfaceSelectionShape,
});

export const snapshotFormatSchema = z.enum(['csv', 'json', 'ndjson']);
/** A snapshot field name. */
const fieldNameSchema = z.string().min(1).max(LIMITS.keyMax);
const fieldListSchema = z.array(fieldNameSchema).max(LIMITS.diffFieldsMax);

/** The words a diff's `normalise` takes (their meaning: src-core/diff/rules.ts). */
export const normaliseRuleSchema = z.enum(['trim', 'case']);
const fieldRecord = <V extends z.ZodType>(value: V) =>
  z.record(fieldNameSchema, value).refine((r) => Object.keys(r).length <= LIMITS.diffFieldsMax, {
    message: `at most ${LIMITS.diffFieldsMax} fields`,
  });

/** What a diff takes beside the snapshot file itself. */
export const diffParamsSchema = z.strictObject({
  /** The file name, used to detect the format when `format` is omitted. */
  fileName: z.string().max(1024),
  format: snapshotFormatSchema.optional(),
  /** The snapshot field holding the key (default `key`). */
  keyField: fieldNameSchema.optional(),
  /** Fields to compare (default: every snapshot field but the key). */
  fields: fieldListSchema.optional(),
  /** Fields never compared. */
  ignore: fieldListSchema.optional(),
  /** Rows returned; the summary is always complete. */
  limit: z.number().int().min(0).max(LIMITS.diffRowsMax).optional(),
  /** Compare with the surface as it stood right after this transaction. */
  asOfTxn: seqNoSchema.optional(),
  /** Snapshot field -> store field, renamed before comparing (docs/diff.md, "Options"). */
  map: fieldRecord(fieldNameSchema).optional(),
  /** Two numbers within this are equal: one for every field, or per field. */
  tolerance: z.union([z.number().min(0), fieldRecord(z.number().min(0))]).optional(),
  /** Applied to strings on both sides: `trim`, `case`. */
  normalise: z.array(normaliseRuleSchema).max(2).optional(),
});

/** The diff categories a repair may write (API.md "Repair"). */
export const repairIncludeSchema = z.enum(['different', 'missingInStore', 'missingInSnapshot']);

/**
 * What a repair takes beside the snapshot file: the diff's parameters (no `asOfTxn`: a repair
 * writes over the topic as it is now), the categories to write, the reason, a dry run, the topic
 * state the person reviewed, and the chosen keys (none: every key of the included categories).
 */
export const repairParamsSchema = diffParamsSchema.omit({ asOfTxn: true }).extend({
  /** Default `different`, `missingInStore`. */
  include: z.array(repairIncludeSchema).min(1).max(3).optional(),
  /** Why (stored in every repair transaction's `meta.repair`). */
  reason: invalidateReasonSchema,
  /** Answer with what would be written; write nothing. */
  dryRun: z.boolean().optional(),
  /** CONFLICT, nothing written, unless the topic's max seq is still this (the reviewed diff's `asOf.maxSeq`). */
  expectMaxSeq: seqNoSchema.optional(),
  /** Only these keys (of the included categories). */
  keys: z.array(z.string().min(1).max(LIMITS.keyMax)).min(1).max(LIMITS.repairEventsMax).optional(),
});

/** Id of a remembered connection. */
export const connectionIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a connection id');
/** A connection's colour in the status bar: a CSS colour, or null for none. */
export const connectionColorSchema = z
  .string()
  .regex(/^(#[0-9A-Fa-f]{3,8}|[a-z]{3,20})$/, 'must be a #hex colour or a CSS colour name')
  .nullable();
const connectionLabelSchema = z.string().min(1).max(200);

export const openFileRequestSchema = z.strictObject({
  /** Omit to let Electron show a native dialog. */
  path: z.string().min(1).max(4096).optional(),
  /** Create a new store file (a save dialog in Electron). */
  create: z.boolean().optional(),
  readOnly: z.boolean().optional(),
  color: connectionColorSchema.optional(),
});

export const connectServerRequestSchema = z.strictObject({
  url: z.string().min(1).max(2048),
  token: z.string().min(1).max(4096).optional(),
  label: connectionLabelSchema.optional(),
  readOnly: z.boolean().optional(),
  color: connectionColorSchema.optional(),
});

export const connectionPatchSchema = z.strictObject({
  label: connectionLabelSchema.optional(),
  readOnly: z.boolean().optional(),
  color: connectionColorSchema.optional(),
});

// ---- compare (the app's "Compare with…", services/compare.ts) ----

/**
 * Compare the open connection's logs with another remembered connection's (desktop only: the
 * browser cannot reach a second server, docs/renderer.md): every topic either has, or only `topic`.
 */
export const compareWithRequestSchema = z.strictObject({
  connectionId: connectionIdSchema,
  topic: topicNameSchema.optional(),
});

/** The option names each read serialises (query parameters over HTTP): listed without zod, pinned to these schemas. */
export {
  EXPORT_SURFACE_REQUEST_KEYS,
  LIST_TXNS_OPTION_KEYS,
  PREVIEW_INVALIDATION_OPTION_KEYS,
  READ_EVENTS_OPTION_KEYS,
  SURFACE_OPTION_KEYS,
  TIMELINE_OPTION_KEYS,
} from './option-keys';

// --- verify (issue 13) ---
/** A verify request (StoreApi.verify): an anchor, a chain recorded elsewhere, 64 lowercase hex. */
export const verifyRequestSchema = z.strictObject({
  expectHead: z.string().refine(isSha256Hex, 'must be 64 lowercase hex characters (a chain)').optional(),
});
// --- end verify ---
