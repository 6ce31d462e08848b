/**
 * The hash chain of a one-event transaction (the ordered writer's shape) written as bytes: the
 * layout store/chain.ts defines, for a transaction whose text fields are all ASCII, written into a
 * reused buffer and hashed from a view of it instead of built as a string that the hash flattens
 * and converts to UTF-8 (docs/bench.md, "The HTTP ordered writer", sixth pass, second round).
 * Anything else falls back to chain.ts `ChainBuilder`; chain.unit.test.ts holds the two equal.
 */
import { Buffer } from 'node:buffer';
import { DEFAULT_CONTENT_TYPE, LIMITS } from '../model/limits';
import { ChainBuilder, DEFAULT_CT_FIELD, GENESIS, NULL_META_FIELD, ascii, metaDigest } from './chain';
import { hashBytes } from './hash';

/**
 * The layout of a one-event transaction (`chainOfOneEvent`) as bytes, written in place: reused by
 * every call and never handed out. Sized for the longest layout it writes: a key, `by` and content
 * type at their LIMITS (the writers refuse longer ones, and any non-ASCII one) and 1,024 bytes for
 * everything else (prev, the time of at most 64 characters, the meta digest, two numbers, the
 * type, hash and digest fields and the netstrings' lengths: under 600 bytes).
 */
const ONE = Buffer.alloc(LIMITS.keyMax + LIMITS.byMax + LIMITS.contentTypeMax + 1024);
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
  let n = writeTxnPart(prev, txn, time, by, meta);
  if (n >= 0) n = writeEventPart(seq, key, hash, digest, contentType, n);
  if (n < 0) {
    const b = new ChainBuilder(prev, { txn, time, by, meta });
    b.event(seq, key, hash, digest, contentType);
    return b.digest();
  }
  const view = (ONE_VIEWS[n] ??= ONE.subarray(0, n));
  oneLast = hashBytes(view);
  return oneLast;
}

/**
 * Writes chain.ts `chainTxnPart` (prev, txn, time, by, meta digest) into ONE from its start;
 * returns its end, or -1 where a field is not ASCII or longer than ONE holds.
 */
function writeTxnPart(prev: string, txn: number, time: string, by: string | null, meta: string | null): number {
  if (prev !== oneLast && (prev.length !== 64 || !isAscii(prev))) return -1;
  if ((by !== null && by.length > LIMITS.byMax) || !isCount(txn)) return -1;
  if (time !== oneTime) {
    if (time.length > 64 || !isAscii(time)) return -1;
    oneTimeBytes = latin1(ascii(time));
    oneTime = time;
  }
  ONE_WRITER.latin1Write(prev, 0, 64);
  let at = putIntField(txn, 64);
  ONE.set(oneTimeBytes, at);
  at += oneTimeBytes.length;
  if (by === null) ONE[at++] = 0x7e;
  else if ((at = putAsciiField(by, at)) < 0) return -1;
  if (meta === null) {
    ONE.set(NULL_META_BYTES, at);
    return at + NULL_META_BYTES.length;
  }
  at = putBytes(META_LENGTH, at);
  ONE_WRITER.latin1Write(metaDigest(meta), at, 64);
  ONE[at + 64] = 0x2c;
  return at + 65;
}

/**
 * Writes chain.ts `chainEventPart` of a plain event (type `event`, no target, no reason) stored at
 * `seq` into ONE at `at`; returns its end, or -1 where the key or content type is not ASCII or
 * longer than ONE holds, or `hash` or `digest` is not 64 characters.
 */
function writeEventPart(
  seq: number,
  key: string,
  hash: string,
  digest: string,
  contentType: string,
  at: number,
): number {
  if (hash.length !== 64 || digest.length !== 64 || !isCount(seq)) return -1;
  if (key.length > LIMITS.keyMax || contentType.length > LIMITS.contentTypeMax) return -1;
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

/**
 * The second user of this writer (postgres/append-layout.ts, the events' part of a set-based
 * append): chain.ts `chainEventPart` of a plain event stored at `seq`, written here and copied into
 * `target` at `at`; returns its end, or -1 where the event is not one this writer writes (a key or
 * content type that is not ASCII, or longer than ONE holds) and the caller lays it out from
 * chain.ts's text. `hash` and `digest` are 64 characters.
 */
export function putPlainEventPart(
  target: Buffer,
  at: number,
  seq: number,
  key: string,
  hash: string,
  digest: string,
  contentType: string,
): number {
  const n = writeEventPart(seq, key, hash, digest, contentType, 0);
  if (n < 0) return -1;
  ONE.copy(target, at, 0, n);
  return at + n;
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
