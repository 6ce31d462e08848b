/**
 * The one IPC contract between the Electron main process and the preload bridge: a map from
 * channel name (`feature:verb`) to the request payload and the response value, plus a zod schema
 * per channel that main uses to validate every request before a handler sees it (the renderer is
 * untrusted). Push channels (main -> renderer: live events, long-operation progress) are typed
 * here too. Both sides derive their wrappers from these types (GitHub Desktop's ipc-shared.ts
 * idea), so a channel cannot be renamed or reshaped on one side only. Every response travels in an
 * `IpcResult` envelope so error codes survive the boundary. No Electron import: the preload imports
 * this file for types only, main and the tests import the schemas.
 */
import { z } from 'zod';
import type { ErrorBody } from '../src-core/model/errors';
import { LIMITS } from '../src-core/model/limits';
import type {
  Capabilities,
  ConnectionInfo,
  ExportResult,
  InvalidatePreview,
  Progress,
} from '../src-core/model/store-api';
import type {
  AppendResponse,
  DiffResult,
  EventPage,
  InvalidateResult,
  StoredEvent,
  SurfacePage,
  TopicInfo,
  TxnDetail,
  TxnPage,
} from '../src-core/model/types';

/** Ids the preload picks for subscriptions and long operations (unique per window). */
const opId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 characters of A-Z a-z 0-9 _ -');
/** Type and length only: the store's own validation names a bad topic precisely. */
const topic = z.string().min(1).max(LIMITS.topicNameMax);
const seqNo = z.number().int().nonnegative();
const txnNo = z.number().int().positive();
const limit = z.number().int().min(1).max(LIMITS.pageMax);
const color = z
  .string()
  .regex(/^(#[0-9A-Fa-f]{3,8}|[a-z]{3,20})$/, 'must be a #hex colour or a CSS colour name')
  .nullable();
const label = z.string().min(1).max(200);
const connId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a connection id');
const order = z.enum(['asc', 'desc']);

const readEventsOptions = z.strictObject({
  after: seqNo.optional(),
  before: seqNo.optional(),
  limit: limit.optional(),
  order: order.optional(),
  key: z.string().min(1).max(LIMITS.keyMax).optional(),
  txn: txnNo.optional(),
});

const listTxnsOptions = z.strictObject({
  after: seqNo.optional(),
  before: seqNo.optional(),
  limit: limit.optional(),
  order: order.optional(),
});

const surfaceBase = {
  prefix: z.string().max(LIMITS.keyMax).optional(),
  view: z.enum(['valid', 'raw']).optional(),
  asOfTxn: seqNo.optional(),
};

const surfaceOptions = z.strictObject({
  ...surfaceBase,
  after: z.string().max(LIMITS.keyMax).optional(),
  limit: limit.optional(),
});

const eventInput = z.strictObject({
  key: z.string(),
  data: z.json(),
  contentType: z.string().optional(),
  hash: z.string().optional(),
});

const appendRequest = z.strictObject({
  events: z.array(eventInput).min(1).max(LIMITS.eventsPerTxnMax),
  expectMaxSeq: seqNo.optional(),
});

const bytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'must be bytes (a Uint8Array)');

/** Where main reads a diff snapshot from: a path the preload got from a File, or the bytes. */
const snapshotSource = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('path'), path: z.string().min(1).max(4096) }),
  z.strictObject({ kind: z.literal('bytes'), bytes }),
]);

const fieldName = z.string().min(1).max(LIMITS.keyMax);

/** Request schemas, one per channel. `z.undefined()` means the channel takes no payload. */
export const requestSchemas = {
  'app:capabilities': z.undefined(),
  'conn:current': z.undefined(),
  'conn:recent': z.undefined(),
  'conn:openFile': z.strictObject({
    path: z.string().min(1).max(4096).optional(),
    create: z.boolean().optional(),
    readOnly: z.boolean().optional(),
    color: color.optional(),
  }),
  'conn:connectServer': z.strictObject({
    url: z.string().min(1).max(2048),
    token: z.string().min(1).max(4096).optional(),
    label: label.optional(),
    readOnly: z.boolean().optional(),
    color: color.optional(),
  }),
  'conn:reconnect': z.strictObject({ id: connId }),
  'conn:update': z.strictObject({
    id: connId,
    patch: z.strictObject({ label: label.optional(), readOnly: z.boolean().optional(), color: color.optional() }),
  }),
  'conn:forget': z.strictObject({ id: connId }),
  'topics:list': z.undefined(),
  'topics:info': z.strictObject({ topic }),
  'events:read': z.strictObject({ topic, opts: readEventsOptions.optional() }),
  'events:append': z.strictObject({ topic, req: appendRequest }),
  'txns:list': z.strictObject({ topic, opts: listTxnsOptions.optional() }),
  'txn:get': z.strictObject({ topic, txn: txnNo }),
  'txn:previewInvalidate': z.strictObject({ topic, txn: txnNo, limit: limit.optional() }),
  'txn:invalidate': z.strictObject({ topic, txn: txnNo, reason: z.string().min(1).max(LIMITS.reasonMax) }),
  'surface:page': z.strictObject({ topic, opts: surfaceOptions.optional() }),
  'sample:load': z.undefined(),
  'diff:run': z.strictObject({
    opId,
    topic,
    source: snapshotSource,
    fileName: z.string().max(1024),
    format: z.enum(['csv', 'json', 'ndjson']).optional(),
    keyField: fieldName.optional(),
    fields: z.array(fieldName).max(1000).optional(),
    ignore: z.array(fieldName).max(1000).optional(),
    limit: z.number().int().min(0).max(1_000_000).optional(),
  }),
  'diff:cancel': z.strictObject({ opId }),
  'export:surface': z.strictObject({
    opId,
    topic,
    req: z.strictObject({ ...surfaceBase, format: z.enum(['csv', 'ndjson']) }),
  }),
  'export:cancel': z.strictObject({ opId }),
  'live:subscribe': z.strictObject({ subId: opId, topic, after: seqNo }),
  'live:unsubscribe': z.strictObject({ subId: opId }),
} as const;

export type Channel = keyof typeof requestSchemas;
export type RequestOf<C extends Channel> = z.infer<(typeof requestSchemas)[C]>;

/** What each channel's handler resolves to (the `value` of a successful envelope). */
export interface ResponseMap {
  'app:capabilities': Capabilities;
  'conn:current': ConnectionInfo | null;
  'conn:recent': ConnectionInfo[];
  'conn:openFile': ConnectionInfo | null;
  'conn:connectServer': ConnectionInfo;
  'conn:reconnect': ConnectionInfo;
  'conn:update': ConnectionInfo;
  'conn:forget': null;
  'topics:list': TopicInfo[];
  'topics:info': TopicInfo;
  'events:read': EventPage;
  'events:append': AppendResponse;
  'txns:list': TxnPage;
  'txn:get': TxnDetail;
  'txn:previewInvalidate': InvalidatePreview;
  'txn:invalidate': InvalidateResult;
  'surface:page': SurfacePage;
  'sample:load': { topic: string };
  'diff:run': DiffResult;
  'diff:cancel': null;
  'export:surface': ExportResult;
  'export:cancel': null;
  'live:subscribe': null;
  'live:unsubscribe': null;
}

export type ResponseOf<C extends Channel> = ResponseMap[C];

/** The envelope every invoke resolves to; errors carry a code from src-core/model/errors.ts. */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: ErrorBody };

/** Push channels: main -> renderer, addressed by the id the preload chose. */
export interface PushMap {
  'live:events': { subId: string; events: StoredEvent[] };
  'live:error': { subId: string; error: ErrorBody };
  'op:progress': { opId: string; progress: Progress };
}
export type PushChannel = keyof PushMap;

export const CHANNELS = Object.keys(requestSchemas) as Channel[];
