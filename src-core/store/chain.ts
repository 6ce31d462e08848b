/**
 * The hash chain (docs/integrity.md): the one home of its canonical byte layout, used by every
 * backend's write path, the schema migrations that chain an existing log, and the tests (a
 * verifier recomputes a chain with exactly these functions). A transaction's `chain` is the
 * lowercase hex SHA-256 of the UTF-8 bytes of
 *
 *   prev ‖ int(txn) ‖ str(time) ‖ opt(by) ‖ str(metaDigest) ‖ event(e1) ‖ event(e2) ‖ …
 *
 * where `prev` is the previous transaction's chain (GENESIS, 64 zeros, before transaction 1) as
 * 64 ASCII characters, and each stored event in seq order is
 *
 *   int(seq) ‖ str(key) ‖ str(type) ‖ str(hash) ‖ str(dataDigest) ‖ str(contentType) ‖ opt(target) ‖ opt(reason)
 *
 * A field `str(s)` is a netstring: the decimal UTF-8 byte length of `s`, `:`, the UTF-8 bytes of
 * `s`, `,`. `int(n)` is `str` of the integer's decimal digits; `opt(x)` is `~` for null, else
 * `str`/`int` of x. `time` is the ISO-8601 UTC text readers see (`2026-01-02T03:04:05.678Z`),
 * `metaDigest` the SHA-256 (lowercase hex) of `meta`'s canonical JSON or of `null`, `dataDigest`
 * that of the event's data (`null` for tombstones and markers), so data is covered even where the
 * writer supplied `hash`. It lives in store/ beside hash.ts (node:crypto; model/ imports no
 * `node:*`). `ChainBuilder` builds the layout as the write path stores events (no second
 * serialisation) and feeds it to the hash in chunks. `chainOfOneEvent` writes the same layout as
 * bytes for a one-event transaction of ASCII fields (the ordered writer's shape, where building
 * the text cost a tenth of the server's CPU): a second writer of this layout, held equal to
 * `ChainBuilder`'s by chain.unit.test.ts, so a change to the layout changes both.
 */
import { Buffer } from 'node:buffer';
import * as crypto from 'node:crypto';
import { storedCanonicalJson } from '../model/canonical';
import { DEFAULT_CONTENT_TYPE } from '../model/limits';
import type { StoredEvent, TxnInfo } from '../model/types';
import { hashBytes, hashCanonical } from './hash';
import { MARKER } from './prepare';

/** The chain "before transaction 1". */
export const GENESIS = '0'.repeat(64);

/** SHA-256 of `null`'s canonical JSON: the meta digest of a transaction without meta. */
export const NULL_DIGEST = hashCanonical('null');

/** What the chain covers of one stored event (marker or not). */
export interface ChainEvent {
  seq: number;
  key: string;
  type: 'event' | 'invalidate';
  hash: string;
  /** SHA-256 (lowercase hex) of the data's canonical JSON (of `null` for tombstones and markers). */
  digest: string;
  contentType: string;
  target: number | null;
  reason: string | null;
}

/** What the chain covers of a transaction besides its events. */
export interface ChainTxn {
  txn: number;
  /** ISO-8601 UTC with milliseconds, as read. */
  time: string;
  by: string | null;
  /** `meta`'s canonical JSON text, or null. */
  meta: string | null;
}

/** UTF-8 byte length of a JS string (lone surrogates count 3, as U+FFFD; stored text has none). */
function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 2; // a pair: 2 UTF-16 units, 4 bytes
        i++;
      } else n += 2;
    } else n += 2;
  }
  return n;
}

/** A netstring of text that may be anything. */
function str(s: string): string {
  return `${utf8Length(s)}:${s},`;
}

/** A netstring of ASCII text (hashes, digits, times): its length in bytes is its length. */
function ascii(s: string): string {
  return `${s.length}:${s},`;
}

/** The meta digest the chain covers: SHA-256 of `meta`'s canonical JSON, or of `null`. */
export function metaDigest(meta: string | null): string {
  return meta === null ? NULL_DIGEST : hashCanonical(meta);
}

/** `str(metaDigest)` of a transaction without meta (most of them): a constant. */
const NULL_META_FIELD = ascii(NULL_DIGEST);

/** The last time field built: consecutive transactions mostly share their millisecond. */
let lastTime = '';
let lastTimeField = ascii('');

/** The transaction part of the layout, `prev` included: the text events are appended to. */
export function chainTxnPart(prev: string, t: ChainTxn): string {
  const by = t.by === null ? '~' : str(t.by);
  const meta = t.meta === null ? NULL_META_FIELD : ascii(metaDigest(t.meta));
  if (t.time !== lastTime) {
    lastTime = t.time;
    lastTimeField = ascii(t.time);
  }
  const n = String(t.txn);
  return `${prev}${n.length}:${n},${lastTimeField}${by}${meta}`;
}

/** One stored event's part of the layout. */
export function chainEventPart(e: ChainEvent): string {
  return eventPart(e.seq, e.key, e.type, e.hash, e.digest, e.contentType, e.target, e.reason);
}

function eventPart(
  seq: number,
  key: string,
  type: string,
  hash: string,
  digest: string,
  contentType: string,
  target: number | null,
  reason: string | null,
): string {
  const n = String(seq);
  const tail = target === null ? '~' : ascii(String(target));
  return `${n.length}:${n},${str(key)}${ascii(type)}${hash.length}:${hash},${digest.length}:${digest},${str(contentType)}${tail}${reason === null ? '~' : str(reason)}`;
}

/** The default content type's field, written by most events. */
const DEFAULT_CT_FIELD = str(DEFAULT_CONTENT_TYPE);

/** Events whose layout text is collected before it is fed to the hash (bounds the pending text). */
const FEED_EVERY = 64;

/**
 * A transaction's chain, built as the write path stores its events: the layout text is kept as a
 * string and fed to SHA-256 in chunks (a Hash object only once a transaction outgrows one chunk;
 * a small transaction is hashed in one shot), so nothing is serialised twice and no long string
 * is flattened at the end.
 */
export class ChainBuilder {
  private pending: string;
  private count = 0;
  private hash: crypto.Hash | null = null;

  constructor(prev: string, t: ChainTxn) {
    this.pending = chainTxnPart(prev, t);
  }

  /** Appends a plain (non-marker) event stored at `seq` (the write path's case, kept cheap). */
  event(seq: number, key: string, hash: string, digest: string, contentType: string): void {
    const n = String(seq);
    const ct = contentType === DEFAULT_CONTENT_TYPE ? DEFAULT_CT_FIELD : str(contentType);
    this.pending += `${n.length}:${n},${str(key)}5:event,64:${hash},64:${digest},${ct}~~`;
    if (++this.count === FEED_EVERY) this.feed();
  }

  /** Appends any stored event. */
  add(e: ChainEvent): void {
    this.pending += chainEventPart(e);
    if (++this.count === FEED_EVERY) this.feed();
  }

  private feed(): void {
    this.hash ??= crypto.createHash('sha256');
    this.hash.update(this.pending, 'utf8');
    this.pending = '';
    this.count = 0;
  }

  /** The chain (lowercase hex); call once, after the last event. */
  digest(): string {
    if (this.hash === null) return hashCanonical(this.pending);
    this.hash.update(this.pending, 'utf8');
    return this.hash.digest('hex');
  }
}

/**
 * The layout of a one-event transaction (`chainOfOneEvent`) as bytes, written in place: reused by
 * every call and never handed out. 4,096 bytes hold the longest layout it writes (a 1,024-character
 * key, 200-character `by` and content type: about 1,800 bytes); anything longer is not written here.
 */
const ONE = Buffer.alloc(4096);
/** Buffer's own latin1 writer (on its prototype in every Node version; not in the type declarations). */
const ONE_WRITER = ONE as unknown as { latin1Write(s: string, offset: number, length: number): number };
/** Views of ONE's first n bytes, by n: made once per length, so a hash allocates no view. */
const ONE_VIEWS = new Array<Uint8Array | undefined>(ONE.length + 1).fill(undefined);
const latin1 = (s: string): Uint8Array => Buffer.from(s, 'latin1');
const NULL_META_BYTES = latin1(NULL_META_FIELD);
const TYPE_AND_HASH_LENGTH = latin1('5:event,64:');
const DIGEST_LENGTH = latin1(',64:');
const META_LENGTH = latin1('64:');
const DEFAULT_CT_TAIL = latin1(`,${DEFAULT_CT_FIELD}~~`);
/** The last time field written (`ascii(time)`) as bytes. */
let oneTime = '';
let oneTimeBytes: Uint8Array = latin1(ascii(''));
/** The last chain `chainOfOneEvent` returned: a `prev` known to be 64 ASCII characters. */
let oneLast = GENESIS;

/**
 * The chain of a transaction of one plain event stored at `seq` following `prev` (the ordered
 * writer's shape: one event per transaction), exactly as `ChainBuilder` computes it, from the
 * layout's bytes written into a reused buffer instead of a string built in pieces, flattened and
 * converted to UTF-8 on its way into the hash (docs/bench.md, "The HTTP ordered writer"). Where a
 * text field is not all ASCII (`prev`, `by`, the key, the content type, the time), its UTF-8 is
 * left to `ChainBuilder`, which then computes it. `hash` and `digest` are 64 lowercase hex
 * characters, as `ChainBuilder.event` takes them.
 */
export function chainOfOneEvent(
  prev: string,
  txn: number,
  time: string,
  by: string | null,
  meta: string | null,
  seq: number,
  key: string,
  hash: string,
  digest: string,
  contentType: string,
): string {
  const n = writeOne(prev, txn, time, by, meta, seq, key, hash, digest, contentType);
  if (n < 0) {
    const b = new ChainBuilder(prev, { txn, time, by, meta });
    b.event(seq, key, hash, digest, contentType);
    return b.digest();
  }
  const view = (ONE_VIEWS[n] ??= ONE.subarray(0, n));
  oneLast = hashBytes(view);
  return oneLast;
}

/** Writes the one-event layout into ONE; its length, or -1 where it is not all ASCII (or too long). */
function writeOne(
  prev: string,
  txn: number,
  time: string,
  by: string | null,
  meta: string | null,
  seq: number,
  key: string,
  hash: string,
  digest: string,
  contentType: string,
): number {
  if (prev !== oneLast && (prev.length !== 64 || !isAscii(prev))) return -1;
  if (hash.length !== 64 || digest.length !== 64) return -1;
  if (key.length > 1024 || (by !== null && by.length > 200) || contentType.length > 200) return -1;
  if (time !== oneTime) {
    if (time.length > 64 || !isAscii(time)) return -1;
    oneTimeBytes = latin1(ascii(time));
    oneTime = time;
  }
  if (!(isCount(txn) && isCount(seq))) return -1;
  ONE_WRITER.latin1Write(prev, 0, 64);
  let at = putIntField(txn, 64);
  ONE.set(oneTimeBytes, at);
  at += oneTimeBytes.length;
  if (by === null) ONE[at++] = 0x7e;
  else if ((at = putAsciiField(by, at)) < 0) return -1;
  if (meta === null) {
    ONE.set(NULL_META_BYTES, at);
    at += NULL_META_BYTES.length;
  } else {
    at = putBytes(META_LENGTH, at);
    ONE_WRITER.latin1Write(metaDigest(meta), at, 64);
    ONE[at + 64] = 0x2c;
    at += 65;
  }
  at = putIntField(seq, at);
  if ((at = putAsciiField(key, at)) < 0) return -1;
  at = putBytes(TYPE_AND_HASH_LENGTH, at);
  ONE_WRITER.latin1Write(hash, at, 64);
  at = putBytes(DIGEST_LENGTH, at + 64);
  ONE_WRITER.latin1Write(digest, at, 64);
  at += 64;
  if (contentType === DEFAULT_CONTENT_TYPE) return putBytes(DEFAULT_CT_TAIL, at);
  ONE[at++] = 0x2c;
  if ((at = putAsciiField(contentType, at)) < 0) return -1;
  ONE[at] = 0x7e;
  ONE[at + 1] = 0x7e;
  return at + 2;
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** A number `int()` writes as plain digits: a safe integer ≥ 0. */
function isCount(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

function putBytes(b: Uint8Array, at: number): number {
  for (let k = 0; k < b.length; k++) ONE[at + k] = b[k]!;
  return at + b.length;
}

/** Writes the decimal digits (`d` of them) of the safe integer `n` ≥ 0 ending before `end`. */
function putDigits(n: number, end: number): void {
  let k = end;
  do {
    const q = Math.floor(n / 10);
    ONE[--k] = 0x30 + (n - q * 10);
    n = q;
  } while (n > 0);
}

/** Writes `int(n)` (`d:digits,`) at `at`; returns its end. */
function putIntField(n: number, at: number): number {
  let d = 1;
  for (let p = 10; p <= n; p *= 10) d++;
  const start = at + (d < 10 ? 2 : 3);
  putDigits(d, start - 1);
  ONE[start - 1] = 0x3a;
  putDigits(n, start + d);
  ONE[start + d] = 0x2c;
  return start + d + 1;
}

/** Writes `str(s)` at `at` when `s` is all ASCII (its length in bytes is its length); returns its end, or -1. */
function putAsciiField(s: string, at: number): number {
  const n = s.length;
  const start = at + (n < 10 ? 2 : n < 100 ? 3 : n < 1000 ? 4 : 5);
  putDigits(n, start - 1);
  ONE[start - 1] = 0x3a;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) return -1;
    ONE[start + i] = c;
  }
  ONE[start + n] = 0x2c;
  return start + n + 1;
}

/** The chain of a transaction following `prev`, from its content (events in seq order). */
export function chainOf(prev: string, t: ChainTxn, events: readonly ChainEvent[]): string {
  const b = new ChainBuilder(prev, t);
  for (const e of events) b.add(e);
  return b.digest();
}

/** The data digest of a stored event from its canonical data text (null: a tombstone or marker). */
export function dataDigest(canonical: string | null): string {
  return canonical === null || canonical === 'null' ? NULL_DIGEST : hashCanonical(canonical);
}

/** True for a well-formed chain value: 64 lowercase hex digits. */
export function isChain(s: unknown): s is string {
  return typeof s === 'string' && /^[0-9a-f]{64}$/.test(s);
}

/** The chain's view of an invalidation marker stored at `seq`. */
export function markerChainEvent(seq: number, target: number, reason: string): ChainEvent {
  return {
    seq,
    key: MARKER.key,
    type: 'invalidate',
    hash: MARKER.hash,
    digest: NULL_DIGEST,
    contentType: MARKER.contentType,
    target,
    reason,
  };
}

/**
 * The chain of a transaction as a reader sees it (its `TxnInfo` and its events, in seq order)
 * following `prev`: what a verifier recomputes. Data and meta are canonicalised again here, so a
 * changed byte of either changes the result.
 */
export function chainOfRead(prev: string, info: TxnInfo, events: readonly StoredEvent[]): string {
  const meta = info.meta === null ? null : storedCanonicalJson(info.meta);
  return chainOf(
    prev,
    { txn: info.txn, time: info.time, by: info.by, meta },
    events.map((e) => ({
      seq: e.seq,
      key: e.key,
      type: e.type,
      hash: e.hash,
      digest: dataDigest(storedCanonicalJson(e.data)),
      contentType: e.contentType,
      target: e.type === 'invalidate' ? (e.target ?? 0) : null,
      reason: e.type === 'invalidate' ? (e.reason ?? '') : null,
    })),
  );
}

/**
 * The chain's view of a stored event row (the migrations read them): `data` is its canonical JSON
 * text (null or `null` for tombstones and markers), `contentType` null for the default.
 */
export function chainEventOfRow(
  seq: number,
  key: string,
  marker: boolean,
  data: string | null,
  contentType: string | null,
  hash: string,
  target: number | null,
  reason: string | null,
): ChainEvent {
  return {
    seq,
    key,
    type: marker ? 'invalidate' : 'event',
    hash,
    digest: dataDigest(data),
    contentType: contentType ?? DEFAULT_CONTENT_TYPE,
    target: marker ? (target ?? 0) : null,
    reason: marker ? (reason ?? '') : null,
  };
}
