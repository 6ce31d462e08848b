/**
 * Verify (docs/integrity.md): the backend-neutral engine behind `EventStore.verify`. It reads a
 * topic's RAW rows through a `VerifySource` (verify-source.ts; each backend implements one over
 * its own tables, in one read snapshot) in bounded pages and checks, in this order, stopping at
 * the first problem:
 *
 * 1. the walk, transaction by transaction in txn order with its events in seq order:
 *    `numbering` (txn dense from 1, seq dense from 1, each transaction's events exactly
 *    firstSeq..lastSeq), the chain (`data` / `hash` / `chain`, told apart by recomputing the chain
 *    with a substitution, see `classify`), `marker` (invalid flags and `invalidatedBy` against the
 *    markers in the log, both ways, by point lookups), and the legacy values (listed, not failing);
 * 2. `surface`: the maintained heads rows against the log's newest (valid) event per key, a merge
 *    of two key-ordered page streams;
 * 3. `counters`: the topic row against what the walk and the merge counted;
 * 4. `anchor`: `expectHead` must be one of the (verified) chains.
 *
 * It stops at the first problem because whatever follows a broken number or link is judged
 * against a log already known to be wrong; `txns`/`events` then count what was checked before it.
 * Memory stays flat: one page of transactions, one of events, one transaction's events, one page
 * of heads of each side (no map over the keys). Every chain computation is store/chain.ts's.
 */
import { TidemarkError, noSuchTopic } from '../model/errors';
import { LIMITS } from '../model/limits';
import type { LegacyValue, VerifyOptions, VerifyProblem, VerifyResult, VerifyWhat } from '../model/integrity';
import { compareKeys } from '../model/canonical';
import { type ChainEvent, GENESIS, chainEventOfRow, chainOf } from './chain';
import { checkExpectHead } from '../model/validate';
import { legacyProblem } from './verify-legacy';
import {
  EventCursor,
  HeadCursor,
  type RawCounters,
  type RawEvent,
  type RawTxn,
  VERIFY_PAGE,
  type VerifySource,
} from './verify-source';

// Checked where the route and the backends take the option; its home is model/validate.ts, so the
// CLI checks `--expect-head` without loading the verifier.
export { checkExpectHead };

export type { RawCounters, RawEvent, RawHead, RawTxn, VerifySource } from './verify-source';

/** Candidates tried one by one when telling `data` from `hash` (beyond: `chain`). */
const CLASSIFY_TRIES = 32;

class Found extends Error {
  constructor(readonly problem: VerifyProblem) {
    super(problem.message);
  }
}

function fail(txn: number | null, what: VerifyWhat, message: string): never {
  throw new Found({ txn, what, message });
}

/** Lets the event loop run between pages (a synchronous source would otherwise hold it). */
function breathe(signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) =>
    setImmediate(() => (signal?.aborted === true ? reject(cancelledVerify()) : resolve())),
  );
}

function cancelledVerify(): TidemarkError {
  return new TidemarkError('CANCELLED', 'verify was cancelled');
}

function chainEvent(e: RawEvent, hash = e.hash, digest?: string): ChainEvent {
  const c = chainEventOfRow(e.seq, e.key, e.marker, e.data, e.contentType, hash, e.target, e.reason);
  if (digest !== undefined) c.digest = digest;
  return c;
}

function chainTxn(t: RawTxn): { txn: number; time: string; by: string | null; meta: string | null } {
  return { txn: t.txn, time: t.time, by: t.by, meta: t.meta };
}

const describe = (e: RawEvent): string => `seq ${e.seq} (key ${JSON.stringify(e.key)})`;

/**
 * Why transaction `t`'s chain does not match: for an event whose stored hash is not the digest of
 * its stored data, recompute with the hash replaced by the digest (a match: the hash column was
 * changed) and with the digest replaced by the hash (a match: the data was changed, the hash being
 * the store's). Neither: `chain` (time, by, meta, key, order, the link itself).
 */
function classify(prev: string, t: RawTxn, events: readonly RawEvent[]): VerifyProblem {
  const base = events.map((e) => chainEvent(e));
  const odd = events.map((e, i) => ({ e, i })).filter(({ e, i }) => !e.marker && e.hash !== base[i]!.digest);
  for (const { e, i } of odd.slice(0, CLASSIFY_TRIES)) {
    const withDigest = base.slice();
    withDigest[i] = chainEvent(e, base[i]!.digest);
    if (chainOf(prev, chainTxn(t), withDigest) === t.chain) {
      return {
        txn: t.txn,
        what: 'hash',
        message: `transaction ${t.txn}: the stored hash of ${describe(e)} was changed (it is not the one the chain covers)`,
      };
    }
    const withHash = base.slice();
    withHash[i] = chainEvent(e, e.hash, e.hash);
    if (chainOf(prev, chainTxn(t), withHash) === t.chain) {
      return {
        txn: t.txn,
        what: 'data',
        message: `transaction ${t.txn}: the stored data of ${describe(e)} was changed (it no longer has its hash)`,
      };
    }
  }
  const link =
    t.chain === null
      ? 'has no chain'
      : `chain ${t.chain.slice(0, 12)}… does not match its content and the previous chain`;
  return {
    txn: t.txn,
    what: 'chain',
    message: `transaction ${t.txn}: ${link} (time, by, meta, keys, order or the link changed)`,
  };
}

interface WalkState {
  txns: number;
  events: number;
  invalidTxns: number;
  prev: string;
  head: string | null;
  lastTime: string | null;
  anchorFound: boolean;
  legacy: LegacyValue[];
  legacyCut: boolean;
  /** Transactions checked at the last progress report (-1: none yet). */
  reported: number;
}

/** Checks one transaction's events against its row: numbering, markers, times. */
async function checkTxnEvents(src: VerifySource, t: RawTxn, events: readonly RawEvent[]): Promise<void> {
  for (const e of events) {
    if (e.time !== t.time)
      fail(t.txn, 'chain', `transaction ${t.txn}: ${describe(e)} has time ${e.time}, its transaction ${t.time}`);
    if (e.marker !== t.marker)
      fail(
        t.txn,
        'marker',
        `transaction ${t.txn}: ${describe(e)} ${e.marker ? 'is' : 'is not'} a marker, its transaction says otherwise`,
      );
    if (e.invalid !== (t.invalidatedBy !== null)) {
      fail(
        t.txn,
        'marker',
        `transaction ${t.txn}: ${describe(e)} is ${e.invalid ? '' : 'not '}flagged invalid, but its transaction ${t.invalidatedBy === null ? 'has no marker' : `is invalidated by seq ${t.invalidatedBy}`}`,
      );
    }
  }
  if (t.marker) {
    const m = events[0]!;
    if (events.length !== 1)
      fail(t.txn, 'marker', `transaction ${t.txn}: a marker transaction holds ${events.length} events`);
    const target = m.target ?? 0;
    const tt = target > 0 && target < t.txn ? await src.txnAt(target) : null;
    if (tt === null || tt.marker || tt.invalidatedBy !== m.seq) {
      fail(
        t.txn,
        'marker',
        `transaction ${t.txn}: the marker at seq ${m.seq} targets transaction ${target}, which ${tt === null ? 'is not an earlier transaction' : tt.marker ? 'is a marker' : `records ${tt.invalidatedBy === null ? 'no marker' : `the marker at seq ${tt.invalidatedBy}`}`}`,
      );
    }
  }
  if (t.invalidatedBy !== null) {
    const m = await src.eventAt(t.invalidatedBy);
    if (m === null || !m.marker || m.target !== t.txn) {
      fail(
        t.txn,
        'marker',
        `transaction ${t.txn}: invalidated by seq ${t.invalidatedBy}, but ${m === null ? 'no such event is stored (the marker was removed)' : m.marker ? `that marker targets transaction ${m.target ?? 0}` : 'that event is not a marker'}`,
      );
    }
  }
}

function addLegacy(st: WalkState, t: RawTxn, e: RawEvent): void {
  if (e.marker) return;
  const problem = legacyProblem(e.key, e.data, e.contentType);
  if (problem === null) return;
  if (st.legacy.length < LIMITS.verifyLegacyMax) st.legacy.push({ txn: t.txn, seq: e.seq, key: e.key, problem });
  else st.legacyCut = true;
}

async function walk(src: VerifySource, totalTxns: number, opts: VerifyOptions, st: WalkState): Promise<void> {
  const cursor = new EventCursor(src);
  let nextSeq = 1;
  let after = 0;
  const report = (): void => {
    st.reported = st.txns;
    opts.onProgress?.({ txns: st.txns, events: st.events, totalTxns });
  };
  for (;;) {
    const page = await src.txns(after, VERIFY_PAGE);
    for (const t of page) {
      if (opts.signal?.aborted === true) throw cancelledVerify();
      const expected = st.txns + 1;
      if (t.txn !== expected)
        fail(expected, 'numbering', `transaction ${expected} is missing (the next stored is ${t.txn})`);
      if (t.firstSeq !== nextSeq || t.lastSeq < t.firstSeq) {
        fail(
          t.txn,
          'numbering',
          `transaction ${t.txn}: holds seq ${t.firstSeq}..${t.lastSeq}, expected to start at seq ${nextSeq}`,
        );
      }
      const events: RawEvent[] = [];
      for (let e = await cursor.peek(); e !== null && e.seq <= t.lastSeq; e = await cursor.peek()) {
        if (e.seq !== nextSeq)
          fail(t.txn, 'numbering', `transaction ${t.txn}: seq ${nextSeq} is missing (the next stored is ${e.seq})`);
        if (e.txn !== t.txn)
          fail(t.txn, 'numbering', `transaction ${t.txn}: ${describe(e)} is stored as transaction ${e.txn}'s`);
        events.push(e);
        nextSeq++;
        cursor.next();
      }
      if (nextSeq !== t.lastSeq + 1)
        fail(
          t.txn,
          'numbering',
          `transaction ${t.txn}: seq ${nextSeq} is missing (it holds seq ${t.firstSeq}..${t.lastSeq})`,
        );
      const recomputed = chainOf(
        st.prev,
        chainTxn(t),
        events.map((e) => chainEvent(e)),
      );
      if (recomputed !== t.chain) throw new Found(classify(st.prev, t, events));
      await checkTxnEvents(src, t, events);
      for (const e of events) addLegacy(st, t, e);
      if (t.invalidatedBy !== null) st.invalidTxns++;
      if (t.chain === opts.expectHead) st.anchorFound = true;
      st.prev = recomputed;
      st.head = recomputed;
      st.lastTime = t.time;
      st.txns++;
      st.events += events.length;
    }
    report();
    await breathe(opts.signal);
    if (page.length < VERIFY_PAGE) break;
    after = page[page.length - 1]!.txn;
  }
  const extra = await cursor.peek();
  if (extra !== null)
    fail(extra.txn, 'numbering', `${describe(extra)} is stored after the last transaction's seq ${nextSeq - 1}`);
}

/** The maintained heads against the log's fold; returns how many keys have a live valid head. */
async function checkSurface(src: VerifySource, signal?: AbortSignal): Promise<number> {
  const broken = await src.invariant?.();
  if (broken) fail(null, 'surface', broken);
  const heads = new HeadCursor((a, l) => src.heads(a, l));
  const fold = new HeadCursor((a, l) => src.fold(a, l));
  const len = src.headHashLength;
  let keys = 0;
  let n = 0;
  for (;;) {
    if (++n % VERIFY_PAGE === 0) await breathe(signal);
    const h = await heads.peek();
    const f = await fold.peek();
    if (h === null && f === null) return keys;
    const c = h === null ? 1 : f === null ? -1 : compareKeys(h.key, f.key);
    if (c < 0) {
      const ev = await src.eventAt(h!.rawSeq);
      fail(ev?.txn ?? null, 'surface', `the surface has key ${JSON.stringify(h!.key)}, which no event of the log has`);
    }
    if (c > 0)
      fail(
        f!.rawTxn ?? null,
        'surface',
        `the surface has no row for key ${JSON.stringify(f!.key)} (newest event seq ${f!.rawSeq})`,
      );
    const hh = h!;
    const ff = f!;
    const diffs: string[] = [];
    if (hh.rawSeq !== ff.rawSeq || hh.rawLive !== ff.rawLive)
      diffs.push(
        `raw head seq ${hh.rawSeq}${hh.rawLive ? '' : ' (tombstone)'}, the log's ${ff.rawSeq}${ff.rawLive ? '' : ' (tombstone)'}`,
      );
    if (hh.validSeq !== ff.validSeq || (ff.validSeq !== null && hh.validLive !== ff.validLive)) {
      diffs.push(`valid head seq ${hh.validSeq ?? 'none'}, the log's ${ff.validSeq ?? 'none'}`);
    } else if (ff.validHash !== null && (hh.validHash === null || ff.validHash.slice(0, len) !== hh.validHash)) {
      diffs.push(`valid head hash ${hh.validHash ?? 'none'}, the log's ${ff.validHash.slice(0, len)}`);
    }
    if (diffs.length > 0) fail(ff.rawTxn ?? null, 'surface', `key ${JSON.stringify(ff.key)}: ${diffs.join('; ')}`);
    if (ff.validSeq !== null && ff.validLive) keys++;
    heads.next();
    fold.next();
  }
}

function checkCounters(c: RawCounters, st: WalkState, keys: number, nextSeq: number): void {
  const log: RawCounters = {
    maxSeq: nextSeq,
    maxTxn: st.txns,
    keys,
    invalidTxns: st.invalidTxns,
    lastTime: st.lastTime,
    head: st.head,
  };
  const names = ['maxSeq', 'maxTxn', 'keys', 'invalidTxns', 'lastTime', 'head'] as const;
  const bad = names.filter((k) => c[k] !== log[k]);
  if (bad.length > 0) {
    const what = bad.map((k) => `${k} ${String(c[k])}, the log's ${String(log[k])}`).join('; ');
    fail(st.txns === 0 ? null : st.txns, 'counters', `the topic's counters do not match the log: ${what}`);
  }
}

/** Verifies one topic through `src` (which it closes). NOT_FOUND for an unknown topic. */
export async function verifyTopic(topic: string, src: VerifySource, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const expectHead = checkExpectHead(opts.expectHead);
  const st: WalkState = {
    txns: 0,
    events: 0,
    invalidTxns: 0,
    prev: GENESIS,
    head: null,
    lastTime: null,
    anchorFound: false,
    legacy: [],
    legacyCut: false,
    reported: -1,
  };
  try {
    const counters = await src.counters();
    if (counters === null) throw noSuchTopic(topic);
    let firstBad: VerifyProblem | null = null;
    try {
      await walk(src, counters.maxTxn, { ...opts, expectHead }, st);
      const keys = await checkSurface(src, opts.signal);
      checkCounters(counters, st, keys, st.events);
      if (expectHead !== undefined && !st.anchorFound) {
        fail(
          null,
          'anchor',
          `the expected head ${expectHead.slice(0, 12)}… is not the chain of any of the ${st.txns} transactions`,
        );
      }
    } catch (err) {
      if (!(err instanceof Found)) throw err;
      firstBad = err.problem;
    }
    // The last progress report, unless the walk already made this one (one line per state).
    if (st.reported !== st.txns) opts.onProgress?.({ txns: st.txns, events: st.events, totalTxns: counters.maxTxn });
    return {
      ok: firstBad === null,
      txns: st.txns,
      events: st.events,
      head: st.head,
      firstBad,
      legacy: st.legacy,
      legacyCut: st.legacyCut,
    };
  } finally {
    await src.close();
  }
}
