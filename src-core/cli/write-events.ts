/**
 * The core of `tidemark write`: groups parsed NDJSON lines into transactions of `txnSize` events
 * and writes them in order, keeping the one-line summary (`written`, `duplicates`, `txns`,
 * `firstTxn`, `lastTxn`, `events`). A bad line or a failed transaction stops the run: nothing of
 * that transaction is written, earlier complete transactions stay committed, and the thrown
 * `WriteFailed` carries both the summary of what was committed and a message saying so.
 *
 * With `--expect-max-seq N` the first transaction must find the topic at seq N and each later one
 * at the seq the previous one left, so no other writer can interleave. Against a remote store,
 * complete transactions are sent several at a time through `appendBatch` (one request, applied in
 * order, stopping at the first failure) while the next lines are parsed.
 */
import { type ErrorCode, TidemarkError, hasErrorCode } from '../model/errors';
import type { AppendResponse, BatchTxn, EventInput } from '../model/types';
import type { EventStore } from '../store/types';
import { type NumberedLine, parseEventLine } from './ndjson-input';

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
  /** Called after each committed transaction with the number of events read so far. */
  onProgress?: (eventsRead: number) => void;
  /** Transactions per `appendBatch` call; 1 writes each with `append`. */
  groupTxns?: number;
  /** A group is also sent once its events' JSON exceeds this many bytes (approximate). */
  groupBytes?: number;
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
  for await (const { lineNo, text } of lines) {
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
  if (current !== null) await w.add(current, read);
  await w.drain();
  return w.summary;
}

/** Sends complete transactions in order, one group in flight at a time. */
class TxnWriter {
  readonly summary = emptySummary();
  private group: PendingTxn[] = [];
  private groupBytes = 0;
  private inFlight: Promise<void> | null = null;
  private expect: number | undefined;
  private lastCommittedLine = 0;
  private readonly groupTxns: number;

  constructor(
    private readonly store: EventStore,
    private readonly topic: string,
    private readonly opts: WriteOptions,
  ) {
    this.expect = opts.expectMaxSeq;
    // Each transaction's expected seq depends on the previous one's duplicates: one at a time.
    this.groupTxns = opts.expectMaxSeq !== undefined ? 1 : Math.max(1, opts.groupTxns ?? 1);
  }

  async add(txn: PendingTxn, eventsRead: number): Promise<void> {
    this.group.push(txn);
    this.groupBytes += txn.bytes;
    if (this.group.length >= this.groupTxns || this.groupBytes >= (this.opts.groupBytes ?? 4 << 20)) {
      await this.send(eventsRead);
    }
  }

  /** Sends what is queued and waits until everything sent has been acknowledged. */
  async drain(): Promise<void> {
    if (this.group.length > 0) await this.send(null);
    if (this.inFlight !== null) {
      const p = this.inFlight;
      this.inFlight = null;
      await p;
    }
  }

  private async send(eventsRead: number | null): Promise<void> {
    const group = this.group;
    this.group = [];
    this.groupBytes = 0;
    // Wait for the previous group first: a later transaction is never sent after a failure.
    if (this.inFlight !== null) {
      const p = this.inFlight;
      this.inFlight = null;
      await p;
    }
    const run = this.commit(group).then(() => {
      if (eventsRead !== null) this.opts.onProgress?.(eventsRead);
    });
    if (this.groupTxns === 1) await run;
    else {
      // Keep parsing while this group is on the wire; surface its failure at the next await.
      run.catch(() => undefined);
      this.inFlight = run;
    }
  }

  private async commit(group: PendingTxn[]): Promise<void> {
    if (group.length === 1 || this.groupTxns === 1) {
      for (const txn of group) {
        let res: AppendResponse;
        try {
          const req =
            this.expect !== undefined ? { events: txn.events, expectMaxSeq: this.expect } : { events: txn.events };
          res = await this.store.append(this.topic, req);
        } catch (err) {
          throw this.failure(err, txn.firstLine, txn.lastLine, null);
        }
        this.record(res, txn);
      }
      return;
    }
    const batch: BatchTxn[] = group.map((t) => ({ topic: this.topic, events: t.events }));
    let res;
    try {
      res = await this.store.appendBatch(batch);
    } catch (err) {
      const first = group[0]!;
      throw this.failure(err, first.firstLine, group[group.length - 1]!.lastLine, null, true);
    }
    res.results.forEach((r, i) => this.record(r, group[i]!));
    if (res.error !== null) {
      const failed = group[res.error.index] ?? group[res.results.length]!;
      const code: ErrorCode = hasErrorCode(res.error) ? res.error.code : 'INTERNAL';
      throw this.failure(new TidemarkError(code, res.error.message), failed.firstLine, failed.lastLine, null);
    }
  }

  private record(res: AppendResponse, txn: PendingTxn): void {
    let maxSeq = 0;
    for (const r of res.results) {
      if (r.duplicate) this.summary.duplicates++;
      else {
        this.summary.written++;
        if (r.seq > maxSeq) maxSeq = r.seq;
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
  failure(err: unknown, firstLine: number, lastLine: number, badLine: number | null, uncertain = false): WriteFailed {
    if (err instanceof WriteFailed) return err;
    const code: ErrorCode = hasErrorCode(err) ? err.code : 'INTERNAL';
    const message = err instanceof Error ? err.message : String(err);
    const s = this.summary;
    const lines = firstLine === lastLine ? `line ${firstLine}` : `lines ${firstLine}-${lastLine}`;
    const what = uncertain
      ? `the request holding ${lines} failed before an answer`
      : `nothing of its transaction (${lines}) was written`;
    const before =
      s.events === 0
        ? 'nothing was written before it'
        : `the ${s.events} events of lines 1-${this.lastCommittedLine} stay committed (${s.written} written, ${s.duplicates} duplicates` +
          (s.firstTxn !== null ? `, txns ${s.firstTxn}-${s.lastTxn}` : ', no new txn') +
          ')';
    const prefix = badLine === null && !message.startsWith('line ') ? `${lines}: ` : '';
    return new WriteFailed(code, `${prefix}${message}; ${what}; ${before}`, { ...s }, badLine);
  }
}
