/**
 * `repairFromDiff`: a repair over any local store (SQLite, PostgreSQL, the memory store). It runs
 * the real diff (diff/index.ts, every non-equal row through `onRow`, the snapshot hashed as it
 * streams), turns each row of an included category (and of the chosen keys) into one event
 * (repair-patch.ts), and writes them with one `appendBatch(…, {atomic: true, dryRun})`: 10,000
 * events per transaction, consecutive numbers, one database commit, all or nothing. The first
 * transaction is guarded by `expectMaxSeq` = the diff's `asOf.maxSeq`, so what was compared is
 * what is patched; a caller's `expectMaxSeq` that is not that maxSeq is a CONFLICT before
 * anything is written. Each transaction carries `meta.repair` (reason, snapshot name and SHA-256,
 * the diff summary, the options or their hash), built here and so exempt from the writers' meta
 * cap (store/prepare.ts `engineMeta`). More than LIMITS.repairEventsMax events is TOO_LARGE, found
 * while the diff runs (it stops there), before anything is written.
 */
import { createHash } from 'node:crypto';
import { TidemarkError, badRequest, conflict, isErrorCode } from '../model/errors';
import { DEFAULT_CONTENT_TYPE, LIMITS } from '../model/limits';
import type { LongOperation } from '../model/store-api';
import type {
  AppendResponse,
  BatchTxn,
  DiffRow,
  EventInput,
  JsonObject,
  RepairResult,
  StoredEvent,
} from '../model/types';
import { diffSnapshot } from '../diff/index';
import type { CompareSpec } from '../diff/compare';
import { checkOptions } from '../diff/options';
import type { Chunk, DiffOptions, SnapshotSource } from '../diff/types';
import { hashData } from '../store/hash';
import { engineMeta } from '../store/meta';
import type { EventStore } from '../store/types';
import { type CheckedRepair, checkRepairOptions, recordedOptions } from './repair-options';
import { repairEvent } from './repair-patch';
import type { RepairOptions } from './types';

/** The snapshot's body, hashed as the diff reads it; `destroy` still reaches a stream body. */
function hashing(source: SnapshotSource): { source: SnapshotSource; digest: () => string } {
  const hash = createHash('sha256');
  const inner = source.body;
  async function* pass(): AsyncGenerator<Chunk> {
    for await (const chunk of inner) {
      hash.update(chunk);
      yield chunk;
    }
  }
  const body = Object.assign(pass(), {
    destroy: (e?: Error) => (inner as { destroy?: (e?: Error) => void }).destroy?.(e),
  });
  return { source: { ...source, body }, digest: () => hash.digest('hex') };
}

export async function repairFromDiff(
  store: EventStore,
  topic: string,
  source: SnapshotSource,
  opts: RepairOptions,
  op: LongOperation = {},
  place: Pick<DiffOptions, 'tmpDir'> = {},
): Promise<RepairResult> {
  const r = checkRepairOptions(opts);
  const diffOpts: DiffOptions = { ...diffPart(opts), ...place, limit: 0 };
  const checked = checkOptions(diffOpts);
  const spec: CompareSpec = {
    keyField: checked.keyField,
    fields: checked.fields,
    ignore: checked.ignore,
    csv: source.format === 'csv',
  };
  if (checked.rules !== undefined) spec.rules = checked.rules;
  const events: EventInput[] = [];
  const onRow = (row: DiffRow): void => {
    if (r.keys !== null && !r.keys.has(row.key)) return;
    const e = repairEvent(row, r.include, spec);
    if (e === null) return;
    r.keys?.delete(row.key);
    if (events.length === LIMITS.repairEventsMax) {
      throw new TidemarkError(
        'TOO_LARGE',
        `the repair would write more than ${LIMITS.repairEventsMax} events; choose keys or categories to repair in parts (nothing was written)`,
      );
    }
    events.push(e);
  };
  const hashed = hashing(source);
  const diff = await diffSnapshot(store, topic, hashed.source, { ...diffOpts, onRow }, op);
  if (r.keys !== null && r.keys.size > 0) {
    const [first] = r.keys;
    throw badRequest(
      `keys: ${JSON.stringify(first)} is not a ${[...r.include].join(' or ')} row of this diff (${r.keys.size} chosen keys are not); nothing was written`,
    );
  }
  if (r.expectMaxSeq !== undefined && r.expectMaxSeq !== diff.asOf.maxSeq) {
    throw conflict(
      `expectMaxSeq: topic ${JSON.stringify(topic)} is at seq ${diff.asOf.maxSeq}, not ${r.expectMaxSeq}; run the diff again and review it (nothing was written)`,
    );
  }
  const answer = (written: number, txns: number[], events: StoredEvent[]): RepairResult => ({
    summary: diff.summary,
    written,
    txns,
    events,
    asOf: diff.asOf,
    dryRun: r.dryRun,
  });
  if (events.length === 0) return answer(0, [], []);
  if (op.signal?.aborted) throw new TidemarkError('CANCELLED', 'repair cancelled; nothing was written');
  const meta = repairMeta(r, opts, diff.summary, hashed.digest());
  const txns: BatchTxn[] = [];
  for (let i = 0; i < events.length; i += LIMITS.eventsPerTxnMax) {
    const txn: BatchTxn = { topic, events: events.slice(i, i + LIMITS.eventsPerTxnMax), meta };
    if (r.by !== null) txn.by = r.by;
    if (i === 0) txn.expectMaxSeq = diff.asOf.maxSeq;
    txns.push(txn);
  }
  op.onProgress?.({ done: 0, total: events.length, unit: 'rows', phase: 'writing' });
  const res = await store.appendBatch(txns, { atomic: true, dryRun: r.dryRun });
  if (res.error !== null) {
    const why =
      res.error.code === 'CONFLICT' ? 'the topic moved on since the diff read it; run it again' : res.error.message;
    const code = isErrorCode(res.error.code) ? res.error.code : 'INTERNAL';
    throw new TidemarkError(code, `repair: ${why} (nothing was written)`);
  }
  op.onProgress?.({ done: events.length, total: events.length, unit: 'rows', phase: 'writing' });
  const used: number[] = [];
  let written = 0;
  for (const t of res.results) {
    if (t.txn !== null) used.push(t.txn);
    for (const x of t.results) if (!x.duplicate) written++;
  }
  const shown = Math.min(written, r.limit);
  const stored = r.dryRun
    ? wouldStore(topic, txns, res.results, shown)
    : await readBack(store, topic, diff.asOf.maxSeq, shown);
  return answer(written, used, stored);
}

/** The diff's own options out of a repair's (the rest are the repair's). */
function diffPart(opts: RepairOptions): DiffOptions {
  const out: DiffOptions = {};
  if (opts.keyField !== undefined) out.keyField = opts.keyField;
  if (opts.fields !== undefined) out.fields = opts.fields;
  if (opts.ignore !== undefined) out.ignore = opts.ignore;
  if (opts.map !== undefined) out.map = opts.map;
  if (opts.tolerance !== undefined) out.tolerance = opts.tolerance;
  if (opts.normalise !== undefined) out.normalise = opts.normalise;
  return out;
}

/** The first `n` events a dry run would have stored (time: now, as a write now would have it). */
function wouldStore(topic: string, txns: BatchTxn[], results: AppendResponse[], n: number): StoredEvent[] {
  const out: StoredEvent[] = [];
  const time = new Date().toISOString();
  results.forEach((t, i) =>
    t.results.forEach((x, j) => {
      if (x.duplicate || out.length >= n) return;
      const { key, data } = txns[i]!.events[j]!;
      out.push({
        topic,
        seq: x.seq,
        txn: x.txn,
        key,
        type: 'event',
        data,
        contentType: DEFAULT_CONTENT_TYPE,
        hash: hashData(data),
        time,
      });
    }),
  );
  return out;
}

/** The first `n` events the repair stored: they follow `maxSeq` with nothing between. */
async function readBack(store: EventStore, topic: string, maxSeq: number, n: number): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  while (out.length < n) {
    const page = await store.readEvents(topic, {
      after: maxSeq + out.length,
      limit: Math.min(LIMITS.pageMax, n - out.length),
    });
    if (page.events.length === 0) break;
    out.push(...page.events);
  }
  return out;
}

function repairMeta(
  r: CheckedRepair,
  opts: RepairOptions,
  summary: RepairResult['summary'],
  sha256: string,
): JsonObject {
  return engineMeta({
    repair: {
      reason: r.reason,
      snapshot: { name: r.name, sha256 },
      summary: { ...summary },
      options: recordedOptions(opts),
    },
  });
}
