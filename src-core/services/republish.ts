/**
 * Re-publish: how a mistaken invalidation is undone without deleting anything. For each key of an
 * invalidated transaction (its last event of the key, in seq order), the key's newest valid event
 * now is compared with it:
 * - the key's current row comes from a later transaction: the key is left alone (`changedLater`);
 * - writing the event again would not change the surface (the same hash as the current row, or a
 *   tombstone of a key that is absent): skipped (`unchanged`);
 * - otherwise (the current row is older than the invalidated transaction, or the key is absent or
 *   tombstoned because of it) the event is written again.
 * The writes are one new transaction with `meta.republishOf` (the invalidated txn) and the
 * optional `meta.note`, guarded by `expectMaxSeq`: the caller's (the state the person previewed),
 * else the state the plan was computed on, so a write that lands between plan and write is a
 * CONFLICT and nothing is written. A transaction holds at most LIMITS.eventsPerTxnMax events, so
 * its re-publish always fits in one.
 *
 * Generic over any EventStore (reads and one append). The server's routes run it next to the
 * data; the HTTP services (http.ts) call those routes (`GET …/preview-republish`,
 * `POST …/republish`) instead of running it over the HTTP store, so the browser, the CLI and Node
 * clients share this one implementation and a preview costs one request, not one per key.
 */
import { compareKeys } from '../model/canonical';
import { TidemarkError, badRequest, hasErrorCode } from '../model/errors';
import { LIMITS } from '../model/limits';
import type {
  InvalidateImpactRow,
  RepublishOptions,
  RepublishPreview,
  RepublishResult,
  RepublishSkipRow,
} from '../model/store-api';
import type { EventInput, JsonObject, StoredEvent } from '../model/types';
import { validateLimit, validatePositiveInt, validateTopic } from '../model/validate';
import type { EventStore } from '../store/types';
import { heads, toRow } from './preview';

interface Plan {
  asOf: { maxSeq: number; maxTxn: number };
  keysTouched: number;
  writes: { row: InvalidateImpactRow; event: StoredEvent }[];
  skipped: RepublishSkipRow[];
}

/** The message of a stale re-publish, the same on every path. */
export function republishMovedOn(expected: number, now: number | null): TidemarkError {
  const state = now === null ? '' : ` (previewed at max seq ${expected}, now ${now})`;
  return new TidemarkError('CONFLICT', `the topic moved on since the preview${state}; preview again`);
}

async function plan(store: EventStore, topic: string, txn: number): Promise<Plan> {
  // The state first: anything written after this read makes the guarded write a CONFLICT.
  const info = await store.topicInfo(topic);
  const detail = await store.getTxn(topic, txn);
  if (detail.marker || detail.events.some((e) => e.type === 'invalidate')) {
    throw badRequest(
      `txn: transaction ${txn} is an invalidation marker; only an invalidated transaction of events can be re-published`,
    );
  }
  if (detail.invalidatedBy === null) {
    throw badRequest(`txn: transaction ${txn} is not invalidated; only an invalidated transaction can be re-published`);
  }
  const last = new Map<string, StoredEvent>();
  for (const e of detail.events) last.set(e.key, e);
  const keys = [...last.keys()].sort(compareKeys);
  const out: Plan = {
    asOf: { maxSeq: info.maxSeq, maxTxn: info.maxTxn },
    keysTouched: keys.length,
    writes: [],
    skipped: [],
  };
  for (const key of keys) {
    const event = last.get(key)!;
    // The transaction is invalid, so the newest valid event never comes from it.
    const { now } = await heads(store, topic, key, txn);
    const current = toRow(now);
    if (now !== undefined && now.txn > txn) {
      out.skipped.push({ key, reason: 'changedLater', current });
      continue;
    }
    const after = toRow(event);
    if ((current?.hash ?? null) === (after?.hash ?? null)) {
      out.skipped.push({ key, reason: 'unchanged', current });
      continue;
    }
    out.writes.push({ row: { key, before: current, after }, event });
  }
  return out;
}

function checkArgs(topic: string, txn: number): void {
  validateTopic(topic);
  validatePositiveInt(txn, 'txn');
}

export async function previewRepublish(
  store: EventStore,
  topic: string,
  txn: number,
  limit: number = LIMITS.pageDefault,
): Promise<RepublishPreview> {
  checkArgs(topic, txn);
  const max = validateLimit(limit);
  const p = await plan(store, topic, txn);
  return {
    topic,
    txn,
    rows: p.writes.slice(0, max).map((w) => w.row),
    skipped: p.skipped.slice(0, max),
    keysTouched: p.keysTouched,
    writes: p.writes.length,
    skips: p.skipped.length,
    truncated: p.writes.length > max || p.skipped.length > max,
    asOf: p.asOf,
  };
}

export async function republish(
  store: EventStore,
  topic: string,
  txn: number,
  opts: RepublishOptions = {},
): Promise<RepublishResult> {
  checkArgs(topic, txn);
  const p = await plan(store, topic, txn);
  const expected = opts.expectMaxSeq ?? p.asOf.maxSeq;
  if (expected !== p.asOf.maxSeq) throw republishMovedOn(expected, p.asOf.maxSeq);
  const base = { topic, target: txn, skipped: p.skipped.length };
  if (p.writes.length === 0) return { ...base, txn: null, written: 0 };
  const meta: JsonObject = { republishOf: txn };
  if (opts.note !== undefined) meta.note = opts.note;
  const events: EventInput[] = p.writes.map(({ event }) => ({
    key: event.key,
    data: event.data,
    contentType: event.contentType,
  }));
  try {
    const res = await store.append(topic, {
      events,
      expectMaxSeq: expected,
      meta,
      ...(opts.by !== undefined ? { by: opts.by } : {}),
    });
    return { ...base, txn: res.txn, written: res.results.filter((r) => !r.duplicate).length };
  } catch (err) {
    if (hasErrorCode(err) && err.code === 'CONFLICT') throw republishMovedOn(expected, null);
    throw err;
  }
}
