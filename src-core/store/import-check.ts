/**
 * The checks of an import (`EventStore.importTxns`, `POST /v1/topics/{topic}/import`, API.md
 * "Integrity"), shared by every backend's import path: each transaction as given (a `TxnInfo` and
 * its events exactly as read from another store) is hostile input, validated field by field with
 * the model's rules and limits, then held against the target's state: numbers continue exactly
 * (txn = maxTxn + 1, firstSeq = maxSeq + 1, dense seqs, count), its time does not go backwards,
 * its chain recomputed over the target's head (store/chain.ts, the one home of the layout) equals
 * the one given, and the target backend can hold every value (store/holds.ts). Everything here
 * runs before the backend writes anything; what it returns is what the backend stores. The
 * derived state a reader sees (`invalidatedBy`, `reason` on a transaction, `invalid` on events)
 * is not trusted: `ImportClaims` (import-run.ts) checks it against what the imported markers produce.
 */
import { Buffer } from 'node:buffer';
import { badRequest, conflict } from '../model/errors';
import { storedCanonicalJson } from '../model/canonical';
import { INVALIDATE_KEY, LIMITS } from '../model/limits';
import type { JsonValue } from '../model/types';
import { utf8ByteLength } from '../model/utf8';
import { isPlainObject, validateHash } from '../model/validate';
import { type ChainEvent, GENESIS, chainOf, dataDigest, isChain } from './chain';
import { type HoldingBackend, describeHoldProblem, holdProblem } from './holds';
import { MARKER } from './prepare';

/** The target topic's state the next imported transaction must follow. */
export interface ImportHeadState {
  maxTxn: number;
  maxSeq: number;
  head: string | null;
  /** Its last commit time in ms, or null when empty. */
  lastTimeMs: number | null;
}

/** One event as the backend stores it. */
export interface CheckedEvent {
  seq: number;
  key: string;
  marker: boolean;
  /** Canonical JSON text of the data (`null` for a tombstone or a marker). */
  data: string;
  tomb: boolean;
  contentType: string;
  hash: string;
  digest: string;
  target: number | null;
  reason: string | null;
}

/** One transaction as the backend stores it, checked. */
export interface CheckedTxn {
  txn: number;
  firstSeq: number;
  lastSeq: number;
  time: string;
  timeMs: number;
  /** Canonical JSON text of meta, or null. */
  meta: string | null;
  by: string | null;
  chain: string;
  /** Set on an invalidation marker: what it invalidates, and why. */
  marker: { target: number; reason: string } | null;
  events: CheckedEvent[];
  /** What the source said of this transaction's invalidation (checked by ImportClaims). */
  claim: { invalidatedBy: number; reason: string } | null;
}

const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const TXN_FIELDS = new Set([
  'txn',
  'firstSeq',
  'lastSeq',
  'count',
  'time',
  'invalidatedBy',
  'reason',
  'meta',
  'by',
  'marker',
  'chain',
]);
const EVENT_FIELDS = new Set([
  'topic',
  'seq',
  'txn',
  'key',
  'type',
  'data',
  'contentType',
  'hash',
  'time',
  'target',
  'reason',
  'invalid',
]);

function int(v: unknown, path: string, min: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
    throw badRequest(`${path}: must be an integer of at least ${min}`);
  }
  return v;
}

function text(v: unknown, path: string, max: number): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > max) {
    throw badRequest(`${path}: must be a string of 1 to ${max} characters`);
  }
  return v;
}

function onlyFields(o: Record<string, unknown>, allowed: Set<string>, path: string): void {
  for (const k of Object.keys(o)) if (!allowed.has(k)) throw badRequest(`${path}.${k}: unknown field`);
}

/** Levels of arrays and objects in canonical JSON text (iterative: any depth). */
export function jsonTextDepth(s: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) max = Math.max(max, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/** Canonical JSON of an imported value of any depth up to LIMITS.importJsonDepthMax. */
function importedJson(v: unknown, path: string): string {
  let s: string;
  try {
    s = storedCanonicalJson(v as JsonValue);
  } catch {
    throw badRequest(`${path}: is not a JSON value`);
  }
  if (s === undefined || jsonTextDepth(s) > LIMITS.importJsonDepthMax) {
    throw badRequest(`${path}: is not JSON nested at most ${LIMITS.importJsonDepthMax} levels`);
  }
  return s;
}

/** The time of a transaction: ISO-8601 UTC with milliseconds, exactly as readers see it. */
function timeOf(v: unknown, path: string): { time: string; ms: number } {
  if (typeof v !== 'string' || !ISO_RE.test(v)) {
    throw badRequest(`${path}: must be an ISO-8601 UTC time with milliseconds (2026-01-02T03:04:05.678Z)`);
  }
  const ms = Date.parse(v);
  if (!Number.isFinite(ms) || new Date(ms).toISOString() !== v) throw badRequest(`${path}: ${v} is not a real time`);
  return { time: v, ms };
}

/** Validates the shape of one imported transaction (BAD_REQUEST naming the field). */
function shapeOf(topic: string, raw: unknown, storedMax: number): CheckedTxn {
  if (!isPlainObject(raw) || !isPlainObject(raw.txn) || !Array.isArray(raw.events)) {
    throw badRequest('import: each transaction must be {"txn": TxnInfo, "events": [...]}');
  }
  const info = raw.txn;
  onlyFields(info, TXN_FIELDS, 'txn');
  const txn = int(info.txn, 'txn.txn', 1);
  const p = `txn ${txn}`;
  const firstSeq = int(info.firstSeq, `${p}: firstSeq`, 1);
  const lastSeq = int(info.lastSeq, `${p}: lastSeq`, firstSeq);
  const count = int(info.count, `${p}: count`, 1);
  const events = raw.events as unknown[];
  if (count > LIMITS.eventsPerTxnMax) {
    throw badRequest(`${p}: count: a transaction holds 1 to ${LIMITS.eventsPerTxnMax} events, got ${count}`);
  }
  if (lastSeq - firstSeq + 1 !== count || events.length !== count) {
    throw badRequest(
      `${p}: seqs ${firstSeq}..${lastSeq}, count ${count} and ${events.length} events given do not agree`,
    );
  }
  const { time, ms } = timeOf(info.time, `${p}: time`);
  if (!isChain(info.chain)) throw badRequest(`${p}: chain: must be 64 lowercase hex characters`);
  let meta: string | null = null;
  if (info.meta !== null && info.meta !== undefined) {
    if (!isPlainObject(info.meta)) throw badRequest(`${p}: meta: must be a JSON object or null`);
    meta = importedJson(info.meta, `${p}: meta`);
    const bytes = utf8ByteLength(meta);
    if (bytes > LIMITS.engineMetaBytesMax) {
      throw badRequest(`${p}: meta: is ${bytes} bytes as canonical JSON; at most ${LIMITS.engineMetaBytesMax}`);
    }
  }
  const by = info.by === null || info.by === undefined ? null : text(info.by, `${p}: by`, LIMITS.byMax);
  const isMarker = info.marker === true;
  if (info.marker !== undefined && typeof info.marker !== 'boolean')
    throw badRequest(`${p}: marker: must be a boolean`);
  let claim: CheckedTxn['claim'] = null;
  if (info.invalidatedBy !== null && info.invalidatedBy !== undefined) {
    const invalidatedBy = int(info.invalidatedBy, `${p}: invalidatedBy`, 1);
    claim = { invalidatedBy, reason: text(info.reason, `${p}: reason`, LIMITS.reasonMax) };
  } else if (info.reason !== null && info.reason !== undefined) {
    throw badRequest(`${p}: reason: must be null on a transaction that is not invalidated`);
  }
  const out: CheckedTxn = {
    txn,
    firstSeq,
    lastSeq,
    time,
    timeMs: ms,
    meta,
    by,
    chain: info.chain,
    marker: null,
    events: [],
    claim,
  };
  let stored = 0;
  for (let i = 0; i < events.length; i++) {
    const e = eventOf(topic, out, events[i], firstSeq + i);
    // What the transaction stores, its data as canonical JSON (which can be longer than the line
    // that carried it: `9e15` is stored as `9000000000000000`), bounded as its lines are, so its
    // detail (`GET …/txns/N`, every event in one answer) stays readable by every client.
    stored += Buffer.byteLength(e.data, 'utf8');
    if (stored > storedMax) {
      throw badRequest(
        `${p}: its data is over ${storedMax} bytes as canonical JSON (at seq ${e.seq}); a transaction stores at most that`,
      );
    }
    out.events.push(e);
  }
  const first = out.events[0]!;
  if (isMarker !== first.marker || (isMarker && count !== 1)) {
    throw badRequest(`${p}: marker: an invalidation marker is a transaction of exactly one "invalidate" event`);
  }
  if (isMarker) {
    if (meta !== null) throw badRequest(`${p}: meta: a marker has none`);
    if (claim !== null) throw badRequest(`${p}: invalidatedBy: a marker cannot be invalidated`);
    out.marker = { target: first.target!, reason: first.reason! };
  }
  return out;
}

function eventOf(topic: string, t: CheckedTxn, raw: unknown, seq: number): CheckedEvent {
  const p = `txn ${t.txn}, seq ${seq}`;
  if (!isPlainObject(raw)) throw badRequest(`${p}: must be a stored event object`);
  onlyFields(raw, EVENT_FIELDS, p);
  if (raw.topic !== topic) throw badRequest(`${p}: topic: must be "${topic}"`);
  if (raw.seq !== seq) throw badRequest(`${p}: seq: must be ${seq} (dense, in order)`);
  if (raw.txn !== t.txn) throw badRequest(`${p}: txn: must be ${t.txn}`);
  if (raw.time !== t.time) throw badRequest(`${p}: time: must be its transaction's time ${t.time}`);
  if ((raw.invalid === true) !== (t.claim !== null) || (raw.invalid !== undefined && raw.invalid !== true)) {
    throw badRequest(`${p}: invalid: must be true exactly when its transaction is invalidated`);
  }
  if (raw.type === 'invalidate') {
    if (raw.key !== INVALIDATE_KEY || raw.data !== null || raw.hash !== MARKER.hash) {
      throw badRequest(`${p}: a marker has key "${INVALIDATE_KEY}", data null and the hash of null`);
    }
    if (raw.contentType !== MARKER.contentType)
      throw badRequest(`${p}: contentType: a marker's is ${MARKER.contentType}`);
    const target = int(raw.target, `${p}: target`, 1);
    if (target >= t.txn) throw badRequest(`${p}: target: must be an earlier transaction than ${t.txn}`);
    const reason = text(raw.reason, `${p}: reason`, LIMITS.reasonMax);
    return {
      seq,
      key: INVALIDATE_KEY,
      marker: true,
      data: 'null',
      tomb: true,
      contentType: MARKER.contentType,
      hash: MARKER.hash,
      digest: MARKER.digest,
      target,
      reason,
    };
  }
  if (raw.type !== 'event') throw badRequest(`${p}: type: must be "event" or "invalidate"`);
  if (raw.target !== undefined || raw.reason !== undefined)
    throw badRequest(`${p}: target and reason are only on markers`);
  const key = text(raw.key, `${p}: key`, LIMITS.keyMax);
  if (key === INVALIDATE_KEY) throw badRequest(`${p}: key: "${INVALIDATE_KEY}" is reserved for markers`);
  const contentType = text(raw.contentType, `${p}: contentType`, LIMITS.contentTypeMax);
  const hash = validateHash(raw.hash, `${p}: hash`);
  if (!('data' in raw)) throw badRequest(`${p}: data: is required`);
  const data = importedJson(raw.data, `${p}: data`);
  return {
    seq,
    key,
    marker: false,
    data,
    tomb: data === 'null',
    contentType,
    hash,
    digest: dataDigest(data),
    target: null,
    reason: null,
  };
}

/** The chain of a checked transaction after `prev` (store/chain.ts). */
function chainOfChecked(prev: string, t: CheckedTxn): string {
  const events: ChainEvent[] = t.events.map((e) => ({
    seq: e.seq,
    key: e.key,
    type: e.marker ? 'invalidate' : 'event',
    hash: e.hash,
    digest: e.digest,
    contentType: e.contentType,
    target: e.target,
    reason: e.reason,
  }));
  return chainOf(prev, { txn: t.txn, time: t.time, by: t.by, meta: t.meta }, events);
}

/**
 * Checks one imported transaction against the target topic's state and what `backend` can hold;
 * throws BAD_REQUEST (a malformed field, a value the backend cannot hold) or CONFLICT (it does not
 * follow the target's head, or its chain does not match) before anything is written.
 */
export function checkImportTxn(
  topic: string,
  raw: unknown,
  s: ImportHeadState,
  backend: HoldingBackend,
  /** The most data one transaction stores (a test passes a small one). */
  storedMax: number = LIMITS.importTxnBytesMax,
): CheckedTxn {
  const t = shapeOf(topic, raw, storedMax);
  const head = s.head ?? GENESIS;
  if (t.txn !== s.maxTxn + 1 || t.firstSeq !== s.maxSeq + 1) {
    throw conflict(
      `topic "${topic}" is at txn ${s.maxTxn}, seq ${s.maxSeq} (head ${s.head ?? 'none'}); the import's transaction ${t.txn} (firstSeq ${t.firstSeq}) does not follow it`,
    );
  }
  if (s.lastTimeMs !== null && t.timeMs < s.lastTimeMs) {
    throw badRequest(`txn ${t.txn}: time: ${t.time} is before the topic's previous commit (times never go backwards)`);
  }
  const chain = chainOfChecked(head, t);
  if (chain !== t.chain) {
    throw conflict(
      `txn ${t.txn}: its chain ${t.chain} does not match ${chain}, recomputed over the target's head ${head} and its content`,
    );
  }
  const hold = holdProblem(backend, { txn: { txn: t.txn, by: t.by }, events: t.events });
  if (hold !== null) throw badRequest(describeHoldProblem(hold));
  return t;
}
