/**
 * The memory store's import (`importTxns`): each given transaction checked against the log's end
 * (store/import-check.ts, memory holds any value) and appended as log entries exactly as given.
 * A marker is one more entry: invalidation in this store is nothing but a fold of the markers
 * (fold.ts), so the surface, the invalid flags and the counters follow by definition.
 */
import { conflict, hasErrorCode, markerNotInvalidatable, noSuchTxn, toBatchError } from '../../model/errors';
import type { ImportOptions, ImportResult, ImportTxn } from '../../model/integrity';
import { validateTopic } from '../../model/validate';
import { type CheckedTxn, checkImportTxn } from '../import-check';
import { ImportClaims, importGroups } from '../import-run';
import { MARKER } from '../prepare';
import { type LogEntry, invalidations } from './fold';

export interface MemoryImportTarget {
  /** The topic's log now (throws UNAVAILABLE on a closed store). */
  log(topic: string): readonly LogEntry[];
  /** Appends one transaction's entries and tells the listeners. */
  commit(topic: string, entries: LogEntry[]): void;
}

function check(log: readonly LogEntry[], topic: string, raw: unknown): CheckedTxn {
  const last = log[log.length - 1];
  const t = checkImportTxn(
    topic,
    raw,
    {
      maxTxn: last?.txn ?? 0,
      maxSeq: last?.seq ?? 0,
      head: last?.chain ?? null,
      lastTimeMs: last === undefined ? null : Date.parse(last.time),
    },
    'memory',
  );
  if (t.marker !== null) {
    const target = log.find((e) => e.txn === t.marker!.target);
    if (target === undefined) throw noSuchTxn(topic, t.marker.target);
    if (target.type === 'invalidate') throw markerNotInvalidatable(t.marker.target);
    const by = invalidations(log).get(t.marker.target);
    if (by !== undefined) {
      throw conflict(`txn ${t.txn}: transaction ${t.marker.target} is already invalidated (by seq ${by.seq})`);
    }
  }
  return t;
}

function entriesOf(t: CheckedTxn): LogEntry[] {
  return t.events.map((e) => {
    const entry: LogEntry = {
      seq: e.seq,
      txn: t.txn,
      key: e.key,
      type: e.marker ? 'invalidate' : 'event',
      data: e.marker ? MARKER.data : e.data,
      tomb: e.tomb,
      contentType: e.contentType,
      hash: e.hash,
      time: t.time,
      meta: t.meta,
      by: t.by,
      digest: e.digest,
      chain: t.chain,
    };
    if (e.marker) {
      entry.target = e.target!;
      entry.reason = e.reason!;
    }
    return entry;
  });
}

export async function importInto(
  store: MemoryImportTarget,
  topic: string,
  txns: AsyncIterable<ImportTxn> | Iterable<ImportTxn>,
  opts: ImportOptions = {},
): Promise<ImportResult> {
  validateTopic(topic);
  store.log(topic);
  const claims = new ImportClaims();
  let imported = 0;
  let error: ImportResult['error'] = null;
  outer: for await (const group of importGroups(txns, opts.signal)) {
    for (const raw of group) {
      let t: CheckedTxn;
      try {
        t = check(store.log(topic), topic, raw);
        claims.check(t);
      } catch (err) {
        if (!hasErrorCode(err) || err.code === 'UNAVAILABLE') throw err;
        error = toBatchError(imported, err);
        break outer;
      }
      store.commit(topic, entriesOf(t));
      claims.note(t);
      imported++;
    }
    opts.onProgress?.(imported);
  }
  const log = store.log(topic);
  return { imported, head: log[log.length - 1]?.chain ?? null, error };
}
