/**
 * How an import runs, beside its checks (import-check.ts), shared by every backend's import path:
 * `ImportClaims` holds the source's word on invalidations against the imported markers across one
 * `importTxns` call, `importGroups` reads the given transactions lazily in groups that one
 * database commit takes (bounded in transactions, events and bytes, and handed on as soon as the
 * source has nothing more ready), and `noteImportBytes` lets the import route say how many bytes a
 * transaction arrived as, so a group's memory is bounded by what was received.
 */
import { TidemarkError, badRequest } from '../model/errors';
import type { ImportTxn } from '../model/integrity';
import { DEFAULT_CONTENT_TYPE } from '../model/limits';
import type { CheckedTxn } from './import-check';

/**
 * The source's word on invalidations, checked against the imported markers within one import: a
 * transaction said to be invalidated by seq s must be invalidated by the marker at s (when the
 * import reaches it), and a marker of this import must be the one its target named (if the
 * target was imported here and named one). A claim beyond the import's end cannot be checked yet
 * and is left to the call that imports that marker (the target state then says it).
 */
export class ImportClaims {
  /** Marker seq -> the transaction that claimed it, and the reason. */
  private readonly bySeq = new Map<number, { txn: number; reason: string }>();
  /** Transactions of this import -> their claim (null: valid when read). */
  private readonly ofTxn = new Map<number, number | null>();

  /** Throws BAD_REQUEST when `t` contradicts what earlier transactions of this import said. */
  check(t: CheckedTxn): void {
    if (t.claim !== null && t.claim.invalidatedBy <= t.lastSeq) {
      throw badRequest(`txn ${t.txn}: invalidatedBy: ${t.claim.invalidatedBy} is not a later seq`);
    }
    const claimed = this.bySeq.get(t.firstSeq);
    if (t.marker === null) {
      if (claimed !== undefined) {
        throw badRequest(`txn ${claimed.txn}: invalidatedBy: seq ${t.firstSeq} is not an invalidation marker`);
      }
      return;
    }
    if (claimed !== undefined && (claimed.txn !== t.marker.target || claimed.reason !== t.marker.reason)) {
      throw badRequest(
        `txn ${claimed.txn}: invalidatedBy: the marker at seq ${t.firstSeq} invalidates txn ${t.marker.target} with another reason or target`,
      );
    }
    const targetClaim = this.ofTxn.get(t.marker.target);
    if (targetClaim !== undefined && targetClaim !== null && targetClaim !== t.firstSeq) {
      throw badRequest(
        `txn ${t.marker.target}: invalidatedBy: says seq ${targetClaim}, but the marker at seq ${t.firstSeq} invalidates it`,
      );
    }
  }

  /** A copy to run a group against (a backend that may retry a group starts again from this). */
  clone(): ImportClaims {
    const c = new ImportClaims();
    for (const [k, v] of this.bySeq) c.bySeq.set(k, v);
    for (const [k, v] of this.ofTxn) c.ofTxn.set(k, v);
    return c;
  }

  /** Records a committed transaction's claims. */
  note(t: CheckedTxn): void {
    this.ofTxn.set(t.txn, t.claim?.invalidatedBy ?? null);
    if (t.claim !== null) this.bySeq.set(t.claim.invalidatedBy, { txn: t.txn, reason: t.claim.reason });
  }
}

/** Most transactions one backend write groups into one database commit during an import. */
export const IMPORT_GROUP_TXNS = 5000;
/** Most events one such group holds. */
export const IMPORT_GROUP_EVENTS = 20_000;
/** Most bytes (as received, where known: see `noteImportBytes`) one such group holds. */
export const IMPORT_GROUP_BYTES = 64 * 1024 * 1024;

/** The size in bytes a unit arrived as (the import route's NDJSON lines), bounding a group's memory. */
const unitBytes = new WeakMap<object, number>();

/** Records that `unit` arrived as `bytes` bytes (`importGroups` then bounds a group by them). */
export function noteImportBytes(unit: ImportTxn, bytes: number): void {
  unitBytes.set(unit, bytes);
}

/** Default content type kept as the backend's NULL where it does that (SQLite). */
export function isDefaultContentType(ct: string): boolean {
  return ct === DEFAULT_CONTENT_TYPE;
}

/**
 * The transactions of an import in groups that one database commit can take (at most
 * IMPORT_GROUP_TXNS transactions, IMPORT_GROUP_EVENTS events, IMPORT_GROUP_BYTES bytes as
 * received), read lazily so a long stream is never held whole. A group is also handed on as soon
 * as the source has nothing more ready (a body arriving slowly, a live replica): each transaction
 * commits soon after it arrives, not when a group happens to fill. An aborted `signal` ends it with
 * CANCELLED between groups (what was committed stays: running the import again resumes).
 */
export async function* importGroups(
  txns: AsyncIterable<ImportTxn> | Iterable<ImportTxn>,
  signal?: AbortSignal,
): AsyncGenerator<ImportTxn[]> {
  const isAsync = Symbol.asyncIterator in txns;
  const it: AsyncIterator<ImportTxn> | Iterator<ImportTxn> = isAsync
    ? txns[Symbol.asyncIterator]()
    : txns[Symbol.iterator]();
  const IDLE = Symbol('idle');
  let group: ImportTxn[] = [];
  let events = 0;
  let bytes = 0;
  let pending: Promise<IteratorResult<ImportTxn>> | null = null;
  // One sentinel per turn of the event loop, shared by every wait within it.
  let idle: Promise<typeof IDLE> | null = null;
  const turn = (): Promise<typeof IDLE> =>
    (idle ??= new Promise((res) =>
      setImmediate(() => {
        idle = null;
        res(IDLE);
      }),
    ));
  const check = (): void => {
    if (signal?.aborted === true) throw new TidemarkError('CANCELLED', 'import cancelled');
  };
  try {
    for (;;) {
      check();
      pending ??= Promise.resolve(it.next());
      let r: IteratorResult<ImportTxn> | typeof IDLE;
      // A synchronous source always has the next one ready.
      if (group.length === 0 || !isAsync) r = await pending;
      else {
        // Anything the source has ready arrives within a turn of the event loop.
        r = await Promise.race([pending, turn()]);
        if (r === IDLE) {
          yield group;
          group = [];
          events = 0;
          bytes = 0;
          continue;
        }
      }
      pending = null;
      if (r.done === true) break;
      const t = r.value;
      group.push(t);
      events += Array.isArray((t as Partial<ImportTxn> | null)?.events) ? t.events.length : 1;
      bytes += typeof t === 'object' && t !== null ? (unitBytes.get(t) ?? 0) : 0;
      if (group.length >= IMPORT_GROUP_TXNS || events >= IMPORT_GROUP_EVENTS || bytes >= IMPORT_GROUP_BYTES) {
        yield group;
        group = [];
        events = 0;
        bytes = 0;
      }
    }
    check();
    if (group.length > 0) yield group;
  } finally {
    if (pending === null) await it.return?.();
  }
}
