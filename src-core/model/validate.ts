/**
 * Validation of everything that enters the store: topic names, keys, hashes, transactions and
 * paging options. Every failure is a BAD_REQUEST whose message names the offending field, e.g.
 * `events[3].key: must be a non-empty string of at most 1024 characters`. Nothing is ever silently
 * rewritten. Pure (no Node APIs): the renderer uses the same checks to validate forms.
 */
import { badRequest } from './errors';
import { DEFAULT_CONTENT_TYPE, INVALIDATE_KEY, LIMITS } from './limits';
import { integerRule } from './parse';
import { checkStorableText, checkWellFormed, isStorableText, storableTextProblem } from './text';
import type {
  AppendRequest,
  BatchTxn,
  EventInput,
  JsonObject,
  JsonValue,
  ListTxnsOptions,
  Order,
  ReadEventsOptions,
  SurfaceOptions,
  SurfaceView,
} from './types';

const TOPIC_RE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/;
const HASH_RE = /^[0-9a-f]{64}$/;

export function isValidTopicName(topic: unknown): topic is string {
  return typeof topic === 'string' && TOPIC_RE.test(topic);
}

/** A topic name (its rule admits only ASCII, so it is storable text too); `path` names it in errors. */
export function validateTopic(topic: unknown, path = 'topic'): string {
  if (!isValidTopicName(topic)) {
    throw badRequest(
      `${path}: ${JSON.stringify(topic)} is not a valid topic name (1-${LIMITS.topicNameMax} characters of A-Z a-z 0-9 . _ - :, starting with a letter or digit)`,
    );
  }
  return topic;
}

/**
 * True for a key an event may be written under: the rule `validateKey` enforces, as a predicate
 * (the batch route's quick check, model/validate.ts `commonBatchTxn`, asks it without building errors).
 */
export function isValidEventKey(key: unknown): key is string {
  return (
    typeof key === 'string' &&
    key.length > 0 &&
    key.length <= LIMITS.keyMax &&
    key !== INVALIDATE_KEY &&
    isStorableText(key)
  );
}

/** True for a content type an event may carry: the rule `validateEventInput` enforces, as a predicate. */
export function isValidContentType(ct: unknown): ct is string {
  return typeof ct === 'string' && ct.length > 0 && ct.length <= LIMITS.contentTypeMax && isStorableText(ct);
}

export function validateKey(key: unknown, path = 'key'): string {
  if (isValidEventKey(key)) return key;
  // Refused: say why (the rule itself is isValidEventKey's alone).
  if (typeof key !== 'string' || key.length === 0 || key.length > LIMITS.keyMax) {
    throw badRequest(`${path}: must be a non-empty string of at most ${LIMITS.keyMax} characters`);
  }
  if (key === INVALIDATE_KEY) throw badRequest(`${path}: "${INVALIDATE_KEY}" is reserved for invalidation markers`);
  throw badRequest(`${path}: ${storableTextProblem(key) ?? 'is not a valid key'}`);
}

/** True for 64 lowercase hex characters: a SHA-256 as hashes and chains are written. */
export function isSha256Hex(v: unknown): v is string {
  return typeof v === 'string' && HASH_RE.test(v);
}

/** The `expectHead` option checked as the route and CLI take it: 64 lowercase hex or BAD_REQUEST. */
export function checkExpectHead(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (!isSha256Hex(v)) throw badRequest('expectHead: must be 64 lowercase hex characters (a chain)');
  return v;
}

export function validateHash(hash: unknown, path = 'hash'): string {
  if (typeof hash !== 'string' || !HASH_RE.test(hash)) {
    throw badRequest(`${path}: must be 64 lowercase hex characters (a SHA-256)`);
  }
  return hash;
}

/** A JSON object (not null, not an array): what a request body or an event must be. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Checks the shape of one transaction. Data is checked to be JSON when it is hashed (see
 * canonical.ts), so callers that hash every event need not walk it twice.
 */
export function validateAppendRequest(body: unknown, path = ''): AppendRequest {
  if (!isPlainObject(body)) throw badRequest(`${path || 'body'}: must be a JSON object with an "events" array`);
  const events = body.events;
  if (!Array.isArray(events)) throw badRequest(`${path}events: must be an array`);
  if (events.length === 0 || events.length > LIMITS.eventsPerTxnMax) {
    throw badRequest(`${path}events: a transaction holds 1 to ${LIMITS.eventsPerTxnMax} events, got ${events.length}`);
  }
  const out: EventInput[] = new Array<EventInput>(events.length);
  for (let i = 0; i < events.length; i++) out[i] = validateEventInput(events[i], `${path}events[${i}]`);
  const req: AppendRequest = { events: out };
  if (body.expectMaxSeq !== undefined && body.expectMaxSeq !== null) {
    req.expectMaxSeq = validateNonNegativeInt(body.expectMaxSeq, `${path}expectMaxSeq`);
  }
  if (body.meta !== undefined && body.meta !== null) req.meta = validateMetaShape(body.meta, `${path}meta`);
  if (body.by !== undefined && body.by !== null) req.by = validateBy(body.by, `${path}by`);
  return req;
}

/**
 * The shape of a write's `meta`: a JSON object. Its content (JSON, storable text) and its size
 * (LIMITS.metaBytesMax as canonical JSON) are checked where it is canonicalised, store/prepare.ts.
 */
export function validateMetaShape(meta: unknown, path = 'meta'): JsonObject {
  if (!isPlainObject(meta)) throw badRequest(`${path}: must be a JSON object (or null)`);
  return meta as JsonObject;
}

/**
 * The refusal of a `by` sent over HTTP (a body field of a write, or by the HTTP client): a server
 * sets `by` itself from the name of the token that made the request.
 */
export function byNotAccepted(path = 'by'): Error {
  return badRequest(`${path}: is set by the server (the name of the token that made the request) and cannot be sent`);
}

/** Who made a write or an invalidation: 1 to LIMITS.byMax characters of storable text. */
export function validateBy(by: unknown, path = 'by'): string {
  if (typeof by !== 'string' || by.length === 0 || by.length > LIMITS.byMax) {
    throw badRequest(`${path}: must be a string of 1 to ${LIMITS.byMax} characters (or null)`);
  }
  return checkStorableText(by, path);
}

/**
 * Checks transaction `i` of a batch (`POST /v1/batch`, `appendBatch` of every backend); messages
 * name it as `txns[i]...` (`txns[1].events[0].key: ...`). Its data is checked where it is hashed.
 */
export function validateBatchTxn(raw: unknown, i: number): BatchTxn {
  const path = `txns[${i}]`;
  if (!isPlainObject(raw)) throw badRequest(`${path}: must be an object with "topic" and "events"`);
  if (raw.topic === undefined) throw badRequest(`${path}.topic: is required`);
  const topic = validateTopic(raw.topic, `${path}.topic`);
  return { topic, ...validateAppendRequest(raw, `${path}.`) };
}

/**
 * The common shape of a batch transaction, checked without building anything (the batch route's
 * quick check, store/prepare.ts `prepareBatchTxnAhead`): a valid topic, 1 to
 * LIMITS.eventsPerTxnMax events, each an object with a valid key, data, and a content type and a
 * hash only if absent or valid; `expectMaxSeq` absent, null or valid; `meta` and `by` absent or
 * null. It asks the same predicates as the validators, and accepts only what `validateBatchTxn`
 * accepts (null: not sure, ask it); it reads each field once, as validateBatchTxn does.
 */
export function commonBatchTxn(
  raw: unknown,
): { raw: Record<string, unknown>; topic: string; events: EventInput[]; expectMaxSeq: number | undefined } | null {
  if (!isPlainObject(raw)) return null;
  const topic = raw.topic;
  if (!isValidTopicName(topic)) return null;
  const events = raw.events;
  if (!Array.isArray(events) || events.length === 0 || events.length > LIMITS.eventsPerTxnMax) return null;
  for (let k = 0; k < events.length; k++) {
    const e: unknown = events[k];
    if (!isPlainObject(e)) return null;
    if (!isValidEventKey(e.key)) return null;
    if (!('data' in e) || e.data === undefined) return null;
    if (e.contentType !== undefined && !isValidContentType(e.contentType)) return null;
    if (e.hash !== undefined && !isSha256Hex(e.hash)) return null;
  }
  const expect = raw.expectMaxSeq;
  let expectMaxSeq: number | undefined;
  if (expect !== undefined && expect !== null) {
    if (!isNonNegativeInt(expect)) return null;
    expectMaxSeq = expect;
  }
  if ((raw.meta !== undefined && raw.meta !== null) || (raw.by !== undefined && raw.by !== null)) return null;
  return { raw, topic, events: events as EventInput[], expectMaxSeq };
}

export function validateEventInput(e: unknown, path: string): EventInput {
  if (!isPlainObject(e)) throw badRequest(`${path}: must be an object with "key" and "data"`);
  const key = validateKey(e.key, `${path}.key`);
  if (!('data' in e) || e.data === undefined) throw badRequest(`${path}.data: is required (use null for a tombstone)`);
  const out: EventInput = { key, data: e.data as JsonValue };
  if (e.contentType !== undefined) {
    if (!isValidContentType(e.contentType)) {
      // Refused: say why (the rule itself is isValidContentType's alone).
      const problem =
        typeof e.contentType === 'string' && e.contentType.length > 0 && e.contentType.length <= LIMITS.contentTypeMax
          ? storableTextProblem(e.contentType)
          : null;
      throw badRequest(
        `${path}.contentType: ${problem ?? `must be a non-empty string of at most ${LIMITS.contentTypeMax} characters`}`,
      );
    }
    out.contentType = e.contentType;
  }
  if (e.hash !== undefined) out.hash = validateHash(e.hash, `${path}.hash`);
  return out;
}

export function contentTypeOf(e: EventInput): string {
  return e.contentType ?? DEFAULT_CONTENT_TYPE;
}

export function validateReason(reason: unknown): string {
  if (typeof reason !== 'string' || reason.length === 0 || reason.length > LIMITS.reasonMax) {
    throw badRequest(`reason: must be a string of 1 to ${LIMITS.reasonMax} characters`);
  }
  return checkStorableText(reason, 'reason');
}

/** A writer's note (`meta.note`): 1 to LIMITS.reasonMax characters of storable text. */
export function validateNote(note: unknown, path = 'note'): string {
  if (typeof note !== 'string' || note.length === 0 || note.length > LIMITS.reasonMax) {
    throw badRequest(`${path}: must be a string of 1 to ${LIMITS.reasonMax} characters`);
  }
  return checkStorableText(note, path);
}

/** True for a safe integer ≥ 0: the rule `validateNonNegativeInt` enforces, as a predicate. */
export function isNonNegativeInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

export function validateNonNegativeInt(v: unknown, path: string): number {
  if (!isNonNegativeInt(v)) {
    throw badRequest(`${path}: must be ${integerRule(0)}`);
  }
  return v;
}

export function validatePositiveInt(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) {
    throw badRequest(`${path}: must be ${integerRule(1)}`);
  }
  return v;
}

export function validateLimit(v: unknown, path = 'limit', def: number = LIMITS.pageDefault): number {
  if (v === undefined) return def;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1 || v > LIMITS.pageMax) {
    throw badRequest(`${path}: must be ${integerRule(1, LIMITS.pageMax)}`);
  }
  return v;
}

export function validateOrder(v: unknown): Order {
  if (v === undefined) return 'asc';
  if (v !== 'asc' && v !== 'desc') throw badRequest('order: must be "asc" or "desc"');
  return v;
}

export function validateView(v: unknown): SurfaceView {
  if (v === undefined) return 'valid';
  if (v !== 'valid' && v !== 'raw') throw badRequest('view: must be "valid" or "raw"');
  return v;
}

/** Fills defaults and checks ranges; the result has every field a backend needs. */
export function normalizeReadEvents(
  o: ReadEventsOptions = {},
): Required<Pick<ReadEventsOptions, 'limit' | 'order'>> & ReadEventsOptions {
  const order = validateOrder(o.order);
  const out: ReadEventsOptions & { limit: number; order: Order } = { order, limit: validateLimit(o.limit) };
  if (o.after !== undefined) out.after = validateNonNegativeInt(o.after, 'after');
  if (o.before !== undefined) out.before = validateNonNegativeInt(o.before, 'before');
  if (o.key !== undefined) out.key = validateKeyFilter(o.key);
  if (o.txn !== undefined) out.txn = validatePositiveInt(o.txn, 'txn');
  return out;
}

/**
 * A key used as a filter may be any key, including the marker key and a key stored with NUL before
 * that was refused; a lone surrogate can match nothing stored and is refused (see text.ts).
 */
function validateKeyFilter(key: unknown): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > LIMITS.keyMax) {
    throw badRequest(`key: must be a non-empty string of at most ${LIMITS.keyMax} characters`);
  }
  return checkWellFormed(key, 'key');
}

export function normalizeListTxns(o: ListTxnsOptions = {}): ListTxnsOptions & { limit: number; order: Order } {
  const out: ListTxnsOptions & { limit: number; order: Order } = {
    order: validateOrder(o.order),
    limit: validateLimit(o.limit),
  };
  if (o.after !== undefined) out.after = validateNonNegativeInt(o.after, 'after');
  if (o.before !== undefined) out.before = validateNonNegativeInt(o.before, 'before');
  if (o.by !== undefined) out.by = validateBy(o.by);
  return out;
}

export function normalizeSurface(o: SurfaceOptions = {}): SurfaceOptions & { limit: number; view: SurfaceView } {
  const out: SurfaceOptions & { limit: number; view: SurfaceView } = {
    view: validateView(o.view),
    limit: validateLimit(o.limit),
  };
  if (o.after !== undefined) {
    if (typeof o.after !== 'string') throw badRequest('after: must be a key');
    out.after = checkWellFormed(o.after, 'after');
  }
  if (o.prefix !== undefined) {
    if (typeof o.prefix !== 'string' || o.prefix.length > LIMITS.keyMax) {
      throw badRequest(`prefix: must be a string of at most ${LIMITS.keyMax} characters`);
    }
    if (o.prefix !== '') out.prefix = checkWellFormed(o.prefix, 'prefix');
  }
  if (o.asOfTxn !== undefined) out.asOfTxn = validateNonNegativeInt(o.asOfTxn, 'asOfTxn');
  return out;
}

/**
 * A configured limit (a server or job option such as `maxStreams` or `diffLimit`): a safe integer
 * from 1 to `max`, or BAD_REQUEST naming the setting. The one check every such option goes through.
 */
export function checkLimit(name: string, value: number, max: number = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw badRequest(`${name}: must be ${integerRule(1, max)}, got ${String(value)}`);
  }
  return value;
}
