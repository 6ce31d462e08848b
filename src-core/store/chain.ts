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
 * serialisation) and feeds it to the hash in chunks. store/chain-one.ts `chainOfOneEvent` writes the
 * same layout as bytes for a one-event transaction of ASCII fields (the ordered writer's shape,
 * where building the text cost a tenth of the server's CPU), whose event part postgres/append-layout.ts
 * also uses for the events of a set-based PostgreSQL append: a second writer of this layout, held
 * equal to this module's text by chain.unit.test.ts and append-layout.unit.test.ts, so a change to
 * the layout here fails them until chain-one.ts follows.
 */
import * as crypto from 'node:crypto';
import { storedCanonicalJson } from '../model/canonical';
import { DEFAULT_CONTENT_TYPE } from '../model/limits';
import type { StoredEvent, TxnInfo } from '../model/types';
import { hashCanonical } from './hash';
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
export function ascii(s: string): string {
  return `${s.length}:${s},`;
}

/** The meta digest the chain covers: SHA-256 of `meta`'s canonical JSON, or of `null`. */
export function metaDigest(meta: string | null): string {
  return meta === null ? NULL_DIGEST : hashCanonical(meta);
}

/** `str(metaDigest)` of a transaction without meta (most of them): a constant. */
export const NULL_META_FIELD = ascii(NULL_DIGEST);

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
export const DEFAULT_CT_FIELD = str(DEFAULT_CONTENT_TYPE);

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
