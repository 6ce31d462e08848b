/**
 * The events' part of a transaction's chain layout (store/chain.ts), written as bytes by the client
 * for the set-based append function when it can predict the seqs: the topic's max_seq as this
 * store last left it (`predictedBase`), and no duplicate but the REPEATs it flags itself. The
 * function checks the prediction under the topic lock (the base is the topic's max_seq, and every
 * duplicate it finds is a REPEAT) and hashes these bytes; otherwise it lays the part out in SQL
 * as it does without them (append-fn-sql.ts `setOfEventsSql`). Written into a buffer, as
 * store/chain-one.ts writes a one-event layout, instead of built as strings (which cost the client
 * more than the server saved: docs/bench.md, "PostgreSQL writes", fifth and seventh passes).
 * test/postgres/append-fn.int.test.ts checks the chains byte for byte against chain.ts.
 */
import { Buffer } from 'node:buffer';
import { DEFAULT_CONTENT_TYPE } from '../../model/limits';
import { DEFAULT_CT_FIELD } from '../chain';
import type { PreparedTxn } from '../prepare';
import { REPEAT } from './append-fn-sql';

/** Buffer's own latin1 writer (on its prototype in every Node version; not in the type declarations). */
type Latin1Writer = { latin1Write(s: string, offset: number, length: number): number };
const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');
const TYPE_AND_HASH_LENGTH = latin1('5:event,64:');
const DIGEST_LENGTH = latin1(',64:');
const DEFAULT_CT_TAIL = latin1(`,${DEFAULT_CT_FIELD}~~`);

/**
 * The layout of `p`'s stored events (every one but the REPEATs of `flags`) numbered from `base` + 1,
 * exactly as chain.ts `chainEventPart` lays out a plain event, concatenated; null where a hash or
 * digest is not 64 characters (the function then lays them out itself).
 */
export function eventsLayout(p: PreparedTxn, flags: readonly number[], base: number): Buffer | null {
  const events = p.events;
  // An upper bound per event: at most 3 bytes of UTF-8 per UTF-16 unit of the key and content type,
  // 20 for the seq field (16 digits), 18 for the key's length prefix and comma, 143 for the type,
  // hash and digest fields, 21 around the content type (or 23 for the default one's field and tail).
  let size = 0;
  for (const e of events) {
    if (e.hash.length !== 64 || e.digest.length !== 64) return null;
    size += 204 + 3 * (e.key.length + e.contentType.length);
  }
  const buf = Buffer.allocUnsafe(size);
  const w = buf as unknown as Latin1Writer;
  let seq = base;
  let at = 0;
  for (let i = 0; i < events.length; i++) {
    if ((flags[i]! & REPEAT) !== 0) continue;
    const e = events[i]!;
    at = putIntField(buf, ++seq, at);
    at = putStrField(buf, e.key, at);
    buf.set(TYPE_AND_HASH_LENGTH, at);
    at += TYPE_AND_HASH_LENGTH.length;
    w.latin1Write(e.hash, at, 64);
    buf.set(DIGEST_LENGTH, at + 64);
    at += 64 + DIGEST_LENGTH.length;
    w.latin1Write(e.digest, at, 64);
    at += 64;
    if (e.contentType === DEFAULT_CONTENT_TYPE) {
      buf.set(DEFAULT_CT_TAIL, at);
      at += DEFAULT_CT_TAIL.length;
    } else {
      buf[at++] = 0x2c;
      at = putStrField(buf, e.contentType, at);
      buf[at] = 0x7e;
      buf[at + 1] = 0x7e;
      at += 2;
    }
  }
  return buf.subarray(0, at);
}

/** Writes the decimal digits of the safe integer `n` ≥ 0 ending before `end`. */
function putDigits(buf: Buffer, n: number, end: number): void {
  let k = end;
  do {
    const q = Math.floor(n / 10);
    buf[--k] = 0x30 + (n - q * 10);
    n = q;
  } while (n > 0);
}

/** The number of decimal digits of the safe integer `n` ≥ 0. */
function digits(n: number): number {
  let d = 1;
  for (let p = 10; p <= n; p *= 10) d++;
  return d;
}

/** Writes chain.ts `ascii(String(n))` (`d:digits,`) at `at`; returns its end. */
function putIntField(buf: Buffer, n: number, at: number): number {
  const d = digits(n);
  const start = at + digits(d) + 1;
  putDigits(buf, d, start - 1);
  buf[start - 1] = 0x3a;
  putDigits(buf, n, start + d);
  buf[start + d] = 0x2c;
  return start + d + 1;
}

/**
 * Writes chain.ts `str(s)` (its UTF-8 length, `:`, its UTF-8, `,`) at `at`; returns its end. ASCII
 * (most keys) is written as it is read; anything else is left to Buffer's UTF-8 writer.
 */
function putStrField(buf: Buffer, s: string, at: number): number {
  const n = s.length;
  const start = at + digits(n) + 1;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) return putUtf8Field(buf, s, at);
    buf[start + i] = c;
  }
  putDigits(buf, n, start - 1);
  buf[start - 1] = 0x3a;
  buf[start + n] = 0x2c;
  return start + n + 1;
}

function putUtf8Field(buf: Buffer, s: string, at: number): number {
  const n = Buffer.byteLength(s, 'utf8');
  const start = at + digits(n) + 1;
  putDigits(buf, n, start - 1);
  buf[start - 1] = 0x3a;
  buf.write(s, start, n, 'utf8');
  buf[start + n] = 0x2c;
  return start + n + 1;
}
