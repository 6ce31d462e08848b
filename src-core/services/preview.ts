/**
 * `previewInvalidation`: what invalidating a transaction would do to the surface, computed through
 * the EventStore interface only (so it works on every backend). For each key the transaction
 * touched, the key's newest valid event now (its head, tombstones included) is compared with the
 * head it would have without the transaction; only keys whose surface row changes are returned,
 * ordered by key, up to `limit` (default 100), with the number of distinct keys touched and
 * whether more changes exist than were returned. Nothing is written.
 */
import { compareKeys } from '../model/canonical';
import { badRequest } from '../model/errors';
import { LIMITS } from '../model/limits';
import type { InvalidateImpactRow, InvalidatePreview } from '../model/store-api';
import type { StoredEvent, SurfaceRow } from '../model/types';
import { validateLimit, validatePositiveInt, validateTopic } from '../model/validate';
import type { EventStore } from '../store/types';

/** The surface row an event makes (null: none, or a tombstone). */
export function toRow(e: StoredEvent | undefined): SurfaceRow | null {
  if (!e || e.data === null) return null;
  return { key: e.key, seq: e.seq, txn: e.txn, hash: e.hash, data: e.data, time: e.time };
}

/** The key's newest valid event now, and the newest valid one outside `txn`. */
export async function heads(
  store: EventStore,
  topic: string,
  key: string,
  txn: number,
): Promise<{ now: StoredEvent | undefined; without: StoredEvent | undefined }> {
  let now: StoredEvent | undefined;
  let before: number | undefined;
  for (;;) {
    const page = await store.readEvents(topic, { key, order: 'desc', limit: 100, ...(before ? { before } : {}) });
    for (const e of page.events) {
      if (e.invalid || e.type !== 'event') continue;
      now ??= e;
      // The first valid event outside the transaction is the head without it (and, when it is
      // also the head now, nothing changes).
      if (e.txn !== txn) return { now, without: e };
    }
    if (page.next === null) return { now, without: undefined };
    before = page.next;
  }
}

export async function previewInvalidation(
  store: EventStore,
  topic: string,
  txn: number,
  limit: number = LIMITS.pageDefault,
): Promise<InvalidatePreview> {
  validateTopic(topic);
  validatePositiveInt(txn, 'txn');
  const max = validateLimit(limit);
  const detail = await store.getTxn(topic, txn);
  if (detail.marker || detail.events.some((e) => e.type === 'invalidate')) {
    throw badRequest(`txn: transaction ${txn} is an invalidation marker and cannot be invalidated`);
  }
  const keys = [...new Set(detail.events.map((e) => e.key))].sort(compareKeys);
  const rows: InvalidateImpactRow[] = [];
  let truncated = false;
  if (detail.invalidatedBy === null) {
    for (const key of keys) {
      const { now, without } = await heads(store, topic, key, txn);
      const before = toRow(now);
      const after = toRow(without);
      if ((before?.seq ?? null) === (after?.seq ?? null)) continue;
      if (rows.length === max) {
        truncated = true;
        break;
      }
      rows.push({ key, before, after });
    }
  }
  return { topic, txn, rows, keysTouched: keys.length, truncated };
}
