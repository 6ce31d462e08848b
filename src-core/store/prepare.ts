/**
 * The one preparation path in front of every backend that writes (SQLite, PostgreSQL, the memory
 * store): it turns a writer's input into neutral prepared writes before any lock or connection is
 * taken, and holds the pre-write rules every backend applies the same way. `prepareTxn` validates
 * the topic and events (model/validate.ts: the same checks and messages everywhere, storable text
 * included, see model/text.ts), builds each event's canonical JSON once (refusing data that is not
 * storable JSON) and computes its hash over that text unless the writer gave one. `prepareBatch`
 * does that for every transaction of a batch and stops at the first refusal, which becomes the
 * batch's `error` (`txns[i]....`); `applyPrepared` then applies them in order, stopping at the first
 * coded failure (CONFLICT from `checkExpectMaxSeq`). `prepareInvalidation` and `MARKER` are the same
 * for invalidations (with the invalidator's `by`; a write's `meta` is checked by store/meta.ts
 * `prepareMeta`), `commitTimeMs` is the rule that a topic's commit times never go backwards, and
 * `storedEventOf` builds the contract shape of a prepared event once it has its numbers. Each
 * backend maps the prepared event to its own columns (SQLite stores a tombstone's data and the
 * default content type as NULL; PostgreSQL keeps the text and a `tomb` flag), so all read back
 * identical JSON. Errors that are not ours (a getter of the caller's object threw) are not a
 * refusal of one transaction: they propagate, and nothing has been written.
 */
import { badRequest, conflict, hasErrorCode, toBatchError } from '../model/errors';
import { DEFAULT_CONTENT_TYPE, INVALIDATE_KEY } from '../model/limits';
import { tryCanonicalJson } from '../model/canonical';
import { hasUnstorableEscape, storableCanonicalJson } from '../model/text';
import type {
  AppendRequest,
  AppendResponse,
  BatchError,
  BatchResponse,
  BatchTxn,
  EventInput,
  InvalidateOptions,
  JsonValue,
  StoredEvent,
} from '../model/types';
import { prepareMeta } from './meta';
import {
  commonBatchTxn,
  contentTypeOf,
  isPlainObject,
  validateAppendRequest,
  validateBatchTxn,
  validateBy,
  validatePositiveInt,
  validateReason,
  validateTopic,
} from '../model/validate';
import { hashCanonical } from './hash';

export interface PreparedEvent {
  key: string;
  /** Canonical JSON text of the data (`null` for a tombstone). */
  data: string;
  /** True when the data is null: the key leaves the surface. */
  tomb: boolean;
  /** The content type, the default filled in. */
  contentType: string;
  hash: string;
  /** SHA-256 of `data` (the hash unless the writer supplied one): what the chain covers (store/chain.ts). */
  digest: string;
}

export interface PreparedTxn {
  topic: string;
  events: PreparedEvent[];
  expectMaxSeq: number | undefined;
  /** Canonical JSON text of the writer's `meta` object, or null. */
  meta: string | null;
  /** Who wrote it, or null. */
  by: string | null;
}

/** A batch as far as it could be prepared: `txns` up to (not including) the first refused one. */
export interface PreparedBatch {
  txns: PreparedTxn[];
  /** The refusal of transaction `txns.length`, or null when every transaction was prepared. */
  error: BatchError | null;
}

export interface PreparedInvalidation {
  topic: string;
  /** The transaction to invalidate. */
  target: number;
  reason: string;
  /** Who invalidates, or null. */
  by: string | null;
}

/** The invalidation marker's fixed fields: its key, data (null), content type, hash and data digest. */
export const MARKER = {
  key: INVALIDATE_KEY,
  data: 'null',
  contentType: DEFAULT_CONTENT_TYPE,
  hash: hashCanonical('null'),
  /** The SHA-256 of its data (`null`), which the chain covers. */
  digest: hashCanonical('null'),
} as const;

/** Validates one transaction and computes what the database needs; throws BAD_REQUEST. */
export function prepareTxn(topic: unknown, req: unknown): PreparedTxn {
  return prepareValid(validateTopic(topic), validateAppendRequest(req), '');
}

/**
 * Prepares the transactions of `appendBatch` in order, stopping at the first refused one (its
 * coded error, named `txns[i]...`, becomes `error`). BAD_REQUEST when `txns` is not an array.
 */
export function prepareBatch(txns: unknown): PreparedBatch {
  if (!Array.isArray(txns)) throw badRequest('txns: must be an array of transactions');
  const out: PreparedTxn[] = [];
  for (let i = 0; i < txns.length; i++) {
    let raw: unknown = txns[i];
    if (raw instanceof AheadTxn) {
      const prepared = raw.preparedAt(i);
      if (prepared !== null) {
        out.push(prepared);
        continue;
      }
      raw = raw.plain();
    }
    try {
      const t = validateBatchTxn(raw, i);
      out.push(prepareValid(t.topic, t, `txns[${i}].`));
    } catch (err) {
      if (!hasErrorCode(err)) throw err;
      return { txns: out, error: toBatchError(i, err) };
    }
  }
  return { txns: out, error: null };
}

/**
 * A transaction the server prepared ahead (`prepareBatchTxnAhead`): the fields of a `BatchTxn`,
 * plus its prepared form and the index it was prepared at (its error paths name `txns[index]`), in
 * private fields no other code can set or copy (a spread copy is a plain transaction again).
 */
class AheadTxn implements BatchTxn {
  readonly topic: string;
  readonly expectMaxSeq: BatchTxn['expectMaxSeq'];
  readonly meta: BatchTxn['meta'];
  readonly by: string | null;
  #events: BatchTxn['events'];
  readonly #index: number;
  /** Where in the batch handed to the store it is (its index, unless `aheadSlices` cut the batch). */
  #position: number;
  readonly #prepared: PreparedTxn | null;
  /**
   * The events' data as given, while its events hold placeholders (`KnownCanonical`), else null
   * (also once `events` has put the data back).
   */
  #known: KnownCanonical | null;

  /**
   * The transaction as sent, when its events are not copied yet (model/validate.ts `commonBatchTxn` accepted it: `events`
   * copies them as `validateBatchTxn` would on first access), else null.
   */
  #raw: Record<string, unknown> | null;

  constructor(
    t: BatchTxn | QuickTxn,
    by: string | null,
    index: number,
    prepared: PreparedTxn | null,
    known: KnownCanonical | null,
  ) {
    this.topic = t.topic;
    this.expectMaxSeq = t.expectMaxSeq;
    this.meta = t.meta;
    this.by = by;
    this.#index = index;
    this.#position = index;
    this.#prepared = prepared;
    this.#known = known;
    if (t instanceof QuickTxn) {
      this.#events = [];
      this.#raw = t.raw;
    } else {
      this.#events = t.events;
      this.#raw = null;
    }
  }

  /**
   * Its events, each with its data (put back from the known texts where it held a placeholder, on
   * the first access only: every access answers the same array).
   */
  get events(): BatchTxn['events'] {
    if (this.#raw !== null) {
      // Accepted by commonBatchTxn, so validateBatchTxn accepts it too: the copies it makes.
      this.#events = validateBatchTxn(this.#raw, this.#index).events;
      this.#raw = null;
    }
    const known = this.#known;
    if (known === null) return this.#events;
    this.#events = this.#events.map((e, k) => {
      const text = known.at(this.#index, k);
      return text === undefined ? e : { ...e, data: JSON.parse(text) as JsonValue };
    });
    this.#known = null;
    return this.#events;
  }

  /** Its prepared form when it is transaction `i` of the batch the store was handed, else null. */
  preparedAt(i: number): PreparedTxn | null {
    return i === this.#position ? this.#prepared : null;
  }

  /** Its events' count when it was prepared, else null. */
  preparedEvents(): number | null {
    return this.#prepared === null ? null : this.#prepared.events.length;
  }

  /** Hands it to the store as transaction `i` of a slice of its batch (`aheadSlices`). */
  placeAt(i: number): void {
    this.#position = i;
  }

  /** A plain transaction with its fields and its events' data (what a spread copy of it was). */
  plain(): BatchTxn {
    return { topic: this.topic, events: this.events, expectMaxSeq: this.expectMaxSeq, meta: this.meta, by: this.by };
  }
}

/**
 * Canonical texts of event data the caller already has, by transaction and event index (the
 * server's body reader finds them in the request text, model/canonical-spans.ts): each is exactly
 * what `storableCanonicalJson` writes for that event's data and has no escapes (so it is storable
 * text), so it is used instead of writing it again.
 */
export interface KnownCanonical {
  at(txn: number, event: number): string | undefined;
  /**
   * True when the caller's parsed transactions hold a placeholder instead of the data at every
   * place `at` answers (the body reader left those values out, canonical-spans.ts `elide`).
   */
  readonly elides?: boolean;
}

/**
 * What `prepareBatch` does for transaction `i` of a batch, done ahead by the server (routes/write.ts)
 * while it checks the request: validates `raw` (throws BAD_REQUEST as `validateBatchTxn`) and
 * returns the transaction to hand to the store with `by` set. When it can also be prepared, the
 * prepared form is remembered for that object, and `prepareBatch` over it at index `i` takes it
 * instead of validating and preparing again; when preparing refuses it, nothing is remembered
 * and `prepareBatch` meets the same refusal itself, so the answer is the store's as before.
 * `prepared` is false then. The object is new and the caller hands it only to the store.
 */
export function prepareBatchTxnAhead(
  raw: unknown,
  i: number,
  by: string | null,
  known?: KnownCanonical,
): { txn: BatchTxn; prepared: boolean } {
  // Most transactions pass the quick check, which builds no copies and no error paths; anything
  // it does not accept (including everything refused) goes through validateBatchTxn.
  const common = commonBatchTxn(raw);
  const quick = common === null ? null : new QuickTxn(common.raw, common.topic, common.events, common.expectMaxSeq);
  const t = quick ?? validateBatchTxn(raw, i);
  let prepared: PreparedTxn | null = null;
  try {
    // What prepareBatch's validateBatchTxn would add to the checks already made: `by` itself
    // (its path is never read: a refusal here is met again by prepareBatch).
    if (by !== null) validateBy(by);
    prepared = prepareValid(t.topic, t, `txns[${i}].`, known, i);
    prepared.by = by;
  } catch {
    // Not prepared: prepareBatch meets the refusal itself, from the data as sent.
  }
  const elided = known?.elides === true ? known : null;
  return { txn: new AheadTxn(t, by, i, prepared, elided), prepared: prepared !== null };
}

/** A slice of a batch: its transactions, the first of them transaction `from` of the whole. */
export interface BatchSlice {
  from: number;
  txns: BatchTxn[];
}

/**
 * A batch whose every transaction was prepared ahead, cut into slices of at most `maxEvents` events
 * (a larger transaction is a slice of its own), each transaction placed at its index in its slice so
 * `prepareBatch` over a slice takes its prepared form (whose messages name its index in the whole
 * batch). Null, and nothing placed, when one was not prepared ahead: the store prepares that one
 * itself, naming its index in what it is handed, so such a batch is handed whole (routes/write.ts).
 */
export function aheadSlices(txns: readonly BatchTxn[], maxEvents: number): BatchSlice[] | null {
  const slices: BatchSlice[] = [];
  let events = 0;
  for (let i = 0; i < txns.length; i++) {
    const t = txns[i]!;
    const n = t instanceof AheadTxn ? t.preparedEvents() : null;
    if (n === null) return null;
    if (i === 0 || events + n > maxEvents) {
      slices.push({ from: i, txns: [] });
      events = 0;
    }
    slices[slices.length - 1]!.txns.push(t);
    events += n;
  }
  // The first slice's transactions are at their own indexes already.
  for (const s of slices.slice(1)) s.txns.forEach((t, k) => (t as AheadTxn).placeAt(k));
  return slices;
}

/**
 * A transaction `commonBatchTxn` (model/validate.ts) accepted: the fields `validateBatchTxn` would return, its events
 * still the sender's objects (each has the fields `prepareValid` reads, with the values the
 * validated copies would have).
 */
class QuickTxn implements AppendRequest {
  readonly raw: Record<string, unknown>;
  readonly topic: string;
  readonly events: EventInput[];
  readonly expectMaxSeq: number | undefined;
  readonly meta: undefined = undefined;
  readonly by: undefined = undefined;

  constructor(raw: Record<string, unknown>, topic: string, events: EventInput[], expectMaxSeq: number | undefined) {
    this.raw = raw;
    this.topic = topic;
    this.events = events;
    this.expectMaxSeq = expectMaxSeq;
  }
}

/**
 * Applies the prepared transactions of a batch in order with `apply`, stopping at the first that
 * throws a coded error (a pre-write check such as CONFLICT: that transaction wrote nothing); its
 * index is the batch's `error`, else the preparation's. Anything else thrown (a storage failure)
 * propagates: the backend then rolls the whole call back.
 */
export function applyPrepared(batch: PreparedBatch, apply: (t: PreparedTxn) => AppendResponse): BatchResponse {
  const results: AppendResponse[] = [];
  for (let i = 0; i < batch.txns.length; i++) {
    try {
      results.push(apply(batch.txns[i]!));
    } catch (err) {
      if (!hasErrorCode(err)) throw err;
      return { results, error: toBatchError(i, err) };
    }
  }
  return { results, error: batch.error };
}

/** CONFLICT, before the transaction contributes anything, unless `expectMaxSeq` matches `maxSeq`. */
export function checkExpectMaxSeq(t: PreparedTxn, maxSeq: number): void {
  if (t.expectMaxSeq !== undefined && t.expectMaxSeq !== maxSeq) {
    throw conflict(`expectMaxSeq: topic "${t.topic}" is at seq ${maxSeq}, not ${t.expectMaxSeq}`);
  }
}

/** Validates an invalidation request (topic, a positive txn, a storable reason); throws BAD_REQUEST. */
export function prepareInvalidation(
  topic: unknown,
  txn: unknown,
  reason: unknown,
  opts?: InvalidateOptions,
): PreparedInvalidation {
  const prepared = {
    topic: validateTopic(topic),
    target: validatePositiveInt(txn, 'txn'),
    reason: validateReason(reason),
    by: null as string | null,
  };
  if (opts !== undefined && opts !== null) {
    if (!isPlainObject(opts)) throw badRequest('options: must be an object');
    if (opts.by !== undefined && opts.by !== null) prepared.by = validateBy(opts.by);
  }
  return prepared;
}

/** A commit's time: now, but never before the topic's previous commit (times never go backwards). */
export function commitTimeMs(nowMs: number, lastMs: number | null): number {
  return lastMs !== null && lastMs > nowMs ? lastMs : nowMs;
}

/** The contract shape of a prepared event stored at `seq` in `txn` at `time` (ISO-8601). */
export function storedEventOf(topic: string, seq: number, txn: number, e: PreparedEvent, time: string): StoredEvent {
  return {
    topic,
    seq,
    txn,
    key: e.key,
    type: 'event',
    data: e.tomb ? null : (JSON.parse(e.data) as JsonValue),
    contentType: e.contentType,
    hash: e.hash,
    time,
  };
}

/**
 * Canonical data text and hash of each event of a validated transaction; `path` prefixes error
 * fields (built only for an error). `known` gives canonical texts already at hand, as transaction `txn`.
 */
function prepareValid(name: string, r: AppendRequest, path: string, known?: KnownCanonical, txn = 0): PreparedTxn {
  const events: PreparedEvent[] = new Array<PreparedEvent>(r.events.length);
  for (let i = 0; i < r.events.length; i++) {
    const e = r.events[i]!;
    const canonical = known?.at(txn, i) ?? storableData(e.data, path, i);
    const digest = hashCanonical(canonical);
    events[i] = {
      key: e.key,
      data: canonical,
      // From the text: the data itself may be a placeholder where the text was known.
      tomb: canonical === 'null',
      contentType: contentTypeOf(e),
      hash: e.hash ?? digest,
      digest,
    };
  }
  return {
    topic: name,
    events,
    expectMaxSeq: r.expectMaxSeq,
    meta: r.meta === undefined || r.meta === null ? null : prepareMeta(r.meta, `${path}meta`),
    by: r.by ?? null,
  };
}

/** `storableCanonicalJson` of an event's data, its error path written only when it refuses. */
function storableData(data: unknown, path: string, i: number): string {
  const text = tryCanonicalJson(data);
  if (text !== undefined && !hasUnstorableEscape(text)) return text;
  return storableCanonicalJson(data, `${path}events[${i}].data`);
}
