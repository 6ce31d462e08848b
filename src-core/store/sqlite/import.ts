/**
 * The SQLite import path (`importTxns`, API.md "Integrity"), kept apart from the append path:
 * inside one write batch it checks each given transaction against the topic's row as read under
 * the write lock (store/import-check.ts: shape, numbering, chain recomputed, what SQLite can hold,
 * the source's invalidation claims) and only then stores it exactly as given: its seqs, txn,
 * time, hashes, content types, meta and by, no de-duplication. A plain transaction's events join
 * the topic's heads tail and its counters follow through the batch's own head bookkeeping
 * (write.ts, schema.ts); a marker goes through
 * the existing invalidation (invalidate.ts) at the given time, so the invalid flags, the surface
 * and `invalidTxns` end as on the source. Stops at the first refused transaction: the ones before
 * it commit with the batch, nothing of it is written.
 */
import { hasErrorCode, markerNotInvalidatable, noSuchTxn, conflict, toBatchError } from '../../model/errors';
import type { BatchError, JsonValue } from '../../model/types';
import { type CheckedTxn, checkImportTxn } from '../import-check';
import { type ImportClaims, isDefaultContentType } from '../import-run';
import { hashPrefix } from './heads';
import { applyInvalidation } from './invalidate';
import type { Statements } from './statements';
import type { WriteBatch } from './write';

/** Imports `group` (the import's transactions from index `offset`) into `topic`, in order. */
export function importGroup(
  batch: WriteBatch,
  st: Statements,
  topic: string,
  group: readonly unknown[],
  offset: number,
  claims: ImportClaims,
): { imported: number; error: BatchError | null } {
  for (let i = 0; i < group.length; i++) {
    let t: CheckedTxn;
    try {
      t = checkOne(batch, st, topic, group[i]);
      claims.check(t);
    } catch (err) {
      if (!hasErrorCode(err)) throw err;
      return { imported: i, error: toBatchError(offset + i, err) };
    }
    if (t.marker !== null) writeMarker(batch, st, topic, t);
    else writeTxn(batch, st, topic, t);
    claims.note(t);
  }
  return { imported: group.length, error: null };
}

function checkOne(batch: WriteBatch, st: Statements, topic: string, raw: unknown): CheckedTxn {
  const s = batch.state(topic, false);
  const r = s?.row;
  const t = checkImportTxn(
    topic,
    raw,
    { maxTxn: r?.max_txn ?? 0, maxSeq: r?.max_seq ?? 0, head: r?.head ?? null, lastTimeMs: r?.last_time ?? null },
    'sqlite',
  );
  if (t.marker !== null) {
    const target = s ? st.txn.get(s.row.id, t.marker.target) : undefined;
    if (!target) throw noSuchTxn(topic, t.marker.target);
    if (target.marker) throw markerNotInvalidatable(t.marker.target);
    if (target.invalidated_by !== null) {
      throw conflict(
        `txn ${t.txn}: transaction ${t.marker.target} is already invalidated (by seq ${target.invalidated_by})`,
      );
    }
  }
  return t;
}

function writeTxn(batch: WriteBatch, st: Statements, topic: string, t: CheckedTxn): void {
  const s = batch.state(topic, true)!;
  const row = s.row;
  let keysDelta = 0;
  for (const e of t.events) {
    const head = batch.head(s, e.key);
    const hash52 = hashPrefix(e.hash);
    const ct = isDefaultContentType(e.contentType) ? null : e.contentType;
    st.insertEvent.run(row.id, e.seq, t.txn, e.key, e.tomb ? null : e.data, ct, e.hash, t.timeMs);
    const live = e.tomb ? 0 : 1;
    // The event joins the topic's tail (write.ts), like an appended one.
    batch.joinTail(s, e.key, { seq: e.seq, hash52, live });
    keysDelta += live - head.live;
    s.emitted?.push({
      topic,
      seq: e.seq,
      txn: t.txn,
      key: e.key,
      type: 'event',
      data: e.tomb ? null : (JSON.parse(e.data) as JsonValue),
      contentType: e.contentType,
      hash: e.hash,
      time: t.time,
    });
  }
  st.insertTxn.run(row.id, t.txn, t.firstSeq, t.lastSeq, t.timeMs, 0, t.meta, t.by, t.chain);
  row.head = t.chain;
  row.max_seq = t.lastSeq;
  row.max_txn = t.txn;
  row.keys += keysDelta;
  row.last_time = t.timeMs;
  s.dirty = true;
}

function writeMarker(batch: WriteBatch, st: Statements, topic: string, t: CheckedTxn): void {
  const m = t.marker!;
  const res = applyInvalidation(batch, st, { topic, target: m.target, reason: m.reason, by: t.by }, t.timeMs);
  const row = batch.state(topic, false)!.row;
  // The checks above make these hold; a difference is a bug, and rolls the whole batch back.
  if (res.duplicate || res.seq !== t.firstSeq || row.head !== t.chain) {
    throw new Error(`import: the marker of txn ${t.txn} was stored differently from the checked one`);
  }
}
