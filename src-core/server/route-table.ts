/**
 * The table of every HTTP route the server registers: method, path pattern, role, a summary, the
 * query parameters it accepts (name, type, bounds) and what it takes and answers. It is the one
 * declaration of each route's query parameters: `installRouteTable` (route-install.ts) checks every
 * request's query against it before the handler runs (an unknown, repeated or malformed parameter
 * is a 400 naming it, with the messages of params.ts), and the OpenAPI document (openapi.ts, served
 * at `GET /v1/openapi.json`) is generated from it. A route registered under `/v1/` or `/metrics`
 * without an entry here fails at start-up, and a test checks that every entry is registered, so
 * the table, the server and docs/api.md cannot drift apart.
 */
import { LIMITS } from '../model/limits';
import { type Need, type Operation, needOf } from '../model/access';
import {
  exportSurfaceRequestSchema,
  listTxnsOptionsSchema,
  previewInvalidationOptionsSchema,
  readEventsOptionsSchema,
  surfaceOptionsSchema,
  timelineOptionsSchema,
} from '../model/options';
import { type QueryParam, queryOf, seqParam } from './query-schema';
import { DIFF_QUERY, REPAIR_QUERY } from './snapshot-query';

export type Method = 'GET' | 'POST';

export interface RouteBody {
  /** Media types accepted, each with the component schema it follows (null: not JSON). */
  content: Record<string, string | null>;
  description: string;
}

export interface RouteSpec {
  method: Method;
  /** Fastify pattern (`/v1/topics/:topic`); OpenAPI gets `{topic}`. */
  path: string;
  /** The operation it runs; the role it needs is model/access.ts's (`roleOf`). */
  op: Operation;
  summary: string;
  query: Readonly<Record<string, QueryParam>>;
  body?: RouteBody;
  /** The 200 answer: media type -> component schema name (null: not JSON). */
  response: Record<string, string | null>;
  /** Request headers the route reads, beside Authorization. */
  headers?: Readonly<Record<string, string>>;
  /** Headers of the 200 answer that are part of the API (name -> what it holds), beside Content-Type. */
  responseHeaders?: Readonly<Record<string, string>>;
}

/*
 * The reads' query parameters come from their option schemas (model/options.ts, through
 * query-schema.ts `queryOf`): names, types and bounds there, only the prose here.
 */
const perPage = (what: string): string => `${what} (default ${LIMITS.pageDefault}, at most ${LIMITS.pageMax})`;
const order = '`asc` (default) oldest first, or `desc` newest first (then `before` replaces `after`)';
const view = '`valid` (default): newest valid event per key; `raw`: newest event whether valid or not';
const asOfTxn = 'the surface as it stood right after this transaction';
const prefix = 'only keys starting with this';
const JSON_TYPE = 'application/json';
/** The `Tidemark-Next` header of a page (wire/pages.ts `nextHeaderValue`, docs/http.md). */
const NEXT = {
  'Tidemark-Next':
    "the body's `next` as JSON, every character outside printable ASCII written as a `\\u` escape (at most 6,146 bytes), so a client can ask for the following page before it reads the body",
};

export const ROUTES: readonly RouteSpec[] = [
  {
    method: 'GET',
    path: '/v1/health',
    op: 'health',
    summary: 'Liveness: `{"status":"ok"}`',
    query: {},
    response: { [JSON_TYPE]: 'Health' },
  },
  {
    method: 'GET',
    path: '/v1/whoami',
    op: 'whoami',
    summary: "The caller's role and token name (admin and null when the server has no tokens)",
    query: {},
    response: { [JSON_TYPE]: 'Whoami' },
  },
  {
    method: 'GET',
    path: '/v1/openapi.json',
    op: 'openapi',
    summary: 'This API as an OpenAPI 3.1 document',
    query: {},
    response: { [JSON_TYPE]: null },
  },
  {
    method: 'GET',
    path: '/v1/topics',
    op: 'topics.list',
    summary: 'Every topic with at least one event, by name',
    query: {},
    response: { [JSON_TYPE]: 'TopicList' },
  },
  {
    method: 'GET',
    path: '/v1/topics/:topic',
    op: 'topics.info',
    summary: "A topic's counters (404 when it has no events)",
    query: {},
    response: { [JSON_TYPE]: 'TopicInfo' },
  },
  {
    method: 'POST',
    path: '/v1/topics/:topic/txns',
    op: 'txns.append',
    summary: 'Write one transaction of 1-10,000 events, all or nothing',
    query: {
      dryRun: {
        type: 'enum',
        values: ['true', 'false'],
        description:
          '`true`: answer what the write would return now (numbers, duplicates flagged, every refusal) and write nothing',
      },
    },
    body: {
      content: { [JSON_TYPE]: 'AppendRequest' },
      description:
        'the events, and optionally `expectMaxSeq` and `meta` (a JSON object, at most 4 KiB as canonical JSON); `by` is set by the server from the token and refused here',
    },
    response: { [JSON_TYPE]: 'AppendResponse' },
  },
  {
    method: 'POST',
    path: '/v1/batch',
    op: 'batch',
    summary: 'Write several transactions in order, stopping at the first that fails',
    query: {
      atomic: {
        type: 'enum',
        values: ['true', 'false'],
        description:
          '`true`: the whole batch commits in one database commit or not at all; on the first failure the answer is `{"results":[],"error":…}` and nothing is written',
      },
      dryRun: {
        type: 'enum',
        values: ['true', 'false'],
        description: '`true`: answer what the batch would return now and write nothing',
      },
    },
    body: { content: { [JSON_TYPE]: 'BatchRequest' }, description: '`{"txns":[{"topic","events",…}]}`' },
    response: { [JSON_TYPE]: 'BatchResponse' },
  },
  {
    method: 'GET',
    path: '/v1/topics/:topic/events',
    op: 'events.read',
    summary: 'A page of the log',
    query: queryOf(readEventsOptionsSchema, {
      after: 'events with a seq above this (default 0; not with order=desc)',
      before: 'with order=desc: events with a seq below this',
      limit: perPage('events per page'),
      order,
      key: 'only the events of this key',
      txn: 'only the events of this transaction',
    }),
    response: { [JSON_TYPE]: 'EventPage' },
    responseHeaders: NEXT,
  },
  {
    method: 'GET',
    path: '/v1/topics/:topic/events/stream',
    op: 'events.stream',
    summary: 'Live tail as Server-Sent Events (`id: <seq>`, `data: <Event>`), heartbeat every 15 s at most',
    query: { after: seqParam('start after this seq (default 0; the Last-Event-ID header wins)') },
    headers: { 'Last-Event-ID': 'resume after this seq (sent by EventSource on reconnect)' },
    response: { 'text/event-stream': null },
  },
  {
    method: 'GET',
    path: '/v1/topics/:topic/txns',
    op: 'txns.list',
    summary: 'A page of transactions',
    query: queryOf(listTxnsOptionsSchema, {
      after: 'transactions numbered above this (default 0; not with order=desc)',
      before: 'with order=desc: transactions numbered below this',
      limit: perPage('transactions per page'),
      order,
      by: 'only the transactions written by this name (the token’s; on markers: who invalidated)',
    }),
    response: { [JSON_TYPE]: 'TxnPage' },
    responseHeaders: NEXT,
  },
  {
    method: 'GET',
    path: '/v1/topics/:topic/txns/:txn',
    op: 'txns.get',
    summary: 'One transaction with its events',
    query: {},
    response: { [JSON_TYPE]: 'TxnDetail' },
  },
  {
    method: 'POST',
    path: '/v1/topics/:topic/txns/:txn/invalidate',
    op: 'txns.invalidate',
    summary: 'Mark a transaction invalid by appending a marker',
    query: {},
    body: { content: { [JSON_TYPE]: 'InvalidateRequest' }, description: '`{"reason":"…"}` (1-1000 characters)' },
    response: { [JSON_TYPE]: 'InvalidateResult' },
  },
  {
    method: 'GET',
    path: '/v1/topics/:topic/txns/:txn/preview-invalidate',
    op: 'previewInvalidate',
    summary: 'Which surface rows would change if the transaction were invalidated (writes nothing)',
    query: queryOf(previewInvalidationOptionsSchema, { limit: perPage('rows listed') }),
    response: { [JSON_TYPE]: 'InvalidatePreview' },
  },
  {
    method: 'GET',
    path: '/v1/topics/:topic/timeline',
    op: 'topics.timeline',
    summary:
      'Transactions over time, aggregated into time buckets: per bucket the transactions, events, invalidated ones and the biggest transaction (empty buckets left out)',
    query: queryOf(timelineOptionsSchema, {
      buckets: `most buckets the range is cut into (default ${LIMITS.timelineBucketsDefault}, at most ${LIMITS.timelineBucketsMax})`,
      from: 'inclusive start, an ISO-8601 time (default: the first transaction)',
      to: 'exclusive end, an ISO-8601 time (default: just after the last transaction)',
    }),
    response: { [JSON_TYPE]: 'Timeline' },
  },
  {
    method: 'GET',
    path: '/v1/topics/:topic/txns/:txn/preview-republish',
    op: 'previewRepublish',
    summary: 'What re-publishing an invalidated transaction would write and skip (writes nothing)',
    query: queryOf(previewInvalidationOptionsSchema, { limit: perPage('rows listed, of each kind') }),
    response: { [JSON_TYPE]: 'RepublishPreview' },
  },
  {
    method: 'POST',
    path: '/v1/topics/:topic/txns/:txn/republish',
    op: 'txns.republish',
    summary:
      'Write again, as one new transaction with meta.republishOf, the events of an invalidated transaction that the surface would show if the invalidation were undone',
    query: {},
    body: {
      content: { [JSON_TYPE]: 'RepublishRequest' },
      description:
        '`{"note":"…","expectMaxSeq":N}`, both optional (note: 1-1000 characters, stored as meta.note; expectMaxSeq: the preview’s asOf.maxSeq, 409 and nothing written when the topic moved on)',
    },
    response: { [JSON_TYPE]: 'RepublishResult' },
  },
  {
    method: 'GET',
    path: '/v1/topics/:topic/surface',
    op: 'surface.read',
    summary: 'A page of the surface: the newest valid event of each key, by key',
    query: queryOf(surfaceOptionsSchema, {
      after: 'keys after this one (the `next` cursor)',
      limit: perPage('rows per page'),
      prefix,
      view,
      asOfTxn,
    }),
    response: { [JSON_TYPE]: 'SurfacePage' },
    responseHeaders: NEXT,
  },
  {
    method: 'GET',
    path: '/v1/topics/:topic/surface/export',
    op: 'surface.export',
    summary: 'The whole surface as a CSV or NDJSON download',
    query: queryOf(exportSurfaceRequestSchema, {
      format: '`ndjson` (default) or `csv`',
      view,
      asOfTxn,
      prefix,
    }),
    response: { 'application/x-ndjson': null, 'text/csv': null },
    responseHeaders: {
      'Content-Disposition':
        '`attachment; filename="<topic>-surface.<ndjson|csv>"` (routes/export.ts `exportFileName`)',
    },
  },
  {
    method: 'POST',
    path: '/v1/topics/:topic/diff',
    op: 'diff',
    summary: 'Compare the surface with an uploaded snapshot, key by key',
    query: DIFF_QUERY,
    headers: { Accept: '`application/x-ndjson` streams `{"row"}` lines and a last `{"summary"}` line' },
    body: {
      content: { 'text/csv': null, [JSON_TYPE]: null, 'application/x-ndjson': null },
      description: 'the snapshot: CSV with a header row, a JSON array of objects, or one object per line',
    },
    response: { [JSON_TYPE]: 'DiffResult', 'application/x-ndjson': null },
  },
  {
    method: 'POST',
    path: '/v1/topics/:topic/repair',
    op: 'repair',
    summary: 'Write what makes the surface equal to an uploaded snapshot, atomically, with `meta.repair`',
    query: REPAIR_QUERY,
    body: {
      content: { 'text/csv': null, [JSON_TYPE]: null, 'application/x-ndjson': null, 'multipart/form-data': null },
      description:
        'the snapshot as for diff, or multipart/form-data with a `keys` part (NDJSON: one JSON string per line; the keys to repair) followed by a `snapshot` part (the file)',
    },
    response: { [JSON_TYPE]: 'RepairResult' },
  },
  {
    method: 'POST',
    path: '/v1/topics/:topic/import',
    op: 'topics.import',
    summary:
      'Import transactions exactly as another store read them (copy, replication): accepted only when the topic is empty or its head is the chain before the first; each chain recomputed; stops at the first refused one',
    query: {},
    body: {
      content: { 'application/x-ndjson': null },
      description: `NDJSON: per transaction a line \`{"txn":TxnInfo}\` followed by its events as read, in order; each line at most ${LIMITS.importLineBytesMax} bytes`,
    },
    response: { [JSON_TYPE]: 'ImportResult' },
  },
  {
    method: 'POST',
    path: '/v1/sample',
    op: 'sample.load',
    summary: 'Load the demo topic `demo.trades` (used by the app’s “Load sample data”)',
    query: {},
    response: { [JSON_TYPE]: 'SampleResult' },
  },
  // --- verify (issue 13) ---
  {
    method: 'GET',
    path: '/v1/topics/:topic/verify',
    op: 'topics.verify',
    summary:
      'Check the stored log: numbering, data, hashes, chain links, markers, surface and counters; NDJSON `{"progress"}` lines, then `{"result"}` (or `{"error"}`)',
    query: {
      expectHead: {
        type: 'string',
        maxLength: 64,
        description: 'an anchor: a chain that must appear in the log (64 lowercase hex)',
      },
    },
    response: { 'application/x-ndjson': null },
  },
  // --- end verify ---
  {
    method: 'GET',
    path: '/metrics',
    op: 'metrics',
    summary: 'Prometheus metrics (text format)',
    query: {},
    response: { 'text/plain': null },
  },
];

/** Who may call a route: a role, or `public` (no token); decided by model/access.ts. */
export function roleOf(spec: RouteSpec): Need {
  return needOf(spec.op);
}

/** The table entry of a method and Fastify path pattern (HEAD is GET's), or undefined. */
export function findRoute(method: string, path: string): RouteSpec | undefined {
  const m = method === 'HEAD' ? 'GET' : method;
  return ROUTES.find((r) => r.method === m && r.path === path);
}
