/**
 * `copyStores(source, target, opts)`: every topic (or the named ones) of one store copied into
 * another through `EventStore.importTxns` (an HTTP target: the server's import route), with
 * numbers, times, hashes, markers, meta and by preserved (docs/operations.md). Steps:
 *
 * 1. Plan: per topic, the target's head and maxTxn k; the source's chain at txn k must equal that
 *    head, else the topic is refused ("the target has diverged at or before txn k"). Nothing is
 *    written when any topic is refused.
 * 2. Preflight: the source's transactions after k are read and every value checked against what
 *    the target can hold (store/holds.ts); each one it cannot is reported (topic, txn, seq, key,
 *    why) with what to do, and nothing is written.
 * 3. Copy: per topic, import k+1.. in pages as read (services/txn-reader.ts). Resumable: running
 *    it again starts from the target's head.
 * 4. Check: per topic the heads are compared; a source that moved on during the copy is reported
 *    as behind (run again, or follow).
 *
 * `followCopy` then keeps the target in step: after catching up, every new source transaction
 * (markers included) is imported as it commits (the source's live tail wakes it; a poll is the
 * safety net, and finds new topics when none were named), until `signal` aborts; then the heads
 * are compared. Progress is reported per topic; an aborted signal ends a copy with CANCELLED.
 */
import { TidemarkError, hasErrorCode } from '../model/errors';
import type { TopicInfo } from '../model/types';
import { type HoldProblem, describeHoldProblem, holdProblem, holdingBackendOf } from '../store/holds';
import type { EventStore } from '../store/types';
import { readImportTxns } from './txn-reader';

export interface CopyProgress {
  topic: string;
  phase: 'preflight' | 'copy' | 'follow';
  /** Transactions done in this phase for this topic, and how many it has to do (as planned). */
  txns: number;
  totalTxns: number;
}

export interface CopyOptions {
  /** Only these topics (default: every topic of the source). */
  topics?: string[];
  signal?: AbortSignal;
  onProgress?: (p: CopyProgress) => void;
  /** Most hold problems reported (default 100; all are counted). */
  maxProblems?: number;
}

export interface TopicCopyReport {
  topic: string;
  /** The target's maxTxn before this run (where it resumed), and transactions imported now. */
  resumedAfter: number;
  imported: number;
  /** The heads at the end, and whether they are equal. */
  sourceHead: string | null;
  targetHead: string | null;
  equal: boolean;
  /** Transactions the source has beyond the target at the end (it moved on during the copy). */
  behind: number;
}

export interface CopyReport {
  topics: TopicCopyReport[];
}

/** One value the target cannot hold, where it is. */
export interface CopyHoldProblem extends HoldProblem {
  topic: string;
}

interface Plan {
  topic: string;
  after: number;
  total: number;
}

const WHAT_TO_DO =
  "copy into a SQLite file instead (it holds these values), or leave these topics out with --topic (a topic's whole history is copied, invalidated transactions included, so it can only move to a backend that holds them)";

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new TidemarkError('CANCELLED', 'copy cancelled');
}

async function infoOrNull(store: EventStore, topic: string): Promise<TopicInfo | null> {
  try {
    return await store.topicInfo(topic);
  } catch (e) {
    if (hasErrorCode(e) && e.code === 'NOT_FOUND') return null;
    throw e;
  }
}

/** The chain of transaction `txn` in `store` (null when it has none). */
async function chainAt(store: EventStore, topic: string, txn: number): Promise<string | null> {
  const page = await store.listTxns(topic, { after: txn - 1, limit: 1 });
  const t = page.txns[0];
  return t !== undefined && t.txn === txn ? t.chain : null;
}

/** Where the target stands for `topic`, checked against the source (CONFLICT when it diverged). */
async function planTopic(source: EventStore, target: EventStore, topic: string): Promise<Plan> {
  const src = await source.topicInfo(topic);
  const dst = await infoOrNull(target, topic);
  const k = dst?.maxTxn ?? 0;
  if (k > 0 && (await chainAt(source, topic, k)) !== dst!.head) {
    throw new TidemarkError(
      'CONFLICT',
      `topic "${topic}": the target has diverged at or before txn ${k}; run tidemark compare`,
    );
  }
  return { topic, after: k, total: Math.max(0, src.maxTxn - k) };
}

async function topicsOf(source: EventStore, opts: CopyOptions): Promise<string[]> {
  if (opts.topics !== undefined && opts.topics.length > 0) return [...new Set(opts.topics)];
  return (await source.listTopics()).map((t) => t.topic);
}

/** Every value of the source after each plan's start that the target cannot hold. */
export async function preflightCopy(
  source: EventStore,
  target: EventStore,
  plans: readonly Plan[],
  opts: CopyOptions = {},
): Promise<{ problems: CopyHoldProblem[]; count: number }> {
  const backend = holdingBackendOf(target.kind);
  const max = opts.maxProblems ?? 100;
  const problems: CopyHoldProblem[] = [];
  let count = 0;
  for (const p of plans) {
    let n = 0;
    const read = { afterTxn: p.after, ...(opts.signal !== undefined ? { signal: opts.signal } : {}) };
    for await (const u of readImportTxns(source, p.topic, read)) {
      const found = holdProblem(backend, u);
      if (found !== null) {
        count++;
        if (problems.length < max) problems.push({ topic: p.topic, ...found });
      }
      if (++n % 500 === 0) opts.onProgress?.({ topic: p.topic, phase: 'preflight', txns: n, totalTxns: p.total });
    }
    opts.onProgress?.({ topic: p.topic, phase: 'preflight', txns: n, totalTxns: p.total });
  }
  return { problems, count };
}

/** The preflight's refusal, one line: how many values, the first, and what to do (`problems` holds them all). */
export function preflightError(target: EventStore, problems: CopyHoldProblem[], count: number): TidemarkError {
  const first = problems[0]!;
  return Object.assign(
    new TidemarkError(
      'BAD_REQUEST',
      `the target (${target.kind}) cannot hold ${count} value(s) of the source (the first: topic "${first.topic}", ${describeHoldProblem(first)}); nothing was written: ${WHAT_TO_DO}`,
    ),
    { problems },
  );
}

/** Imports the source's transactions after `after` into the target; returns how many. */
async function copyTopic(
  source: EventStore,
  target: EventStore,
  p: Plan,
  phase: CopyProgress['phase'],
  opts: CopyOptions,
): Promise<number> {
  const read = { afterTxn: p.after, ...(opts.signal !== undefined ? { signal: opts.signal } : {}) };
  const res = await target.importTxns(p.topic, readImportTxns(source, p.topic, read), {
    ...(opts.signal !== undefined ? { signal: opts.signal } : {}),
    onProgress: (n) => opts.onProgress?.({ topic: p.topic, phase, txns: n, totalTxns: Math.max(p.total, n) }),
  });
  if (res.error !== null) {
    throw new TidemarkError(
      res.error.code === 'CONFLICT' ? 'CONFLICT' : 'BAD_REQUEST',
      `topic "${p.topic}": txn ${p.after + res.imported + 1} was refused by the target (${res.error.status} ${res.error.code}): ${res.error.message}; ${res.imported} transaction(s) were imported before it`,
    );
  }
  return res.imported;
}

async function reportOf(
  source: EventStore,
  target: EventStore,
  topic: string,
  resumedAfter: number,
  imported: number,
): Promise<TopicCopyReport> {
  const src = await source.topicInfo(topic);
  const dst = await infoOrNull(target, topic);
  const targetHead = dst?.head ?? null;
  return {
    topic,
    resumedAfter,
    imported,
    sourceHead: src.head,
    targetHead,
    equal: src.head === targetHead,
    behind: Math.max(0, src.maxTxn - (dst?.maxTxn ?? 0)),
  };
}

/** Plans every topic, preflights, copies and compares heads (see the top of this file). */
export async function copyStores(source: EventStore, target: EventStore, opts: CopyOptions = {}): Promise<CopyReport> {
  const topics = await topicsOf(source, opts);
  const plans: Plan[] = [];
  for (const topic of topics) plans.push(await planTopic(source, target, topic));
  checkAbort(opts.signal);
  const { problems, count } = await preflightCopy(source, target, plans, opts);
  if (count > 0) throw preflightError(target, problems, count);
  const reports: TopicCopyReport[] = [];
  for (const p of plans) {
    checkAbort(opts.signal);
    const imported = await copyTopic(source, target, p, 'copy', opts);
    reports.push(await reportOf(source, target, p.topic, p.after, imported));
  }
  return { topics: reports };
}

export interface FollowOptions extends CopyOptions {
  /** The safety-net poll, ms (default 1000). */
  pollMs?: number;
  /**
   * Called when a round fails with UNAVAILABLE (a store unreachable for a while): the replica
   * tries again after the poll interval instead of ending. Any other failure ends it.
   */
  onRetry?: (err: unknown) => void;
  /** Called once the first catch-up is done and the target follows live. */
  onLive?: (report: CopyReport) => void;
}

/**
 * `copyStores`, then keeps the target in step until `signal` aborts (required), and answers the
 * heads compared at that point (after importing what had committed by then).
 */
export async function followCopy(
  source: EventStore,
  target: EventStore,
  opts: FollowOptions & { signal: AbortSignal },
): Promise<CopyReport> {
  const first = await copyStores(source, target, opts);
  opts.onLive?.(first);
  const imported = new Map(first.topics.map((t) => [t.topic, t.imported]));
  const resumed = new Map(first.topics.map((t) => [t.topic, t.resumedAfter]));
  const stops = new Map<string, () => void>();
  let wake: (() => void) | null = null;
  const poke = (): void => wake?.();
  const watch = (topic: string): void => {
    if (stops.has(topic)) return;
    stops.set(topic, source.subscribe(topic, poke));
  };
  const noSignal: CopyOptions = { ...opts };
  delete noSignal.signal;
  try {
    for (;;) {
      try {
        for (const topic of await topicsOf(source, opts)) {
          watch(topic);
          const p = await planTopic(source, target, topic);
          if (p.total === 0) continue;
          if (!resumed.has(topic)) resumed.set(topic, p.after);
          // A transaction being imported when the stop comes is finished (not cancelled half way).
          const n = await copyTopic(source, target, p, 'follow', noSignal);
          imported.set(topic, (imported.get(topic) ?? 0) + n);
        }
      } catch (e) {
        if (!hasErrorCode(e) || e.code !== 'UNAVAILABLE' || opts.signal.aborted) throw e;
        opts.onRetry?.(e);
      }
      if (opts.signal.aborted) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, opts.pollMs ?? 1000);
        function done(): void {
          clearTimeout(timer);
          opts.signal.removeEventListener('abort', done);
          wake = null;
          resolve();
        }
        wake = done;
        opts.signal.addEventListener('abort', done);
      });
    }
  } finally {
    for (const stop of stops.values()) stop();
  }
  const reports: TopicCopyReport[] = [];
  for (const [topic, n] of imported) reports.push(await reportOf(source, target, topic, resumed.get(topic) ?? 0, n));
  return { topics: reports };
}
