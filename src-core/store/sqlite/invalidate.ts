/**
 * Invalidation inside a write batch: appends the marker event (key `$invalidate`, data null, its
 * own seq and txn, `target` and `reason`), flags the target transaction and its events invalid,
 * and re-derives the valid surface head of exactly the keys the target touched whose head came
 * from it (newest valid event per key, found backwards through the (topic, key, seq) index). It
 * applies the topic's heads tail first (schema.ts: no tail event is ever invalid).
 * Counters (`keys`, `invalidTxns`, `maxSeq`, `maxTxn`) are kept right, and the re-derived heads
 * are handed to the batch so the in-process head cache follows them. Errors are thrown before
 * anything is written.
 */
import { markerNotInvalidatable, noSuchTxn } from '../../model/errors';
import type { InvalidateResult } from '../../model/types';
import { GENESIS, chainOf, markerChainEvent } from '../chain';
import { MARKER, type PreparedInvalidation } from '../prepare';
import { NO_HEAD, hashPrefix, liveOfSigned, seqOfSigned, signedSeq } from './heads';
import { isoTime } from './rows';
import type { Statements } from './statements';
import { WriteBatch } from './write';

export function applyInvalidation(
  batch: WriteBatch,
  st: Statements,
  { topic, target, reason, by }: PreparedInvalidation,
  /** The marker's commit time in ms (an import gives the source's); default now. */
  atMs?: number,
): InvalidateResult {
  const s = batch.state(topic, false);
  const t = s ? st.txn.get(s.row.id, target) : undefined;
  if (!s || !t) throw noSuchTxn(topic, target);
  if (t.marker) throw markerNotInvalidatable(target);
  const topicId = s.row.id;
  if (t.invalidated_by !== null) {
    const marker = st.eventBySeq.get(topicId, t.invalidated_by);
    return { seq: t.invalidated_by, txn: marker ? marker.txn : 0, target, duplicate: true };
  }
  // The heads rows are read directly below, and validity changes: the tail is applied first
  // (every tail event stays valid, schema.ts), so the heads rows hold every head.
  batch.applyTail(s);
  const row = s.row;
  const seq = row.max_seq + 1;
  const txn = row.max_txn + 1;
  const now = atMs ?? WriteBatch.commitTime(s);
  st.insertMarker.run(topicId, seq, txn, MARKER.key, MARKER.hash, now, target, reason);
  const chain = chainOf(row.head ?? GENESIS, { txn, time: isoTime(now), by, meta: null }, [
    markerChainEvent(seq, target, reason),
  ]);
  st.insertTxn.run(topicId, txn, seq, seq, now, 1, null, by, chain);
  st.setTxnInvalid.run(seq, reason, topicId, target);
  st.markEventsInvalid.run(topicId, t.first_seq, t.last_seq);
  let keysDelta = 0;
  for (const { key } of st.keysInRange.all(topicId, t.first_seq, t.last_seq)) {
    // The valid head as a signed seq (schema.ts): negative for a tombstone.
    const valid = st.validHead.get(topicId, key);
    if (valid === undefined || valid === null) continue;
    const validSeq = seqOfSigned(valid);
    if (validSeq < t.first_seq || validSeq > t.last_seq) continue;
    const validLive = liveOfSigned(valid);
    const next = st.newestValid.get(topicId, key);
    if (next) {
      st.setValidHead.run(signedSeq(next.seq, next.live), topicId, key);
      batch.noteWrittenHead(s, key, { seq: next.seq, hash52: hashPrefix(next.hash), live: next.live });
      keysDelta += next.live - validLive;
    } else {
      st.setValidHead.run(null, topicId, key);
      batch.noteWrittenHead(s, key, NO_HEAD);
      keysDelta -= validLive;
    }
  }
  row.max_seq = seq;
  // The marker is no head: the heads rows still account for everything (no tail).
  row.heads_seq = seq;
  row.max_txn = txn;
  row.keys += keysDelta;
  row.invalid_txns += 1;
  row.last_time = now;
  row.head = chain;
  s.dirty = true;
  s.emitted?.push({
    topic,
    seq,
    txn,
    key: MARKER.key,
    type: 'invalidate',
    data: null,
    contentType: MARKER.contentType,
    hash: MARKER.hash,
    time: isoTime(now),
    target,
    reason,
  });
  return { seq, txn, target, duplicate: false };
}
