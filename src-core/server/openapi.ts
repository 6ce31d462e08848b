/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the route table (route-table.ts): one
 * operation per route with its role, path parameters, query parameters (types and bounds exactly as
 * the server checks them), request body and answers, plus the JSON Schemas of the records
 * (model/types.ts) and the error envelope. Served at `GET /v1/openapi.json` (routes/openapi.ts).
 */
import { ROLES } from '../model/access';
import { ERROR_STATUS } from '../model/errors';
import { LIMITS } from '../model/limits';
import { packageVersion } from '../package-info';
import type { QueryParam } from './query-schema';
import { ROUTES, type RouteSpec, roleOf } from './route-table';

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const int = (description?: string): Schema => ({
  type: 'integer',
  minimum: 0,
  ...(description ? { description } : {}),
});
const str = (description?: string): Schema => ({ type: 'string', ...(description ? { description } : {}) });
const nullable = (s: Schema): Schema => ({ oneOf: [s, { type: 'null' }] });
const obj = (properties: Record<string, Schema>, required: string[] = Object.keys(properties)): Schema => ({
  type: 'object',
  properties,
  required,
});
const time = str('commit time, ISO-8601 UTC with milliseconds');
const hash = { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'lowercase hex SHA-256' };
const chain = {
  ...hash,
  description: "lowercase hex SHA-256 over the previous transaction's chain and this one's content (docs/integrity.md)",
};

/** JSON Schemas of the records, named as model/types.ts names them. */
export const SCHEMAS: Record<string, Schema> = {
  Error: obj({
    error: obj({
      code: { type: 'string', enum: Object.keys(ERROR_STATUS) },
      message: str('what was wrong, for a person'),
    }),
  }),
  Health: obj({ status: { const: 'ok' } }),
  Whoami: obj({
    role: { enum: [...ROLES] },
    name: { type: ['string', 'null'], description: "the token's name; null when the server has no tokens" },
  }),
  TopicInfo: obj(
    {
      topic: str(),
      events: int('entries in the log, invalidation markers included (equals maxSeq)'),
      keys: int('rows in the valid surface'),
      maxSeq: int(),
      maxTxn: int(),
      invalidTxns: int(),
      lastTime: nullable(time),
      head: nullable({ ...chain, description: 'the chain of the last transaction (docs/integrity.md)' }),
    },
    ['topic', 'events', 'keys', 'maxSeq', 'maxTxn', 'invalidTxns', 'lastTime', 'head'],
  ),
  TopicList: obj({ topics: { type: 'array', items: ref('TopicInfo') } }),
  Event: obj(
    {
      topic: str(),
      seq: int(),
      txn: int(),
      key: str(),
      type: { enum: ['event', 'invalidate'] },
      data: { description: 'any JSON value; null is a tombstone' },
      contentType: str(),
      hash,
      time,
      target: int('invalidation markers: the invalidated transaction'),
      reason: str('invalidation markers: why'),
      invalid: { const: true, description: 'present when the event belongs to an invalidated transaction' },
    },
    ['topic', 'seq', 'txn', 'key', 'type', 'data', 'contentType', 'hash', 'time'],
  ),
  EventPage: obj({ events: { type: 'array', items: ref('Event') }, next: nullable(int('the seq to pass as after')) }),
  TxnInfo: obj(
    {
      txn: int(),
      firstSeq: int(),
      lastSeq: int(),
      count: int(),
      time,
      invalidatedBy: nullable(int('seq of the marker that invalidated it')),
      reason: nullable(str()),
      meta: { type: ['object', 'null'], description: 'the writer’s meta object (null when none, and on markers)' },
      by: nullable(str('the name of the token that wrote it (on a marker: that invalidated); null without tokens')),
      marker: { type: 'boolean', description: 'true when the transaction is an invalidation marker' },
      chain,
    },
    ['txn', 'firstSeq', 'lastSeq', 'count', 'time', 'invalidatedBy', 'reason', 'meta', 'by', 'chain'],
  ),
  TxnPage: obj({ txns: { type: 'array', items: ref('TxnInfo') }, next: nullable(int()) }),
  TxnDetail: { allOf: [ref('TxnInfo'), obj({ events: { type: 'array', items: ref('Event') } })] },
  TimelineBucket: obj({
    start: str('inclusive start of the bucket, ISO-8601 UTC'),
    end: str('exclusive end of the bucket, ISO-8601 UTC'),
    txns: int('transactions committed in the bucket, invalidation markers included'),
    events: int('events of those transactions (a marker is one)'),
    invalidated: int('of those transactions, how many are invalid now'),
    invalidEvents: int('events of the invalid ones'),
    markers: int('of those transactions, how many are invalidation markers'),
    firstTxn: int(),
    lastTxn: int(),
    maxEvents: int('the most events one transaction of the bucket has'),
    maxEventsTxn: int('that transaction (the lowest number on a tie)'),
  }),
  Timeline: obj({
    topic: str(),
    from: nullable(str('inclusive start of the range; null when there is no range')),
    to: nullable(str('exclusive end of the range')),
    bucketMs: nullable(int('the length of every bucket in milliseconds')),
    buckets: {
      type: 'array',
      items: ref('TimelineBucket'),
      description: 'buckets holding a transaction, in time order',
    },
  }),
  SurfaceRow: obj({ key: str(), seq: int(), txn: int(), hash, data: {}, time, invalid: { const: true } }, [
    'key',
    'seq',
    'txn',
    'hash',
    'data',
    'time',
  ]),
  SurfacePage: obj({
    rows: { type: 'array', items: ref('SurfaceRow') },
    next: nullable(str('the key to pass as after')),
  }),
  EventInput: obj(
    {
      key: { type: 'string', minLength: 1, maxLength: LIMITS.keyMax },
      data: { description: 'any JSON value; null deletes the key from the surface' },
      contentType: { type: 'string', maxLength: LIMITS.contentTypeMax },
      hash,
    },
    ['key', 'data'],
  ),
  AppendRequest: obj(
    {
      events: { type: 'array', items: ref('EventInput'), minItems: 1, maxItems: LIMITS.eventsPerTxnMax },
      expectMaxSeq: int('fail with 409 unless the topic’s max seq is this (0: empty topic)'),
      meta: {
        type: 'object',
        description: `why: any JSON object of at most ${LIMITS.metaBytesMax} bytes as canonical JSON, stored with the transaction (\`by\` is set by the server from the token and refused here)`,
      },
    },
    ['events'],
  ),
  AppendResponse: obj({
    txn: nullable(int('null when every event was a duplicate')),
    results: { type: 'array', items: obj({ seq: int(), txn: int(), duplicate: { type: 'boolean' } }) },
  }),
  BatchRequest: obj({
    txns: { type: 'array', items: { allOf: [obj({ topic: str() }), ref('AppendRequest')] } },
  }),
  BatchResponse: obj({
    results: { type: 'array', items: ref('AppendResponse') },
    error: nullable(obj({ index: int(), status: int(), code: str(), message: str() })),
  }),
  InvalidateRequest: obj({ reason: { type: 'string', minLength: 1, maxLength: LIMITS.reasonMax } }),
  InvalidateResult: obj({ seq: int(), txn: int(), target: int(), duplicate: { type: 'boolean' } }),
  InvalidatePreview: {
    type: 'object',
    description: 'the rows whose surface value would change, with their value now and after',
  },
  RepublishPreview: {
    type: 'object',
    description:
      'the keys a re-publish would write (before/after rows), the keys it would skip and why, the counts, and asOf (the topic state)',
  },
  RepublishRequest: obj(
    {
      note: { type: 'string', minLength: 1, maxLength: LIMITS.reasonMax },
      expectMaxSeq: int('409 and nothing written unless the topic’s max seq is this'),
    },
    [],
  ),
  RepublishResult: obj({
    topic: str(),
    target: int('the invalidated transaction'),
    txn: nullable(int('the new transaction; null when nothing needed writing')),
    written: int(),
    skipped: int(),
  }),
  DiffSummary: obj({
    equal: int(),
    different: int(),
    missingInStore: int(),
    missingInSnapshot: int(),
    snapshotRecords: int(),
    surfaceRows: int(),
  }),
  DiffRow: obj({
    key: str(),
    status: { enum: ['equal', 'different', 'missingInStore', 'missingInSnapshot'] },
    fields: { type: 'array', items: str() },
    store: nullable(ref('SurfaceRow')),
    snapshot: nullable({ type: 'object' }),
  }),
  DiffResult: obj({
    summary: ref('DiffSummary'),
    rows: { type: 'array', items: ref('DiffRow') },
    truncated: { type: 'boolean' },
  }),
  RepairResult: obj({
    summary: ref('DiffSummary'),
    written: int('events written (with dryRun: that would be)'),
    txns: { type: 'array', items: int(), description: 'the transaction numbers used, consecutive' },
    events: { type: 'array', items: ref('Event'), description: 'the first `limit` events written' },
    asOf: obj({ maxSeq: int(), maxTxn: int() }),
    dryRun: { type: 'boolean' },
  }),
  SampleResult: obj({ topic: str() }),
  ImportResult: obj({
    imported: int('transactions imported (committed) by this request'),
    head: nullable(str('the topic head after the import (null: still empty)')),
    error: nullable(obj({ index: int(), status: int(), code: str(), message: str() })),
  }),
};

function paramSchema(p: QueryParam): Schema {
  if (p.type === 'integer')
    return { type: 'integer', minimum: p.min, ...(p.max !== undefined ? { maximum: p.max } : {}) };
  if (p.type === 'enum') return { type: 'string', enum: [...p.values] };
  return { type: 'string', maxLength: p.maxLength, ...(p.allowEmpty === true ? {} : { minLength: 1 }) };
}

const PATH_PARAMS: Record<string, Schema> = {
  topic: {
    description: 'topic name: 1-200 characters of A-Z a-z 0-9 . _ - :, starting with a letter or digit',
    schema: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$' },
  },
  txn: { description: 'transaction number', schema: { type: 'integer', minimum: 1 } },
};

/** `/v1/topics/:topic` -> `/v1/topics/{topic}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z]+)/g, '{$1}');
}

function content(types: Record<string, string | null>): Schema {
  return Object.fromEntries(
    Object.entries(types).map(([type, schema]) => [type, schema === null ? {} : { schema: ref(schema) }]),
  );
}

/** Headers an error answer carries (server/errors.ts), by status. */
const ERROR_HEADERS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  '401': { 'WWW-Authenticate': '`Bearer`' },
  '429': { 'Retry-After': 'seconds until the rate limit lets a request of this kind through' },
};

/** An OpenAPI response's `headers`: each a string, described. */
function headersOf(headers: Readonly<Record<string, string>>): Schema {
  return Object.fromEntries(
    Object.entries(headers).map(([name, description]) => [name, { description, schema: { type: 'string' } }]),
  );
}

function operation(r: RouteSpec): Schema {
  const parameters: Schema[] = [
    ...[...r.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({
      name: m[1]!,
      in: 'path',
      required: true,
      ...PATH_PARAMS[m[1]!],
    })),
    ...Object.entries(r.query).map(([name, p]) => ({
      name,
      in: 'query',
      required: false,
      description: p.description,
      schema: paramSchema(p),
    })),
    ...Object.entries(r.headers ?? {}).map(([name, description]) => ({
      name,
      in: 'header',
      required: false,
      description,
      schema: { type: 'string' },
    })),
  ];
  const errors = ['400', '404', ...(roleOf(r) === 'public' ? [] : ['401', '403']), '413', '429', '500', '503'];
  return {
    operationId: `${r.method.toLowerCase()}${openApiPath(r.path).replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
    summary: r.summary,
    'x-tidemark-role': roleOf(r),
    security: roleOf(r) === 'public' ? [] : [{ bearer: [] }],
    parameters,
    ...(r.body
      ? { requestBody: { required: true, description: r.body.description, content: content(r.body.content) } }
      : {}),
    responses: {
      '200': {
        description: 'OK',
        ...(r.responseHeaders ? { headers: headersOf(r.responseHeaders) } : {}),
        content: content(r.response),
      },
      ...Object.fromEntries(
        errors.map((s) => [
          s,
          {
            description: 'error envelope',
            ...(ERROR_HEADERS[s] ? { headers: headersOf(ERROR_HEADERS[s]) } : {}),
            content: { 'application/json': { schema: ref('Error') } },
          },
        ]),
      ),
    },
  };
}

let cached: Schema | undefined;

/** The document (built once per process). */
export function openApiDocument(): Schema {
  if (cached) return cached;
  const paths: Record<string, Record<string, Schema>> = {};
  for (const r of ROUTES) {
    const p = (paths[openApiPath(r.path)] ??= {});
    p[r.method.toLowerCase()] = operation(r);
  }
  cached = {
    openapi: '3.1.0',
    info: {
      title: 'Tidemark',
      version: packageVersion(),
      description:
        'A keyed, de-duplicating, transactional event store. Reference with examples: docs/api.md of the package.',
    },
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'a token given to `tidemark serve --token TOKEN:ROLE`; a server without tokens needs none',
        },
      },
      schemas: SCHEMAS,
    },
    paths,
  };
  return cached;
}
