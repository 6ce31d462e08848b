/**
 * The core of `tidemark write`: groups parsed NDJSON lines into transactions of `txnSize` events
 * and writes them in order, keeping the one-line summary (`written`, `duplicates`, `txns`,
 * `firstTxn`, `lastTxn`, `events`). A bad line or a failed transaction stops the run: nothing of
 * that transaction is written, earlier complete transactions stay committed, and the thrown
 * `WriteFailed` carries both the summary of what was committed and a message saying so.
 *
 * With `--expect-max-seq N` the first transaction must find the topic at seq N and each later one
 * at the seq the previous one left, so no other writer can interleave. Otherwise transactions are
 * pipelined (HTTP: the client's ordered writer coalesces queued appends into ordered batch
 * requests and never applies a later transaction after an earlier failed) or grouped into
 * `appendBatch` calls (SQLite: one durable commit per group) while the next lines are parsed.
 */
import { type ErrorCode, TidemarkError, hasErrorCode } from '../model/errors';
import type { AppendRequest, AppendResponse, BatchTxn, EventInput, JsonObject } from '../model/types';
import type { EventStore } from '../store/types';
import { parseEventLine } from '../model/event-text';
import type { NumberedLine } from './ndjson-input';

export interface WriteSummary {
  /** Events stored. */
  written: number;
  /** Events not stored because they equal the key's newest valid event. */
  duplicates: number;
  /** Transactions that used a number (all-duplicate ones do not). */
  txns: number;
  firstTxn: number | null;
  lastTxn: number | null;
  /** Events committed (written + duplicates). */
  events: number;
}

export interface WriteOptions {
  txnSize: number;
  expectMaxSeq?: number;
  /** Stops reading: what was sent is settled, the rest is not written (WriteFailed CANCELLED). */
  signal?: AbortSignal;
  /** Called after each committed transaction with the number of events read so far. */
  onProgress?: (eventsRead: number) => void;
  /** Transactions per `appendBatch` call; 1 writes each with `append`. */
  groupTxns?: number;
  /**
   * Call `append` per transaction without waiting (the store pipelines and coalesces), keeping at
   * most `windowEvents` events outstanding (default 20,000) — enough for the HTTP writer to fill
   * large batch requests even with one event per transaction, bounded in memory.
   */
  pipeline?: boolean;
  windowEvents?: number;
  /** A group is also sent once its events' JSON exceeds this many bytes (approximate). */
  groupBytes?: number;
  /** Stored with every transaction written (`tidemark write --meta`). */
  meta?: JsonObject;
  /** Who writes (local stores only; a server takes it from the token). */
  by?: string | null;
}

export class WriteFailed extends TidemarkError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly summary: WriteSummary,
    readonly line: number | null,
  ) {
    super(code, message);
  }
}

interface PendingTxn {
  events: EventInput[];
  firstLine: number;
  lastLine: number;
  bytes: number;
}

export function emptySummary(): WriteSummary {
  return { written: 0, duplicates: 0, txns: 0, firstTxn: null, lastTxn: null, events: 0 };
}

export async function writeEvents(
  store: EventStore,
  topic: string,
  lines: AsyncIterable<NumberedLine>,
  opts: WriteOptions,
): Promise<WriteSummary> {
  const w = new TxnWriter(store, topic, opts);
  let current: PendingTxn | null = null;
  let read = 0;
  let lastLine = 0;
  for await (const { lineNo, text } of lines) {
    if (opts.signal?.aborted === true) break;
    lastLine = lineNo;
    let event: EventInput;
    try {
      event = parseEventLine(text, lineNo);
    } catch (err) {
      await w.drain();
      throw w.failure(err, current?.firstLine ?? lineNo, lineNo, lineNo);
    }
    read++;
    current ??= { events: [], firstLine: lineNo, lastLine: lineNo, bytes: 0 };
    current.events.push(event);
    current.lastLine = lineNo;
    current.bytes += text.length;
    if (current.events.length >= opts.txnSize) {
      await w.add(current, read);
      current = null;
    }
  }
  if (opts.signal?.aborted === true) {
    // Interrupted: what was sent is settled, the transaction being filled is dropped.
    await w.drain();
    const cancelled = new TidemarkError('CANCELLED', `interrupted after line ${lastLine}`);
    if (current === null) throw w.failure(cancelled, lastLine, lastLine, null, 'interrupted');
    throw w.failure(cancelled, current.firstLine, lastLine, null, 'interrupted');
  }
  if (current !== null) await w.add(current, read);
  await w.drain();
  return w.summary;
}

function eventCount(txns: PendingTxn[]): number {
  let n = 0;
  for (const t of txns) n += t.events.length;
  return n;
}

/** One submission: a group of transactions and the promise of their outcome. */
interface Unit {
  txns: PendingTxn[];
  outcome: Promise<Outcome>;
}

/** The applied prefix of a unit and, if one failed, its index and error. */
interface Outcome {
  responses: AppendResponse[];
  failedAt: number;
  error: unknown;
}

/**
 * Sends complete transactions in order. Three modes: with `expectMaxSeq`, one at a time (each
 * needs the seq the previous left); with `pipeline` (a remote store whose `append` queues and
 * coalesces, like the HTTP client's ordered writer), up to `windowEvents` events outstanding; otherwise
 * groups of `groupTxns` through `appendBatch` (one durable commit per group in SQLite).
 */
class TxnWriter {
  readonly summary = emptySummary();
  private group: PendingTxn[] = [];
  private groupBytes = 0;
  private readonly queue: Unit[] = [];
  private expect: number | undefined;
  private lastCommittedLine = 0;
  private readonly sequential: boolean;
  private readonly groupTxns: number;
  /** Events submitted but not yet settled, and the most allowed (0: wait for each unit). */
  private outstanding = 0;
  private readonly windowEvents: number;

  constructor(
    private readonly store: EventStore,
    private readonly topic: string,
    private readonly opts: WriteOptions,
  ) {
    this.expect = opts.expectMaxSeq;
    this.sequential = opts.expectMaxSeq !== undefined;
    this.groupTxns = this.sequential || opts.pipeline === true ? 1 : Math.max(1, opts.groupTxns ?? 1);
    this.windowEvents = this.sequential || opts.pipeline !== true ? 0 : Math.max(1, opts.windowEvents ?? 20_000);
  }

  async add(txn: PendingTxn, eventsRead: number): Promise<void> {
    this.group.push(txn);
    this.groupBytes += txn.bytes;
    if (this.group.length >= this.groupTxns || this.groupBytes >= (this.opts.groupBytes ?? 4 << 20)) {
      await this.submit();
      this.opts.onProgress?.(eventsRead);
    }
  }

  /** Sends what is queued and waits until everything sent has been settled. */
  async drain(): Promise<void> {
    if (this.group.length > 0) await this.submit();
    while (this.queue.length > 0) await this.settleOldest();
  }

  private async submit(): Promise<void> {
    const txns = this.group;
    this.group = [];
    this.groupBytes = 0;
    if (this.sequential) while (this.queue.length > 0) await this.settleOldest();
    const outcome = this.start(txns);
    // Settled in order by settleOldest; this only keeps an early rejection from being "unhandled".
    outcome.catch(() => undefined);
    this.queue.push({ txns, outcome });
    this.outstanding += eventCount(txns);
    while (this.queue.length > 0 && this.outstanding > this.windowEvents) await this.settleOldest();
  }

  /** The `meta` and `by` every transaction carries (absent when not given). */
  private whoAndWhy(): Pick<AppendRequest, 'meta' | 'by'> {
    const out: Pick<AppendRequest, 'meta' | 'by'> = {};
    if (this.opts.meta !== undefined) out.meta = this.opts.meta;
    if (this.opts.by !== undefined && this.opts.by !== null) out.by = this.opts.by;
    return out;
  }

  private async start(txns: PendingTxn[]): Promise<Outcome> {
    if (txns.length === 1) {
      const txn = txns[0]!;
      const req: AppendRequest = { events: txn.events, ...this.whoAndWhy() };
      if (this.expect !== undefined) req.expectMaxSeq = this.expect;
      try {
        return { responses: [await this.store.append(this.topic, req)], failedAt: -1, error: null };
      } catch (err) {
        return { responses: [], failedAt: 0, error: err };
      }
    }
    const batch: BatchTxn[] = txns.map((t) => ({ topic: this.topic, events: t.events, ...this.whoAndWhy() }));
    const res = await this.store.appendBatch(batch);
    if (res.error === null) return { responses: res.results, failedAt: -1, error: null };
    const code: ErrorCode = hasErrorCode(res.error) ? res.error.code : 'INTERNAL';
    const failedAt = Math.min(res.error.index, res.results.length);
    // The failure names the lines of the transaction; `txns[i].` (its place in this internal batch)
    // would only confuse, so a field is named as a single append names it (`events[0].data.x: ...`).
    const message = res.error.message.replace(/^txns\[\d+\]\./, '');
    return { responses: res.results, failedAt, error: new TidemarkError(code, message) };
  }

  private async settleOldest(): Promise<void> {
    const unit = this.queue.shift()!;
    this.outstanding -= eventCount(unit.txns);
    let outcome: Outcome;
    try {
      outcome = await unit.outcome;
    } catch (err) {
      // appendBatch itself rejected (the store failed): nothing of this group is acknowledged.
      const last = unit.txns[unit.txns.length - 1]!;
      throw this.failure(err, unit.txns[0]!.firstLine, last.lastLine, null, 'unacknowledged');
    }
    outcome.responses.forEach((r, i) => this.record(r, unit.txns[i]!));
    if (outcome.failedAt >= 0) {
      const failed = unit.txns[outcome.failedAt]!;
      throw this.failure(outcome.error, failed.firstLine, failed.lastLine, null);
    }
  }

  private record(res: AppendResponse & { recovered?: true }, txn: PendingTxn): void {
    let maxSeq = 0;
    if (res.recovered === true && res.txn !== null) {
      // After a network retry the HTTP writer reports our own earlier commit as all-duplicate with
      // its txn filled in. The events that commit stored are the distinct seqs of that txn: count
      // them as written; the rest were duplicates already when it was committed.
      const stored = new Set<number>();
      for (const r of res.results) if (r.txn === res.txn) stored.add(r.seq);
      for (const seq of stored) if (seq > maxSeq) maxSeq = seq;
      this.summary.written += stored.size;
      this.summary.duplicates += res.results.length - stored.size;
    } else {
      for (const r of res.results) {
        if (r.duplicate) this.summary.duplicates++;
        else {
          this.summary.written++;
          if (r.seq > maxSeq) maxSeq = r.seq;
        }
      }
    }
    this.summary.events += res.results.length;
    if (res.txn !== null) {
      this.summary.txns++;
      this.summary.firstTxn ??= res.txn;
      this.summary.lastTxn = res.txn;
    }
    if (this.expect !== undefined && maxSeq > 0) this.expect = maxSeq;
    this.lastCommittedLine = txn.lastLine;
  }

  /** A failure that says what was and was not written. */
  failure(
    err: unknown,
    firstLine: number,
    lastLine: number,
    badLine: number | null,
    kind: 'rejected' | 'unacknowledged' | 'interrupted' = 'rejected',
  ): WriteFailed {
    if (err instanceof WriteFailed) return err;
    const code: ErrorCode = hasErrorCode(err) ? err.code : 'INTERNAL';
    const message = err instanceof Error ? err.message : String(err);
    const s = this.summary;
    const lines = firstLine === lastLine ? `line ${firstLine}` : `lines ${firstLine}-${lastLine}`;
    // A store that failed (unreachable, internal error) may not say whether it committed.
    const unsure = kind === 'unacknowledged' || code === 'UNAVAILABLE' || code === 'INTERNAL';
    let what: string;
    if (kind === 'interrupted') {
      what =
        this.lastCommittedLine >= lastLine
          ? 'nothing after it was read'
          : `nothing of the transaction being read (${lines}) was written`;
    } else if (unsure) what = `the store failed while writing ${lines}, which was not acknowledged`;
    else what = `nothing of its transaction (${lines}) was written`;
    const before =
      s.events === 0
        ? 'nothing was written before it'
        : `the ${s.events} events of lines 1-${this.lastCommittedLine} stay committed (${s.written} written, ${s.duplicates} duplicates` +
          (s.firstTxn !== null ? `, txns ${s.firstTxn}-${s.lastTxn}` : ', no new txn') +
          ')';
    const prefix = badLine === null && kind !== 'interrupted' && !message.startsWith('line ') ? `${lines}: ` : '';
    return new WriteFailed(code, `${prefix}${message}; ${what}; ${before}`, { ...s }, badLine);
  }
}
