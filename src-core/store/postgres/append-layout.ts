/**
 * The events' part of a transaction's chain layout (store/chain.ts), written as bytes by the client
 * for the set-based append function when it can predict the seqs: the topic's max_seq as this
 * store last left it (`predictedBase`), and no duplicate but the REPEATs it flags itself. The
 * function checks the prediction under the topic lock (the base is the topic's max_seq, and every
 * duplicate it finds is a REPEAT) and hashes these bytes; otherwise it lays the part out in SQL
 * as it does without them (append-fn-sql.ts `setOfEventsSql`). Each ASCII event's part is written
 * as bytes by store/chain-one.ts's writer (the one that writes a one-event transaction's layout),
 * any other from chain.ts's text, instead of every one built as strings (which cost the client
 * more than the server saved: docs/bench.md, "PostgreSQL writes", fifth and seventh passes).
 * test/postgres/append-fn.int.test.ts checks the chains byte for byte against chain.ts.
 */
import { Buffer } from 'node:buffer';
import { chainEventPart } from '../chain';
import { putPlainEventPart } from '../chain-one';
import type { PreparedTxn } from '../prepare';
import { REPEAT } from './append-fn-sql';

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
  let seq = base;
  let at = 0;
  for (let i = 0; i < events.length; i++) {
    if ((flags[i]! & REPEAT) !== 0) continue;
    const e = events[i]!;
    const end = putPlainEventPart(buf, at, ++seq, e.key, e.hash, e.digest, e.contentType);
    // Not ASCII (or longer than that writer holds): the event's part as chain.ts lays it out, in UTF-8.
    at = end >= 0 ? end : at + buf.write(plainEventPart(seq, e), at, 'utf8');
  }
  return buf.subarray(0, at);
}

/** chain.ts `chainEventPart` of the plain event `e` (type `event`, no target, no reason) stored at `seq`. */
export function plainEventPart(seq: number, e: PreparedTxn['events'][number]): string {
  return chainEventPart({
    seq,
    key: e.key,
    type: 'event',
    hash: e.hash,
    digest: e.digest,
    contentType: e.contentType,
    target: null,
    reason: null,
  });
}
